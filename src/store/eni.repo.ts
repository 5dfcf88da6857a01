import type { Caller, Eni, EniState, OrderDirection, Page } from '../domain/model.ts';
import type { Queryable, SqlValue } from './db.ts';
import { foldCase } from './fold.ts';
import { orderAndPage, Where } from './sql.ts';
import { deleteTags, whereTagged, type TagCondition } from './tag.repo.ts';
import { addToEniCount, countedEnis, eniCountOf, lockVpcById } from './vpc.repo.ts';

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
  device_index: number | null;
  qos_level: string;
  created_at: number;
}

const COLUMNS =
  'id, app_id, region, vpc_id, subnet_id, name, description, mac, is_primary, state, instance_id, attach_time, target_instance_id, task_id, device_index, qos_level, created_at';
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
  deviceIndex: r.device_index,
  qosLevel: r.qos_level,
  createdAt: r.created_at,
});

export async function insertEni(q: Queryable, e: Eni): Promise<void> {
  await q.run(
    `INSERT INTO enis (${COLUMNS}, name_fold, description_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
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
      e.deviceIndex,
      e.qosLevel,
      e.createdAt,
      foldCase(e.name),
      foldCase(e.description),
    ],
  );
  await addToEniCount(q, e.vpcId, 1);
}

/** The caller's ENI (in `vpcId` when given); `lock` takes its row lock (one operation per ENI at a time). */
export async function findEni(
  q: Queryable,
  caller: Caller,
  id: string,
  o: { vpcId?: string; lock?: boolean } = {},
): Promise<Eni | undefined> {
  const inVpc = o.vpcId === undefined ? '' : ' AND vpc_id = ?';
  const row = await q.get<EniRow>(
    `SELECT ${COLUMNS} FROM enis WHERE id = ? AND app_id = ? AND region = ?${inVpc}${o.lock ? q.caps.forUpdate : ''}`,
    o.vpcId === undefined ? [id, caller.appId, caller.region] : [id, caller.appId, caller.region, o.vpcId],
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

/** Every ENI of the VPC counts, whatever its state (one being created or deleted included). */
export async function countEnisInVpc(q: Queryable, vpcId: string): Promise<number> {
  return eniCountOf(q, vpcId);
}

export interface EniChange {
  state?: EniState;
  instanceId?: string | null;
  attachTime?: number | null;
  targetInstanceId?: string | null;
  taskId?: number | null;
  deviceIndex?: number | null;
  qosLevel?: string;
  name?: string;
  description?: string;
}

const CHANGE_COLUMNS: Record<keyof EniChange, string> = {
  state: 'state',
  instanceId: 'instance_id',
  attachTime: 'attach_time',
  targetInstanceId: 'target_instance_id',
  taskId: 'task_id',
  deviceIndex: 'device_index',
  qosLevel: 'qos_level',
  name: 'name',
  description: 'description',
};

export async function updateEni(q: Queryable, id: string, change: EniChange): Promise<void> {
  const keys = (Object.keys(change) as (keyof EniChange)[]).filter((k) => change[k] !== undefined);
  if (keys.length === 0) return;
  const sets = keys.map((k) => `${CHANGE_COLUMNS[k]} = ?`);
  const values: SqlValue[] = keys.map((k) => change[k] ?? null);
  // A searchable text is never written without its folded copy.
  for (const k of ['name', 'description'] as const) {
    if (change[k] === undefined) continue;
    sets.push(`${k}_fold = ?`);
    values.push(foldCase(change[k]));
  }
  await q.run(`UPDATE enis SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
}

export async function deleteEni(q: Queryable, id: string): Promise<void> {
  // The VPC's row lock comes first, as in every transaction that creates an ENI there (the lock
  // order is VPC before ENI), so the two queue on it instead of deadlocking.
  const owner = await q.get<{ vpc_id: string }>('SELECT vpc_id FROM enis WHERE id = ?', [id]);
  if (owner) await lockVpcById(q, owner.vpc_id);
  await q.run('DELETE FROM eni_security_groups WHERE eni_id = ?', [id]);
  await q.run('DELETE FROM private_ips WHERE eni_id = ?', [id]);
  // By the rows this transaction removed: one that lost a race to delete the same ENI counts nothing.
  const removed = await q.run('DELETE FROM enis WHERE id = ?', [id]);
  if (owner && removed > 0) await addToEniCount(q, owner.vpc_id, -removed);
  await deleteTags(q, [id]);
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface EniFilter {
  vpcIds?: readonly string[];
  subnetIds?: readonly string[];
  eniIds?: readonly string[];
  instanceIds?: readonly string[];
  sgIds?: readonly string[];
  names?: readonly string[];
  descriptions?: readonly string[];
  primary?: boolean;
  qosLevels?: readonly string[];
  /** Holds a private IP inside one of these inclusive numeric ranges. */
  ipRanges?: ReadonlyArray<readonly [number, number]>;
  tags?: readonly TagCondition[];
}

/** From this OFFSET on, a page is read through its ids first (see listEnis). */
export const DEEP_PAGE_OFFSET = 1000;
const QUALIFIED = COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');

/**
 * Whether the VPCs' ENI counters answer the filter's total: nothing but VPCs (or nothing at all)
 * filters. Any other filter is selective and keeps its COUNT(*); a filter added to EniFilter later
 * is covered without a change here.
 */
function countedByVpcs(filter: EniFilter): boolean {
  return Object.entries(filter).every(([key, value]) => key === 'vpcIds' || value === undefined);
}

export async function listEnis(
  q: Queryable,
  caller: Caller,
  filter: EniFilter,
  order: { field: 'createdAt' | 'name'; direction: OrderDirection },
  page: Page,
): Promise<{ total: number; items: Eni[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  // The VPC index walks a VPC's ENIs in the answer's order, so SQLite (which keeps no statistics)
  // takes it whenever a VPC is named, expecting the LIMIT to stop the walk early. With a narrower
  // filter that has an index of its own (the ENI, its instance, its subnet) the walk would cross the
  // whole VPC to find a handful of rows: the VPC term is then written so that no index serves it.
  const narrower = filter.eniIds ?? filter.instanceIds ?? filter.subnetIds;
  if (filter.vpcIds) where.anyOf(narrower ? "(vpc_id || '')" : 'vpc_id', filter.vpcIds);
  if (filter.subnetIds) where.anyOf('subnet_id', filter.subnetIds);
  if (filter.eniIds) where.anyOf('id', filter.eniIds);
  if (filter.instanceIds) where.anyOf('instance_id', filter.instanceIds);
  if (filter.names) where.containsAny('name', filter.names);
  if (filter.descriptions) where.containsAny('description', filter.descriptions);
  if (filter.primary !== undefined) where.add('is_primary = ?', filter.primary ? 1 : 0);
  if (filter.qosLevels) where.anyOf('qos_level', filter.qosLevels);
  if (filter.sgIds) {
    const sgs = new Where().anyOf('sg_id', filter.sgIds);
    where.add(`id IN (SELECT eni_id FROM eni_security_groups${sgs.sql})`, ...sgs.params);
  }
  if (filter.ipRanges) {
    const ranges = filter.ipRanges.map(() => 'ip_num BETWEEN ? AND ?').join(' OR ') || '1 = 0';
    where.add(`id IN (SELECT eni_id FROM private_ips WHERE ${ranges})`, ...filter.ipRanges.flat());
  }
  if (filter.tags) whereTagged(where, filter.tags);
  const total = countedByVpcs(filter)
    ? await countedEnis(q, caller, filter.vpcIds)
    : ((await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM enis${where.sql}`, where.params))?.n ?? 0);
  return { total, items: (await pageRows(q, where, order, page)).map(toEni) };
}

async function pageRows(
  q: Queryable,
  where: Where,
  order: { field: 'createdAt' | 'name'; direction: OrderDirection },
  page: Page,
): Promise<EniRow[]> {
  const column = order.field === 'name' ? 'name' : 'created_at';
  const sortKey = (table: string) => (column === 'name' ? `${table}name${q.caps.bytewise}` : `${table}created_at`);
  const o = orderAndPage(sortKey(''), order.direction, page);
  if (page.offset < DEEP_PAGE_OFFSET) {
    return q.all<EniRow>(`SELECT ${COLUMNS} FROM enis${where.sql}${o.sql}`, [...where.params, ...o.params]);
  }
  // A deep page skips thousands of rows it never returns. Reading them whole (PostgreSQL's heap,
  // SQLite's table behind the index) cost more than the page, and PostgreSQL then preferred to
  // sort the whole VPC: the page's ids come from the index alone (it holds the order and the id),
  // then its rows by id, in the order the index gave.
  const dir = order.direction === 'asc' ? 'ASC' : 'DESC';
  return q.all<EniRow>(
    `SELECT ${QUALIFIED} FROM (SELECT id, ${column} FROM enis${where.sql}${o.sql}) p JOIN enis e ON e.id = p.id
     ORDER BY ${sortKey('p.')} ${dir}, p.id ${dir}`,
    [...where.params, ...o.params],
  );
}

/** The primary IP of each instance's primary ENI (attached, or being created with it). */
export async function primaryIpsOfInstances(
  q: Queryable,
  instanceIds: readonly string[],
): Promise<Array<{ instanceId: string; eniId: string; ip: number }>> {
  if (instanceIds.length === 0) return [];
  const marks = instanceIds.map(() => '?').join(', ');
  return q.all<{ instanceId: string; eniId: string; ip: number }>(
    `SELECT COALESCE(e.instance_id, e.target_instance_id) AS "instanceId", e.id AS "eniId", p.ip_num AS ip
     FROM enis e JOIN private_ips p ON p.eni_id = e.id AND p.is_primary = 1
     WHERE e.is_primary = 1 AND (e.instance_id IN (${marks}) OR e.target_instance_id IN (${marks}))`,
    [...instanceIds, ...instanceIds],
  );
}
