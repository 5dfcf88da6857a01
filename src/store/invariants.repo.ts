import type { Db, Queryable } from './db.ts';

// Read-only queries for `vpc-eni check`: the raw facts the invariant checker judges. They read the
// tables directly, across accounts, and return rows as they are stored; the rules (limits, usable
// ranges) are applied by the checker with the domain's own functions.

/**
 * Runs `fn` on one consistent snapshot of the database. SQLite: an IMMEDIATE transaction already
 * sees one point in time. PostgreSQL: READ COMMITTED would let each query see a different moment,
 * and a live server would then look broken half-way through its own transactions.
 */
export async function snapshot<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.tx(async (tx) => {
    if (db.dialect === 'postgres') await tx.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return fn(tx);
  });
}

/** An ENI whose instance (attached, or the one it is moving to) is missing or cannot hold it. */
export interface EniInstanceRow {
  eniId: string;
  column: 'instance_id' | 'target_instance_id';
  instanceId: string;
  found: number;
  sameOwner: number;
  sameVpc: number;
}

export async function enisOnMissingOrForeignInstances(q: Queryable): Promise<EniInstanceRow[]> {
  const one = (column: 'instance_id' | 'target_instance_id') =>
    q.all<EniInstanceRow>(
      `SELECT e.id AS "eniId", '${column}' AS "column", e.${column} AS "instanceId",
              CASE WHEN i.id IS NULL THEN 0 ELSE 1 END AS found,
              CASE WHEN i.app_id = e.app_id AND i.region = e.region THEN 1 ELSE 0 END AS "sameOwner",
              CASE WHEN i.vpc_id = e.vpc_id THEN 1 ELSE 0 END AS "sameVpc"
       FROM enis e LEFT JOIN instances i ON i.id = e.${column}
       WHERE e.${column} IS NOT NULL
         AND (i.id IS NULL OR i.app_id <> e.app_id OR i.region <> e.region OR i.vpc_id IS NULL OR i.vpc_id <> e.vpc_id)
       ORDER BY e.id`,
    );
  return [...(await one('instance_id')), ...(await one('target_instance_id'))];
}

/** ENIs whose subnet is missing or lies in another VPC than the ENI. */
export async function enisOutsideTheirSubnet(q: Queryable): Promise<Array<{ eniId: string; subnetId: string }>> {
  return q.all(
    `SELECT e.id AS "eniId", e.subnet_id AS "subnetId"
     FROM enis e LEFT JOIN subnets s ON s.id = e.subnet_id
     WHERE s.id IS NULL OR s.vpc_id <> e.vpc_id ORDER BY e.id`,
  );
}

/** VPCs whose stored ENI count (migration 009) differs from the number of ENIs in them. */
export async function eniCountMismatches(
  q: Queryable,
): Promise<Array<{ vpcId: string; stored: number; actual: number }>> {
  return q.all(
    `SELECT v.id AS "vpcId", v.eni_count AS stored, COALESCE(c.n, 0) AS actual
     FROM vpcs v LEFT JOIN (SELECT vpc_id, COUNT(*) AS n FROM enis GROUP BY vpc_id) c ON c.vpc_id = v.id
     WHERE v.eni_count <> COALESCE(c.n, 0) ORDER BY v.id`,
  );
}

/** ENIs whose VPC is missing or belongs to another account or region than the ENI. */
export async function enisOutsideTheirOwnersVpcs(
  q: Queryable,
): Promise<Array<{ eniId: string; vpcId: string; found: number }>> {
  return q.all(
    `SELECT e.id AS "eniId", e.vpc_id AS "vpcId", CASE WHEN v.id IS NULL THEN 0 ELSE 1 END AS found
     FROM enis e LEFT JOIN vpcs v ON v.id = e.vpc_id
     WHERE v.id IS NULL OR v.app_id <> e.app_id OR v.region <> e.region ORDER BY e.id`,
  );
}

/** Every VPC instance with how many primary ENIs it holds, attached and still being created. A
 *  failed launch (status 1) is in no VPC any more and holds none (`failedLaunchesHolding`). */
export async function primaryEnisPerVpcInstance(
  q: Queryable,
): Promise<Array<{ instanceId: string; status: number; attached: number; pending: number }>> {
  return q.all(
    `SELECT i.id AS "instanceId", i.status,
            (SELECT COUNT(*) FROM enis e WHERE e.is_primary = 1 AND e.instance_id = i.id) AS attached,
            (SELECT COUNT(*) FROM enis e WHERE e.is_primary = 1 AND e.target_instance_id = i.id) AS pending
     FROM instances i WHERE i.vpc_id IS NOT NULL AND i.status <> 1 ORDER BY i.id`,
  );
}

/** Primary ENIs that belong to no instance at all (neither attached nor being created with one). */
export async function orphanPrimaryEnis(q: Queryable): Promise<Array<{ eniId: string }>> {
  return q.all(
    `SELECT id AS "eniId" FROM enis
     WHERE is_primary = 1 AND instance_id IS NULL AND target_instance_id IS NULL ORDER BY id`,
  );
}

/** Per instance: its size and the ENIs its limit counts (attached plus attaching). */
export async function eniCountsPerInstance(
  q: Queryable,
): Promise<Array<{ instanceId: string; cpu: number; mem: number; enis: number }>> {
  return q.all(
    `SELECT i.id AS "instanceId", i.cpu, i.mem, COUNT(e.id) AS enis
     FROM instances i JOIN enis e ON e.instance_id = i.id OR e.target_instance_id = i.id
     GROUP BY i.id, i.cpu, i.mem ORDER BY i.id`,
  );
}

