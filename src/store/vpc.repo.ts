import type { Caller, OrderDirection, Page, Vpc } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { orderAndPage, Where } from './sql.ts';

interface VpcRow {
  id: string;
  app_id: number;
  region: string;
  name: string;
  cidr: string;
  created_at: number;
}

const COLUMNS = 'id, app_id, region, name, cidr, created_at';
const toVpc = (r: VpcRow): Vpc => ({
  id: r.id,
  appId: r.app_id,
  region: r.region,
  name: r.name,
  cidr: r.cidr,
  createdAt: r.created_at,
});

export async function insertVpc(q: Queryable, v: Vpc): Promise<void> {
  await q.run(`INSERT INTO vpcs (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
    v.id,
    v.appId,
    v.region,
    v.name,
    v.cidr,
    v.createdAt,
  ]);
}

/** The caller's VPC; `lock` takes its row lock for the rest of the transaction. */
export async function findVpc(q: Queryable, caller: Caller, id: string, lock = false): Promise<Vpc | undefined> {
  const row = await q.get<VpcRow>(
    `SELECT ${COLUMNS} FROM vpcs WHERE id = ? AND app_id = ? AND region = ?${lock ? q.caps.forUpdate : ''}`,
    [id, caller.appId, caller.region],
  );
  return row && toVpc(row);
}

export async function countVpcs(q: Queryable, caller: Caller): Promise<number> {
  const row = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM vpcs WHERE app_id = ? AND region = ?', [
    caller.appId,
    caller.region,
  ]);
  return row?.n ?? 0;
}

export interface VpcFilter {
  vpcId?: string;
  name?: string;
}

export async function listVpcs(
  q: Queryable,
  caller: Caller,
  filter: VpcFilter,
  order: { field: 'createTime' | 'vpcName'; direction: OrderDirection },
  page: Page,
): Promise<{ total: number; items: Vpc[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (filter.vpcId !== undefined) where.add('id = ?', filter.vpcId);
  if (filter.name !== undefined) where.contains('name', filter.name);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM vpcs${where.sql}`, where.params);
  const o = orderAndPage(order.field === 'vpcName' ? `name${q.caps.bytewise}` : 'created_at', order.direction, page);
  const rows = await q.all<VpcRow>(`SELECT ${COLUMNS} FROM vpcs${where.sql}${o.sql}`, [...where.params, ...o.params]);
  return { total: total?.n ?? 0, items: rows.map(toVpc) };
}

export interface VpcCounts {
  subnets: number;
  instances: number;
  enis: number;
}

export async function vpcCounts(q: Queryable, vpcId: string): Promise<VpcCounts> {
  const row = await q.get<VpcCounts>(
    `SELECT (SELECT COUNT(*) FROM subnets WHERE vpc_id = ?) AS subnets,
            (SELECT COUNT(*) FROM instances WHERE vpc_id = ?) AS instances,
            (SELECT COUNT(*) FROM enis WHERE vpc_id = ?) AS enis`,
    [vpcId, vpcId, vpcId],
  );
  return row ?? { subnets: 0, instances: 0, enis: 0 };
}

/** Deletes the VPC and its (empty) subnets. */
export async function deleteVpc(q: Queryable, vpcId: string): Promise<void> {
  await q.run('DELETE FROM subnets WHERE vpc_id = ?', [vpcId]);
  await q.run('DELETE FROM vpcs WHERE id = ?', [vpcId]);
}
