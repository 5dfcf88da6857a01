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

// Each VPC keeps the number of ENIs it holds (`eni_count`, migration 009), so that neither a listing's
// total nor the per-VPC quota counts rows. Only the store changes it: insertEni and deleteEni, in the
// transaction that adds or removes the row. ENIs never change VPC. A VPC's ENIs are always its own
// account's and region's (the create paths look the VPC up as the caller's), which is what lets the
// sum over an account's VPCs stand for the account's ENIs.

/** Moves a VPC's ENI count by `delta` (the caller holds, or is taking, the VPC's row lock). */
export async function addToEniCount(q: Queryable, vpcId: string, delta: number): Promise<void> {
  await q.run('UPDATE vpcs SET eni_count = eni_count + ? WHERE id = ?', [delta, vpcId]);
}

/** Takes a VPC's row lock by id alone (the store's own bookkeeping, not a caller's lookup). */
export async function lockVpcById(q: Queryable, vpcId: string): Promise<void> {
  await q.get(`SELECT id FROM vpcs WHERE id = ?${q.caps.forUpdate}`, [vpcId]);
}

/** How many ENIs a VPC holds, in any state (0 for no such VPC). */
export async function eniCountOf(q: Queryable, vpcId: string): Promise<number> {
  const row = await q.get<{ n: number }>('SELECT eni_count AS n FROM vpcs WHERE id = ?', [vpcId]);
  return row?.n ?? 0;
}

/**
 * How many of the caller's ENIs lie in these VPCs (in all of its VPCs when `vpcIds` is absent): the
 * counters of the caller's VPCs among them, each VPC once however often it is named.
 */
export async function countedEnis(q: Queryable, caller: Caller, vpcIds?: readonly string[]): Promise<number> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (vpcIds) where.anyOf('id', vpcIds);
  const row = await q.get<{ n: number | null }>(`SELECT SUM(eni_count) AS n FROM vpcs${where.sql}`, where.params);
  return Number(row?.n ?? 0);
}

/**
 * Sets every VPC's ENI count from the rows: after a restore or a reset, which write rows wholesale.
 * Only the counts that are wrong are written, so VPCs out of the reset's scope are not locked.
 */
export async function recountEnis(q: Queryable): Promise<void> {
  const actual = '(SELECT COUNT(*) FROM enis WHERE enis.vpc_id = vpcs.id)';
  await q.run(`UPDATE vpcs SET eni_count = ${actual} WHERE eni_count <> ${actual}`);
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