/** Addresses held more than once in one subnet (the primary key should make this impossible). */
export async function duplicateIps(q: Queryable): Promise<Array<{ subnetId: string; ip: number; holders: number }>> {
  return q.all(
    `SELECT subnet_id AS "subnetId", ip_num AS ip, COUNT(*) AS holders
     FROM private_ips GROUP BY subnet_id, ip_num HAVING COUNT(*) > 1 ORDER BY subnet_id, ip_num`,
  );
}

export interface IpRow {
  subnetId: string;
  ip: number;
  eniId: string;
  state: string;
  /** The subnet's block, null when the subnet is gone. */
  cidr: string | null;
  /** The holder ENI's subnet, null when the ENI is gone. */
  eniSubnetId: string | null;
}

/** Every private IP with its subnet's block and its ENI's subnet. */
export async function allIps(q: Queryable): Promise<IpRow[]> {
  return q.all(
    `SELECT p.subnet_id AS "subnetId", p.ip_num AS ip, p.eni_id AS "eniId", p.state,
            s.cidr, e.subnet_id AS "eniSubnetId"
     FROM private_ips p LEFT JOIN subnets s ON s.id = p.subnet_id LEFT JOIN enis e ON e.id = p.eni_id
     ORDER BY p.subnet_id, p.ip_num`,
  );
}

export interface EniIpCountRow {
  eniId: string;
  primaries: number;
  total: number;
  /** Size of the instance it is attached to; null when unattached. */
  cpu: number | null;
  mem: number | null;
}

/** Per ENI: primary IPs, all IPs, and the size of the instance it is attached to. */
export async function ipCountsPerEni(q: Queryable): Promise<EniIpCountRow[]> {
  return q.all(
    `SELECT e.id AS "eniId",
            (SELECT COUNT(*) FROM private_ips p WHERE p.eni_id = e.id AND p.is_primary = 1) AS primaries,
            (SELECT COUNT(*) FROM private_ips p WHERE p.eni_id = e.id) AS total,
            i.cpu, i.mem
     FROM enis e LEFT JOIN instances i ON i.id = e.instance_id ORDER BY e.id`,
  );
}

export interface BusyEniRow {
  eniId: string;
  state: string;
  taskId: number | null;
  targetInstanceId: string | null;
  /** Status of the task the ENI points at; null when there is no such task. */
  taskStatus: number | null;
}

/** ENIs that look busy: a transitional state, a task, or an instance they are moving to. */
export async function busyEnis(q: Queryable): Promise<BusyEniRow[]> {
  return q.all(
    `SELECT e.id AS "eniId", e.state, e.task_id AS "taskId", e.target_instance_id AS "targetInstanceId",
            t.status AS "taskStatus"
     FROM enis e LEFT JOIN tasks t ON t.id = e.task_id
     WHERE e.state <> 'AVAILABLE' OR e.task_id IS NOT NULL OR e.target_instance_id IS NOT NULL
     ORDER BY e.id`,
  );
}

/** Instances in a transitional status (creating 3, terminating 6, rebooting 7, starting 8, stopping 9). */
export async function transitionalInstances(q: Queryable): Promise<Array<{ instanceId: string; status: number }>> {
  return q.all(`SELECT id AS "instanceId", status FROM instances WHERE status IN (3, 6, 7, 8, 9) ORDER BY id`);
}

/** Failed launches (status 1) that still hold something: a VPC or subnet, or an ENI. */
export async function failedLaunchesHolding(
  q: Queryable,
): Promise<Array<{ instanceId: string; vpcId: string | null; subnetId: string | null; enis: number }>> {
  return q.all(
    `SELECT i.id AS "instanceId", i.vpc_id AS "vpcId", i.subnet_id AS "subnetId",
            (SELECT COUNT(*) FROM enis e WHERE e.instance_id = i.id OR e.target_instance_id = i.id) AS enis
     FROM instances i WHERE i.status = 1
       AND (i.vpc_id IS NOT NULL OR i.subnet_id IS NOT NULL
            OR EXISTS (SELECT 1 FROM enis e WHERE e.instance_id = i.id OR e.target_instance_id = i.id))
     ORDER BY i.id`,
  );
}

export interface TaskRow {
  id: number;
  type: string;
  status: number;
  payload: string;
  dueAt: number;
  finishedAt: number | null;
}

/** Tasks still running, and finished tasks that do not look finished. */
export async function unfinishedOrOddTasks(q: Queryable): Promise<TaskRow[]> {
  return q.all(
    `SELECT id, type, status, payload, due_at AS "dueAt", finished_at AS "finishedAt" FROM tasks
     WHERE status NOT IN (0, 1) OR finished_at IS NULL ORDER BY id`,
  );
}

/** Security-group bindings whose ENI or group is gone. */
export async function danglingSecurityGroupBindings(
  q: Queryable,
): Promise<Array<{ eniId: string; sgId: string; eniFound: number; sgFound: number }>> {
  return q.all(
    `SELECT b.eni_id AS "eniId", b.sg_id AS "sgId",
            CASE WHEN e.id IS NULL THEN 0 ELSE 1 END AS "eniFound",
            CASE WHEN g.id IS NULL THEN 0 ELSE 1 END AS "sgFound"
     FROM eni_security_groups b LEFT JOIN enis e ON e.id = b.eni_id LEFT JOIN security_groups g ON g.id = b.sg_id
     WHERE e.id IS NULL OR g.id IS NULL ORDER BY b.eni_id, b.sg_id`,
  );
}
