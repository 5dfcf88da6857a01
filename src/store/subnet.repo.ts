import type { Caller, OrderDirection, Page, Subnet } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { foldCase } from './fold.ts';
import { orderAndPage, Where } from './sql.ts';
import { deleteTags, whereTagged, type TagCondition } from './tag.repo.ts';
import { cidrMatch } from './vpc.repo.ts';

interface SubnetRow {
  id: string;
  app_id: number;
  region: string;
  vpc_id: string;
  zone_id: number;
  name: string;
  cidr: string;
  created_at: number;
  attributes: string;
}

const COLUMNS = 'id, app_id, region, vpc_id, zone_id, name, cidr, created_at, attributes';
const toSubnet = (r: SubnetRow): Subnet => ({
  id: r.id,
  appId: r.app_id,
  region: r.region,
  vpcId: r.vpc_id,
  zoneId: r.zone_id,
  name: r.name,
  cidr: r.cidr,
  createdAt: r.created_at,
  attributes: JSON.parse(r.attributes) as Record<string, unknown>,
});

export async function insertSubnet(q: Queryable, s: Subnet): Promise<void> {
  await q.run(`INSERT INTO subnets (${COLUMNS}, name_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    s.id,
    s.appId,
    s.region,
    s.vpcId,
    s.zoneId,
    s.name,
    s.cidr,
    s.createdAt,
    JSON.stringify(s.attributes),
    foldCase(s.name),
  ]);
}

/** The caller's subnet (in `vpcId` when given); `lock` serialises IP allocation and deletion. */
export async function findSubnet(
  q: Queryable,
  caller: Caller,
  id: string,
  o: { vpcId?: string; lock?: boolean } = {},
): Promise<Subnet | undefined> {
  const inVpc = o.vpcId === undefined ? '' : ' AND vpc_id = ?';
  const row = await q.get<SubnetRow>(
    `SELECT ${COLUMNS} FROM subnets WHERE id = ? AND app_id = ? AND region = ?${inVpc}${o.lock ? q.caps.forUpdate : ''}`,
    o.vpcId === undefined ? [id, caller.appId, caller.region] : [id, caller.appId, caller.region, o.vpcId],
  );
  return row && toSubnet(row);
}

export async function subnetsOfVpc(q: Queryable, vpcId: string): Promise<Subnet[]> {
  const rows = await q.all<SubnetRow>(`SELECT ${COLUMNS} FROM subnets WHERE vpc_id = ? ORDER BY id`, [vpcId]);
  return rows.map(toSubnet);
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface SubnetFilter {
  vpcIds?: readonly string[];
  subnetIds?: readonly string[];
  names?: readonly string[];
  zoneIds?: readonly number[];
  /** `a.b.c.d/n` matches that block; a bare `a.b.c.d` matches any block starting at that address. */
  cidrs?: readonly string[];
  tags?: readonly TagCondition[];
}

export async function listSubnets(
  q: Queryable,
  caller: Caller,
  filter: SubnetFilter,
  order: { field: 'createdAt' | 'name'; direction: OrderDirection },
  page: Page,
): Promise<{ total: number; items: Subnet[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (filter.vpcIds) where.anyOf('vpc_id', filter.vpcIds);
  if (filter.subnetIds) where.anyOf('id', filter.subnetIds);
  if (filter.names) where.containsAny('name', filter.names);
  if (filter.zoneIds) where.anyOf('zone_id', filter.zoneIds);
  if (filter.cidrs) cidrMatch(where, filter.cidrs);
  if (filter.tags) whereTagged(where, filter.tags);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM subnets${where.sql}`, where.params);
  const o = orderAndPage(order.field === 'name' ? `name${q.caps.bytewise}` : 'created_at', order.direction, page);
  const rows = await q.all<SubnetRow>(`SELECT ${COLUMNS} FROM subnets${where.sql}${o.sql}`, [
    ...where.params,
    ...o.params,
  ]);
  return { total: total?.n ?? 0, items: rows.map(toSubnet) };
}

export interface SubnetUsage {
  instances: number;
  enis: number;
  usedIps: number;
}

export async function subnetUsage(q: Queryable, subnetId: string): Promise<SubnetUsage> {
  const row = await q.get<SubnetUsage>(
    `SELECT (SELECT COUNT(*) FROM instances WHERE subnet_id = ?) AS instances,
            (SELECT COUNT(*) FROM enis WHERE subnet_id = ?) AS enis,
            (SELECT COUNT(*) FROM private_ips WHERE subnet_id = ?) AS "usedIps"`,
    [subnetId, subnetId, subnetId],
  );
  return row ?? { instances: 0, enis: 0, usedIps: 0 };
}

export async function deleteSubnet(q: Queryable, subnetId: string): Promise<void> {
  await q.run('DELETE FROM subnets WHERE id = ?', [subnetId]);
  await deleteTags(q, [subnetId]);
}

/** Renames the subnet and/or replaces its stored attributes. */
export async function updateSubnet(
  q: Queryable,
  id: string,
  change: { name?: string; attributes?: Record<string, unknown> },
): Promise<void> {
  if (change.name !== undefined) {
    await q.run('UPDATE subnets SET name = ?, name_fold = ? WHERE id = ?', [change.name, foldCase(change.name), id]);
  }
  if (change.attributes !== undefined) {
    await q.run('UPDATE subnets SET attributes = ? WHERE id = ?', [JSON.stringify(change.attributes), id]);
  }
}
