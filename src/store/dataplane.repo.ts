import type { Queryable, SqlValue } from './db.ts';

// Read-only queries for the netns data plane (src/dataplane): the rows that decide what the host
// must hold, across accounts. `vpcIds` narrows them to some VPCs (a task's); none: every VPC.

export interface HostRows {
  vpcs: Array<{ id: string; cidr: string }>;
  subnets: Array<{ id: string; vpcId: string; cidr: string }>;
  instances: Array<{ id: string; vpcId: string; status: number }>;
  enis: Array<{
    id: string;
    vpcId: string;
    subnetId: string;
    mac: string;
    primary: number;
    instanceId: string | null;
    taskId: number | null;
    deviceIndex: number | null;
  }>;
  ips: Array<{ eniId: string; ip: number; primary: number; state: string }>;
  /** Each ENI's security groups, in order. */
  groups: Array<{ eniId: string; sgId: string }>;
}

export async function hostRows(q: Queryable, vpcIds?: readonly string[]): Promise<HostRows> {
  const params: SqlValue[] = vpcIds ? [...vpcIds] : [];
  const where = (column: string) =>
    vpcIds ? `WHERE ${column} IN (${vpcIds.map(() => '?').join(', ') || 'NULL'})` : '';
  return {
    vpcs: await q.all(`SELECT id, cidr FROM vpcs ${where('id')} ORDER BY id`, params),
    subnets: await q.all(`SELECT id, vpc_id AS "vpcId", cidr FROM subnets ${where('vpc_id')} ORDER BY id`, params),
    // A failed launch is in no VPC any more (vpc_id is cleared): it has nothing on the host.
    instances: await q.all(
      `SELECT id, vpc_id AS "vpcId", status FROM instances ${where('vpc_id') || 'WHERE vpc_id IS NOT NULL'} ORDER BY id`,
      params,
    ),
    enis: await q.all(
      `SELECT id, vpc_id AS "vpcId", subnet_id AS "subnetId", mac, is_primary AS "primary",
              instance_id AS "instanceId", task_id AS "taskId", device_index AS "deviceIndex"
       FROM enis ${where('vpc_id')} ORDER BY id`,
      params,
    ),
    ips: await q.all(
      `SELECT p.eni_id AS "eniId", p.ip_num AS ip, p.is_primary AS "primary", p.state
       FROM private_ips p JOIN enis e ON e.id = p.eni_id ${where('e.vpc_id')}
       ORDER BY p.eni_id, p.is_primary DESC, p.ip_num`,
      params,
    ),
    groups: await q.all(
      `SELECT b.eni_id AS "eniId", b.sg_id AS "sgId"
       FROM eni_security_groups b JOIN enis e ON e.id = b.eni_id ${where('e.vpc_id')}
       ORDER BY b.eni_id, b.position`,
      params,
    ),
  };
}

/** The VPCs that hold the given ENIs or instances. */
export async function vpcsOfResources(q: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const marks = ids.map(() => '?').join(', ');
  const rows = await q.all<{ vpcId: string }>(
    `SELECT vpc_id AS "vpcId" FROM enis WHERE id IN (${marks})
     UNION SELECT vpc_id AS "vpcId" FROM instances WHERE id IN (${marks}) AND vpc_id IS NOT NULL`,
    [...ids, ...ids],
  );
  return rows.map((r) => r.vpcId).sort();
}

/** Every VPC and subnet, for the sweep that builds and removes their host objects within seconds. */
export async function networkRows(q: Queryable): Promise<Pick<HostRows, 'vpcs' | 'subnets'>> {
  return {
    vpcs: await q.all(`SELECT id, cidr FROM vpcs ORDER BY id`),
    subnets: await q.all(`SELECT id, vpc_id AS "vpcId", cidr FROM subnets ORDER BY id`),
  };
}
