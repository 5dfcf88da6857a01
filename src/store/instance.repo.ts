import { InstanceStatus, type Caller, type Instance, type Page } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { foldCase } from './fold.ts';
import { Where } from './sql.ts';
import { deleteTags, whereTagged, type TagCondition } from './tag.repo.ts';

interface InstanceRow {
  id: string;
  app_id: number;
  region: string;
  zone_id: number;
  name: string;
  cpu: number;
  mem: number;
  vpc_id: string | null;
  subnet_id: string | null;
  status: number;
  created_at: number;
  instance_type: string;
  image_id: string;
  attributes: string;
  latest_operation: string | null;
  latest_request_id: string | null;
}

const COLUMNS =
  'id, app_id, region, zone_id, name, cpu, mem, vpc_id, subnet_id, status, created_at, instance_type, image_id, attributes, latest_operation, latest_request_id';
const toInstance = (r: InstanceRow): Instance => ({
  id: r.id,
  appId: r.app_id,
  region: r.region,
  zoneId: r.zone_id,
  name: r.name,
  cpu: r.cpu,
  mem: r.mem,
  vpcId: r.vpc_id,
  subnetId: r.subnet_id,
  status: r.status,
  createdAt: r.created_at,
  instanceType: r.instance_type,
  imageId: r.image_id,
  attributes: JSON.parse(r.attributes) as Record<string, unknown>,
  latestOperation: r.latest_operation,
  latestRequestId: r.latest_request_id,
});

export async function insertInstance(q: Queryable, i: Instance): Promise<void> {
  await q.run(
    `INSERT INTO instances (${COLUMNS}, name_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      i.id,
      i.appId,
      i.region,
      i.zoneId,
      i.name,
      i.cpu,
      i.mem,
      i.vpcId,
      i.subnetId,
      i.status,
      i.createdAt,
      i.instanceType,
      i.imageId,
      JSON.stringify(i.attributes),
      i.latestOperation,
      i.latestRequestId,
      foldCase(i.name),
    ],
  );
}

/**
 * Which instances a lookup or listing sees. A failed launch (LAUNCH_FAILED) holds nothing and is
 * kept an hour for API 3.0 to show; the v2 view never sees it, as if its creation had been rolled
 * back entirely (docs/decisions.md, D12).
 */
export interface Visibility {
  withFailedLaunches?: boolean;
}

const visible = (o: Visibility) => (o.withFailedLaunches ? '' : ` AND status <> ${InstanceStatus.LAUNCH_FAILED}`);

/** The caller's instance (regional); `lock` serialises ENI changes on it across replicas. */
export async function findInstance(
  q: Queryable,
  caller: Caller,
  id: string,
  lock = false,
  o: Visibility = {},
): Promise<Instance | undefined> {
  const row = await q.get<InstanceRow>(
    `SELECT ${COLUMNS} FROM instances WHERE id = ? AND app_id = ? AND region = ?${visible(o)}${lock ? q.caps.forUpdate : ''}`,
    [id, caller.appId, caller.region],
  );
  return row && toInstance(row);
}

export async function findInstanceById(q: Queryable, id: string): Promise<Instance | undefined> {
  const row = await q.get<InstanceRow>(`SELECT ${COLUMNS} FROM instances WHERE id = ?`, [id]);
  return row && toInstance(row);
}

export async function setInstanceStatus(q: Queryable, id: string, status: number): Promise<void> {
  await q.run('UPDATE instances SET status = ? WHERE id = ?', [status, id]);
}

/** Records the lifecycle operation (its action name and RequestId) an instance went into last. */
export async function setLatestOperation(
  q: Queryable,
  id: string,
  operation: string,
  requestId: string,
): Promise<void> {
  await q.run('UPDATE instances SET latest_operation = ?, latest_request_id = ? WHERE id = ?', [
    operation,
    requestId,
    id,
  ]);
}

export async function deleteInstance(q: Queryable, id: string): Promise<void> {
  await q.run('DELETE FROM instances WHERE id = ?', [id]);
  await deleteTags(q, [id]);
}

/** Adds `patch` to the instance's stored attributes (read and written in the caller's transaction). */
export async function mergeInstanceAttributes(q: Queryable, id: string, patch: Record<string, unknown>): Promise<void> {
  const row = await q.get<{ attributes: string }>(`SELECT attributes FROM instances WHERE id = ?${q.caps.forUpdate}`, [
    id,
  ]);
  if (!row) return;
  const merged = { ...(JSON.parse(row.attributes) as Record<string, unknown>), ...patch };
  await q.run('UPDATE instances SET attributes = ? WHERE id = ?', [JSON.stringify(merged), id]);
}

/**
 * A launch failed: the instance becomes LAUNCH_FAILED and lets go of its VPC and subnet (nothing of
 * theirs is held any more, so they can be deleted); the network it asked for and the time it failed
 * are kept among its attributes, for display and for the purge.
 */
export async function markLaunchFailed(q: Queryable, i: Instance, now: number): Promise<void> {
  const attributes = { ...i.attributes, launchVpcId: i.vpcId, launchSubnetId: i.subnetId, failedAt: now };
  await q.run('UPDATE instances SET status = ?, vpc_id = NULL, subnet_id = NULL, attributes = ? WHERE id = ?', [
    InstanceStatus.LAUNCH_FAILED,
    JSON.stringify(attributes),
    i.id,
  ]);
}

/** Deletes the failed launches that failed before `failedBefore`; returns how many. */
export async function purgeFailedLaunches(q: Queryable, failedBefore: number): Promise<number> {
  const rows = await q.all<{ id: string; attributes: string; created_at: number }>(
    'SELECT id, attributes, created_at FROM instances WHERE status = ?',
    [InstanceStatus.LAUNCH_FAILED],
  );
  let purged = 0;
  for (const r of rows) {
    const failedAt = (JSON.parse(r.attributes) as { failedAt?: number }).failedAt ?? r.created_at;
    if (failedAt < failedBefore) {
      const n = await q.run('DELETE FROM instances WHERE id = ? AND status = ?', [r.id, InstanceStatus.LAUNCH_FAILED]);
      if (n > 0) await deleteTags(q, [r.id]);
      purged += n;
    }
  }
  return purged;
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface InstanceFilter extends Visibility {
  instanceIds?: readonly string[];
  statuses?: readonly number[];
  zoneIds?: readonly number[];
  names?: readonly string[];
  vpcIds?: readonly string[];
  subnetIds?: readonly string[];
  instanceTypes?: readonly string[];
  /** Security groups of the primary ENI. */
  sgIds?: readonly string[];
  /** The primary IP of the primary ENI (as a number). */
  primaryIps?: readonly number[];
  uuids?: readonly string[];
  projectIds?: readonly number[];
  chargeTypes?: readonly string[];
  createdFrom?: number;
  createdTo?: number;
  tags?: readonly TagCondition[];
}

/** The primary ENIs' instance, for the filters on what the primary ENI holds. */
const PRIMARY_ENI_INSTANCE = 'SELECT COALESCE(e.instance_id, e.target_instance_id) FROM enis e';

/**
 * An attribute equals one of `values` (absent counts as `fallback`). Attributes are a JSON text the
 * service writes itself, so a value shows as `"key":<JSON value>` followed by `,` or `}`.
 */
function attributeIn(where: Where, key: string, values: readonly (string | number)[], fallback: string | number) {
  if (values.length === 0) return where.add('1 = 0');
  const sub = new Where();
  const like = (text: string) =>
    sub.add("attributes LIKE ? ESCAPE '\\'", `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  for (const v of values) {
    const token = `"${key}":${JSON.stringify(v)}`;
    like(token + ',');
    like(token + '}');
    if (v === fallback) sub.add('attributes NOT LIKE ?', `%"${key}":%`);
  }
  return where.add(`(${sub.clauses.join(' OR ')})`, ...sub.params);
}

