import type { Caller, OrderDirection, Page, Vpc } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { foldCase } from './fold.ts';
import { orderAndPage, Where } from './sql.ts';
import { deleteTags, whereTagged, type TagCondition } from './tag.repo.ts';

interface VpcRow {
  id: string;
  app_id: number;
  region: string;
  name: string;
  cidr: string;
  created_at: number;
  attributes: string;
}

const COLUMNS = 'id, app_id, region, name, cidr, created_at, attributes';
const toVpc = (r: VpcRow): Vpc => ({
  id: r.id,
  appId: r.app_id,
  region: r.region,
  name: r.name,
  cidr: r.cidr,
  createdAt: r.created_at,
  attributes: JSON.parse(r.attributes) as Record<string, unknown>,
});

export async function insertVpc(q: Queryable, v: Vpc): Promise<void> {
  await q.run(`INSERT INTO vpcs (${COLUMNS}, name_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    v.id,
    v.appId,
    v.region,
    v.name,
    v.cidr,
    v.createdAt,
    JSON.stringify(v.attributes),
    foldCase(v.name),
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

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface VpcFilter {
  vpcIds?: readonly string[];
  names?: readonly string[];
  /** `a.b.c.d/n` matches that block; a bare `a.b.c.d` matches any block starting at that address. */
  cidrs?: readonly string[];
  tags?: readonly TagCondition[];
}

/** The CIDR-or-network-address match of a `cidrs` filter, for the `cidr` column. */
export function cidrMatch(where: Where, cidrs: readonly string[]): void {
  if (cidrs.length === 0) {
    where.add('1 = 0');
    return;
  }
  const clauses: string[] = [];
  const params: string[] = [];
  for (const c of cidrs) {
    if (c.includes('/')) {
      clauses.push('cidr = ?');
      params.push(c);
    } else {
      clauses.push("cidr LIKE ? ESCAPE '\\'");
      params.push(c.replace(/[\\%_]/g, (ch) => '\\' + ch) + '/%');
    }
  }
  where.add(`(${clauses.join(' OR ')})`, ...params);
}

export async function listVpcs(
  q: Queryable,
  caller: Caller,
  filter: VpcFilter,
  order: { field: 'createdAt' | 'name'; direction: OrderDirection },
  page: Page,
): Promise<{ total: number; items: Vpc[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (filter.vpcIds) where.anyOf('id', filter.vpcIds);
  if (filter.names) where.containsAny('name', filter.names);
  if (filter.cidrs) cidrMatch(where, filter.cidrs);
  if (filter.tags) whereTagged(where, filter.tags);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM vpcs${where.sql}`, where.params);
  const o = orderAndPage(order.field === 'name' ? `name${q.caps.bytewise}` : 'created_at', order.direction, page);
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

/** Deletes the VPC and its (empty) subnets, with their tags. */
export async function deleteVpc(q: Queryable, vpcId: string): Promise<void> {
  const subnets = await q.all<{ id: string }>('SELECT id FROM subnets WHERE vpc_id = ?', [vpcId]);
  await q.run('DELETE FROM subnets WHERE vpc_id = ?', [vpcId]);
  await q.run('DELETE FROM vpcs WHERE id = ?', [vpcId]);
  await deleteTags(q, [vpcId, ...subnets.map((s) => s.id)]);
}

/** Renames the VPC and/or replaces its stored attributes. */
export async function updateVpc(
  q: Queryable,
  id: string,
  change: { name?: string; attributes?: Record<string, unknown> },
): Promise<void> {
  if (change.name !== undefined) {
    await q.run('UPDATE vpcs SET name = ?, name_fold = ? WHERE id = ?', [change.name, foldCase(change.name), id]);
  }
  if (change.attributes !== undefined) {
    await q.run('UPDATE vpcs SET attributes = ? WHERE id = ?', [JSON.stringify(change.attributes), id]);
  }
}
