import type { Caller, Instance, Page } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { Where } from './sql.ts';

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
  await q.run(`INSERT INTO instances (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
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
  ]);
}

/** The caller's instance (regional); `lock` serialises ENI changes on it across replicas. */
export async function findInstance(
  q: Queryable,
  caller: Caller,
  id: string,
  lock = false,
): Promise<Instance | undefined> {
  const row = await q.get<InstanceRow>(
    `SELECT ${COLUMNS} FROM instances WHERE id = ? AND app_id = ? AND region = ?${lock ? q.caps.forUpdate : ''}`,
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
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface InstanceFilter {
  instanceIds?: readonly string[];
  statuses?: readonly number[];
  zoneIds?: readonly number[];
  names?: readonly string[];
  vpcIds?: readonly string[];
  subnetIds?: readonly string[];
  instanceTypes?: readonly string[];
}

export async function listInstances(
  q: Queryable,
  caller: Caller,
  filter: InstanceFilter,
  page: Page,
): Promise<{ total: number; items: Instance[] }> {
  const where = new Where().add('app_id = ? AND region = ?', caller.appId, caller.region);
  if (filter.instanceIds) where.anyOf('id', filter.instanceIds);
  if (filter.statuses) where.anyOf('status', filter.statuses);
  if (filter.zoneIds) where.anyOf('zone_id', filter.zoneIds);
  if (filter.names) where.containsAny('name', filter.names);
  if (filter.vpcIds) where.anyOf('vpc_id', filter.vpcIds);
  if (filter.subnetIds) where.anyOf('subnet_id', filter.subnetIds);
  if (filter.instanceTypes) where.anyOf('instance_type', filter.instanceTypes);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM instances${where.sql}`, where.params);
  const rows = await q.all<InstanceRow>(
    `SELECT ${COLUMNS} FROM instances${where.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    [...where.params, page.limit, page.offset],
  );
  return { total: total?.n ?? 0, items: rows.map(toInstance) };
}