export async function listInstances(
  q: Queryable,
  caller: Caller,
  filter: InstanceFilter,
  page: Page,
): Promise<{ total: number; items: Instance[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (!filter.withFailedLaunches) where.add('status <> ?', InstanceStatus.LAUNCH_FAILED);
  if (filter.instanceIds) where.anyOf('id', filter.instanceIds);
  if (filter.statuses) where.anyOf('status', filter.statuses);
  if (filter.zoneIds) where.anyOf('zone_id', filter.zoneIds);
  if (filter.names) where.containsAny('name', filter.names);
  if (filter.vpcIds) where.anyOf('vpc_id', filter.vpcIds);
  if (filter.subnetIds) where.anyOf('subnet_id', filter.subnetIds);
  if (filter.instanceTypes) where.anyOf('instance_type', filter.instanceTypes);
  if (filter.sgIds) {
    const sub = new Where().add('e.is_primary = 1').anyOf('b.sg_id', filter.sgIds);
    where.add(`id IN (${PRIMARY_ENI_INSTANCE} JOIN eni_security_groups b ON b.eni_id = e.id${sub.sql})`, ...sub.params);
  }
  if (filter.primaryIps) {
    const sub = new Where().add('e.is_primary = 1 AND p.is_primary = 1').anyOf('p.ip_num', filter.primaryIps);
    where.add(`id IN (${PRIMARY_ENI_INSTANCE} JOIN private_ips p ON p.eni_id = e.id${sub.sql})`, ...sub.params);
  }
  if (filter.uuids) attributeIn(where, 'uuid', filter.uuids, '');
  if (filter.projectIds) attributeIn(where, 'projectId', filter.projectIds, 0);
  if (filter.chargeTypes) attributeIn(where, 'chargeType', filter.chargeTypes, 'POSTPAID_BY_HOUR');
  if (filter.createdFrom !== undefined) where.add('created_at >= ?', filter.createdFrom);
  if (filter.createdTo !== undefined) where.add('created_at <= ?', filter.createdTo);
  if (filter.tags) whereTagged(where, filter.tags);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM instances${where.sql}`, where.params);
  const rows = await q.all<InstanceRow>(
    `SELECT ${COLUMNS} FROM instances${where.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    [...where.params, page.limit, page.offset],
  );
  return { total: total?.n ?? 0, items: rows.map(toInstance) };
}
