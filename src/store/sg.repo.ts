import type { Caller, OrderDirection, Page, SecurityGroup } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { foldCase } from './fold.ts';
import { orderAndPage, Where } from './sql.ts';
import { deleteTags, whereTagged, type TagCondition } from './tag.repo.ts';

interface SgRow {
  id: string;
  app_id: number;
  region: string;
  name: string;
  remark: string;
  project_id: number;
  created_at: number;
  updated_at: number | null;
}

const COLUMNS = 'id, app_id, region, name, remark, project_id, created_at, updated_at';
const toSg = (r: SgRow): SecurityGroup => ({
  id: r.id,
  appId: r.app_id,
  region: r.region,
  name: r.name,
  remark: r.remark,
  projectId: r.project_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at ?? r.created_at,
});

export async function insertSecurityGroup(q: Queryable, sg: SecurityGroup): Promise<void> {
  await q.run(`INSERT INTO security_groups (${COLUMNS}, name_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    sg.id,
    sg.appId,
    sg.region,
    sg.name,
    sg.remark,
    sg.projectId,
    sg.createdAt,
    sg.updatedAt,
    foldCase(sg.name),
  ]);
}

export async function findSecurityGroup(
  q: Queryable,
  caller: Caller,
  id: string,
  lock = false,
): Promise<SecurityGroup | undefined> {
  const row = await q.get<SgRow>(
    `SELECT ${COLUMNS} FROM security_groups WHERE id = ? AND app_id = ? AND region = ?${lock ? q.caps.forUpdate : ''}`,
    [id, caller.appId, caller.region],
  );
  return row && toSg(row);
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface SecurityGroupFilter {
  sgIds?: readonly string[];
  names?: readonly string[];
  projectIds?: readonly number[];
  tags?: readonly TagCondition[];
}

export async function listSecurityGroups(
  q: Queryable,
  caller: Caller,
  filter: SecurityGroupFilter,
  order: { field: 'createdAt' | 'updatedAt'; direction: OrderDirection },
  page: Page,
): Promise<{ total: number; items: SecurityGroup[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (filter.sgIds) where.anyOf('id', filter.sgIds);
  if (filter.names) where.containsAny('name', filter.names);
  if (filter.projectIds) where.anyOf('project_id', filter.projectIds);
  if (filter.tags) whereTagged(where, filter.tags);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM security_groups${where.sql}`, where.params);
  const o = orderAndPage(
    order.field === 'updatedAt' ? 'COALESCE(updated_at, created_at)' : 'created_at',
    order.direction,
    page,
  );
  const rows = await q.all<SgRow>(`SELECT ${COLUMNS} FROM security_groups${where.sql}${o.sql}`, [
    ...where.params,
    ...o.params,
  ]);
  return { total: total?.n ?? 0, items: rows.map(toSg) };
}

export async function deleteSecurityGroup(q: Queryable, id: string): Promise<void> {
  await q.run('DELETE FROM security_groups WHERE id = ?', [id]);
  await deleteTags(q, [id]);
}

/** Renames or re-describes the group; `updatedAt` records when. */
export async function updateSecurityGroup(
  q: Queryable,
  id: string,
  change: { name?: string; remark?: string; updatedAt: number },
): Promise<void> {
  if (change.name !== undefined) {
    await q.run('UPDATE security_groups SET name = ?, name_fold = ? WHERE id = ?', [
      change.name,
      foldCase(change.name),
      id,
    ]);
  }
  if (change.remark !== undefined) {
    await q.run('UPDATE security_groups SET remark = ? WHERE id = ?', [change.remark, id]);
  }
  await q.run('UPDATE security_groups SET updated_at = ? WHERE id = ?', [change.updatedAt, id]);
}

/**
 * What each group is bound to: instances (through their primary ENIs, being created ones included)
 * and secondary ENIs. Groups bound to nothing are absent.
 */
export async function securityGroupUsage(
  q: Queryable,
  sgIds: readonly string[],
): Promise<Map<string, { instances: number; enis: number }>> {
  if (sgIds.length === 0) return new Map();
  const rows = await q.all<{ sg_id: string; instances: number; enis: number }>(
    `SELECT b.sg_id, SUM(e.is_primary) AS instances, SUM(1 - e.is_primary) AS enis
     FROM eni_security_groups b JOIN enis e ON e.id = b.eni_id
     WHERE b.sg_id IN (${sgIds.map(() => '?').join(', ')}) GROUP BY b.sg_id`,
    sgIds,
  );
  return new Map(rows.map((r) => [r.sg_id, { instances: Number(r.instances), enis: Number(r.enis) }]));
}

export async function bindSecurityGroups(q: Queryable, eniId: string, sgIds: readonly string[]): Promise<void> {
  for (const [position, sgId] of sgIds.entries()) {
    await q.run('INSERT INTO eni_security_groups (eni_id, sg_id, position) VALUES (?, ?, ?)', [eniId, sgId, position]);
  }
}

/** The ENI's groups become exactly `sgIds`, in that order. */
export async function replaceSecurityGroups(q: Queryable, eniId: string, sgIds: readonly string[]): Promise<void> {
  await q.run('DELETE FROM eni_security_groups WHERE eni_id = ?', [eniId]);
  await bindSecurityGroups(q, eniId, sgIds);
}

export async function securityGroupInUse(q: Queryable, sgId: string): Promise<boolean> {
  return (await q.get('SELECT 1 AS x FROM eni_security_groups WHERE sg_id = ?', [sgId])) !== undefined;
}

/** Security groups bound to each of the given ENIs, in binding order. */
export async function securityGroupsOfEnis(
  q: Queryable,
  eniIds: readonly string[],
): Promise<Array<SecurityGroup & { eniId: string }>> {
  if (eniIds.length === 0) return [];
  const rows = await q.all<SgRow & { eni_id: string }>(
    `SELECT b.eni_id, g.id, g.app_id, g.region, g.name, g.remark, g.project_id, g.created_at, g.updated_at
     FROM eni_security_groups b JOIN security_groups g ON g.id = b.sg_id
     WHERE b.eni_id IN (${eniIds.map(() => '?').join(', ')}) ORDER BY b.eni_id, b.position`,
    eniIds,
  );
  return rows.map((r) => ({ ...toSg(r), eniId: r.eni_id }));
}
