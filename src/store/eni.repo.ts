import type { Caller, Eni, EniState, OrderDirection, Page } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { orderAndPage, Where } from './sql.ts';

interface EniRow {
  id: string;
  app_id: number;
  region: string;
  vpc_id: string;
  subnet_id: string;
  name: string;
  description: string;
  mac: string;
  is_primary: number;
  state: EniState;
  instance_id: string | null;
  attach_time: number | null;
  target_instance_id: string | null;
  task_id: number | null;
  created_at: number;
}

const COLUMNS =
  'id, app_id, region, vpc_id, subnet_id, name, description, mac, is_primary, state, instance_id, attach_time, target_instance_id, task_id, created_at';
const toEni = (r: EniRow): Eni => ({
  id: r.id,
  appId: r.app_id,
  region: r.region,
  vpcId: r.vpc_id,
  subnetId: r.subnet_id,
  name: r.name,
  description: r.description,
  mac: r.mac,
  primary: r.is_primary === 1,
  state: r.state,
  instanceId: r.instance_id,
  attachTime: r.attach_time,
  targetInstanceId: r.target_instance_id,
  taskId: r.task_id,
  createdAt: r.created_at,
});

export async function insertEni(q: Queryable, e: Eni): Promise<void> {
  await q.run(`INSERT INTO enis (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    e.id,
    e.appId,
    e.region,
    e.vpcId,
    e.subnetId,
    e.name,
    e.description,
    e.mac,
    e.primary ? 1 : 0,
    e.state,
    e.instanceId,
    e.attachTime,
    e.targetInstanceId,
    e.taskId,
    e.createdAt,
  ]);
}

/** The caller's ENI in the given VPC; `lock` takes its row lock (one operation per ENI at a time). */
export async function findEni(
  q: Queryable,
  caller: Caller,
  vpcId: string,
  id: string,
  lock = false,
): Promise<Eni | undefined> {
  const row = await q.get<EniRow>(
    `SELECT ${COLUMNS} FROM enis WHERE id = ? AND vpc_id = ? AND app_id = ? AND region = ?${lock ? q.caps.forUpdate : ''}`,
    [id, vpcId, caller.appId, caller.region],
  );
  return row && toEni(row);
}

export async function findEniById(q: Queryable, id: string, lock = false): Promise<Eni | undefined> {
  const row = await q.get<EniRow>(`SELECT ${COLUMNS} FROM enis WHERE id = ?${lock ? q.caps.forUpdate : ''}`, [id]);
  return row && toEni(row);
}

export async function macInUse(q: Queryable, mac: string): Promise<boolean> {
  return (await q.get('SELECT 1 AS x FROM enis WHERE mac = ?', [mac])) !== undefined;
}

/** ENIs on an instance or on their way to it: what its ENI limit counts. */
export async function enisOfInstance(q: Queryable, instanceId: string): Promise<Eni[]> {
  const rows = await q.all<EniRow>(
    `SELECT ${COLUMNS} FROM enis WHERE instance_id = ? UNION SELECT ${COLUMNS} FROM enis WHERE target_instance_id = ?`,
    [instanceId, instanceId],
  );
  return rows.map(toEni);
}

export async function countEnisInVpc(q: Queryable, vpcId: string): Promise<number> {
  const row = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM enis WHERE vpc_id = ?', [vpcId]);
  return row?.n ?? 0;
}

export interface EniChange {
  state?: EniState;
  instanceId?: string | null;
  attachTime?: number | null;
  targetInstanceId?: string | null;
  taskId?: number | null;
  name?: string;
  description?: string;
}

const CHANGE_COLUMNS: Record<keyof EniChange, string> = {
  state: 'state',
  instanceId: 'instance_id',
  attachTime: 'attach_time',
  targetInstanceId: 'target_instance_id',
  taskId: 'task_id',
  name: 'name',
  description: 'description',
};

export async function updateEni(q: Queryable, id: string, change: EniChange): Promise<void> {
  const keys = (Object.keys(change) as (keyof EniChange)[]).filter((k) => change[k] !== undefined);
  if (keys.length === 0) return;
  await q.run(`UPDATE enis SET ${keys.map((k) => `${CHANGE_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`, [
    ...keys.map((k) => change[k] ?? null),
    id,
  ]);
}

export async function deleteEni(q: Queryable, id: string): Promise<void> {
  await q.run('DELETE FROM eni_security_groups WHERE eni_id = ?', [id]);
  await q.run('DELETE FROM private_ips WHERE eni_id = ?', [id]);
  await q.run('DELETE FROM enis WHERE id = ?', [id]);
}

export interface EniFilter {
  vpcId?: string;
  subnetId?: string;
  eniId?: string;
  instanceId?: string;
  name?: string;
  description?: string;
  sgId?: string;
}

export async function listEnis(
  q: Queryable,
  caller: Caller,
  filter: EniFilter,
  order: { field: 'createTime' | 'eniName'; direction: OrderDirection },
  page: Page,
): Promise<{ total: number; items: Eni[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (filter.vpcId !== undefined) where.add('vpc_id = ?', filter.vpcId);
  if (filter.subnetId !== undefined) where.add('subnet_id = ?', filter.subnetId);
  if (filter.eniId !== undefined) where.add('id = ?', filter.eniId);
  if (filter.instanceId !== undefined) where.add('instance_id = ?', filter.instanceId);
  if (filter.name !== undefined) where.contains('name', filter.name);
  if (filter.description !== undefined) where.contains('description', filter.description);
  if (filter.sgId !== undefined) {
    where.add('id IN (SELECT eni_id FROM eni_security_groups WHERE sg_id = ?)', filter.sgId);
  }
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM enis${where.sql}`, where.params);
  const o = orderAndPage(order.field === 'eniName' ? `name${q.caps.bytewise}` : 'created_at', order.direction, page);
  const rows = await q.all<EniRow>(`SELECT ${COLUMNS} FROM enis${where.sql}${o.sql}`, [...where.params, ...o.params]);
  return { total: total?.n ?? 0, items: rows.map(toEni) };
}

/** The primary IP of each instance's primary ENI (attached, or being created with it). */
export async function primaryIpsOfInstances(
  q: Queryable,
  instanceIds: readonly string[],
): Promise<Array<{ instanceId: string; ip: number }>> {
  if (instanceIds.length === 0) return [];
  const marks = instanceIds.map(() => '?').join(', ');
  return q.all<{ instanceId: string; ip: number }>(
    `SELECT COALESCE(e.instance_id, e.target_instance_id) AS "instanceId", p.ip_num AS ip
     FROM enis e JOIN private_ips p ON p.eni_id = e.id AND p.is_primary = 1
     WHERE e.is_primary = 1 AND (e.instance_id IN (${marks}) OR e.target_instance_id IN (${marks}))`,
    [...instanceIds, ...instanceIds],
  );
}
