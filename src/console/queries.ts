import { formatIp, parseCidr, parseIp, usableRange } from '../domain/cidr.ts';
import { instanceStateName, TaskStatus, type EniState, type TaskState } from '../domain/model.ts';
import type { Queryable, SqlValue } from '../store/db.ts';
import { foldCase } from '../store/fold.ts';
import { ipsOfEnis } from '../store/ip.repo.ts';
import { securityGroupsOfEnis } from '../store/sg.repo.ts';
import { Where } from '../store/sql.ts';
import { tagsOf } from '../store/tag.repo.ts';
import { HELD_DUE_AT } from '../store/task.repo.ts';

// The console's read-only queries. Each one is scoped to one account and region and bounded by a
// LIMIT: the console must stay quick on a database holding a million ENIs, so it shows the first
// rows of a long list with the total beside them instead of the whole list.

export interface Scope {
  appId: number;
  /** Long region name (ap-guangzhou). */
  region: string;
}

/** The most rows of each kind one answer carries. */
export const LIMITS = { vpcs: 200, subnets: 200, instances: 300, enis: 600, tasks: 100, accounts: 500 } as const;

/**
 * How many of the newest tasks of the whole deployment the task lists look through. The tasks table
 * has no index by account, so "recent" is bounded by task id rather than by a scan of everything.
 */
export const TASK_WINDOW = 20_000;

/** What an ENI is doing, as the console draws it: its stored state, with AVAILABLE split in two. */
export type EniPhase = 'creating' | 'available' | 'attached' | 'attaching' | 'migrating' | 'detaching' | 'deleting';

export const ENI_PHASES: readonly EniPhase[] = [
  'creating',
  'available',
  'attached',
  'attaching',
  'migrating',
  'detaching',
  'deleting',
];

/** The state filter: one phase, or every phase but the two settled ones. */
export type PhaseFilter = EniPhase | 'in-flight';

export function eniPhase(state: EniState, instanceId: string | null): EniPhase {
  switch (state) {
    case 'PENDING':
      return 'creating';
    case 'ATTACHING':
      return instanceId === null ? 'attaching' : 'migrating';
    case 'DETACHING':
      return 'detaching';
    case 'DELETING':
      return 'deleting';
    case 'AVAILABLE':
      return instanceId === null ? 'available' : 'attached';
  }
}

/** The SQL condition on `enis` matching a phase filter. */
function phaseCondition(where: Where, phase: PhaseFilter): void {
  const conditions: Record<PhaseFilter, [string, ...SqlValue[]]> = {
    creating: ["state = 'PENDING'"],
    available: ["state = 'AVAILABLE' AND instance_id IS NULL"],
    attached: ["state = 'AVAILABLE' AND instance_id IS NOT NULL"],
    attaching: ["state = 'ATTACHING' AND instance_id IS NULL"],
    migrating: ["state = 'ATTACHING' AND instance_id IS NOT NULL"],
    detaching: ["state = 'DETACHING'"],
    deleting: ["state = 'DELETING'"],
    'in-flight': ["state <> 'AVAILABLE'"],
  };
  const [sql, ...params] = conditions[phase];
  where.add(`(${sql})`, ...params);
}

/** A literal substring match of an id (ids are lower-case ASCII, so folding the text is enough). */
function idContains(column: string, text: string): [string, string] {
  const escaped = foldCase(text).replace(/[\\%_]/g, (c) => '\\' + c);
  return [`${column} LIKE ? ESCAPE '\\'`, `%${escaped}%`];
}

/** `id or folded name contains text`, as one parenthesised condition and its parameters. */
function idOrName(prefix: string, text: string): [string, SqlValue[]] {
  const [idSql, idParam] = idContains(`${prefix}id`, text);
  const name = new Where().contains(`${prefix}name`, text);
  return [`(${idSql} OR ${name.clauses[0]})`, [idParam, ...name.params]];
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

// --- accounts and regions ---------------------------------------------------------------------

export interface AccountSummary {
  appId: number;
  /** VPCs per long region name, for the regions that have any. */
  vpcs: Record<string, number>;
}

export async function accountSummaries(q: Queryable): Promise<AccountSummary[]> {
  const accounts = await q.all<{ app_id: number }>(
    `SELECT app_id FROM accounts ORDER BY app_id LIMIT ${LIMITS.accounts}`,
  );
  const out = new Map<number, AccountSummary>(accounts.map((a) => [a.app_id, { appId: a.app_id, vpcs: {} }]));
  if (out.size === 0) return [];
  const ids = [...out.keys()];
  const rows = await q.all<{ app_id: number; region: string; n: number }>(
    `SELECT app_id, region, COUNT(*) AS n FROM vpcs WHERE app_id IN (${marks(ids.length)}) GROUP BY app_id, region`,
    ids,
  );
  for (const r of rows) out.get(r.app_id)!.vpcs[r.region] = Number(r.n);
  return [...out.values()];
}

// --- VPCs -------------------------------------------------------------------------------------

export interface VpcSummary {
  id: string;
  name: string;
  cidr: string;
  createdAt: number;
  subnets: number;
  instances: number;
  enis: number;
}

export async function listVpcs(
  q: Queryable,
  scope: Scope,
  text: string,
): Promise<{ total: number; items: VpcSummary[] }> {
  const where = new Where().add('v.app_id = ? AND v.region = ?', scope.appId, scope.region);
  if (text) {
    const [sql, params] = idOrName('v.', text);
    where.add(sql, ...params);
  }
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM vpcs v${where.sql}`, where.params);
  const rows = await q.all<{
    id: string;
    name: string;
    cidr: string;
    created_at: number;
    subnets: number;
    instances: number;
    enis: number;
  }>(
    `SELECT v.id, v.name, v.cidr, v.created_at,
       (SELECT COUNT(*) FROM subnets s WHERE s.vpc_id = v.id) AS subnets,
       (SELECT COUNT(*) FROM instances i WHERE i.subnet_id IN (SELECT s.id FROM subnets s WHERE s.vpc_id = v.id)) AS instances,
       (SELECT COUNT(*) FROM enis e WHERE e.vpc_id = v.id AND e.app_id = v.app_id AND e.region = v.region) AS enis
     FROM vpcs v${where.sql} ORDER BY v.created_at, v.id LIMIT ${LIMITS.vpcs}`,
    where.params,
  );
  return {
    total: Number(total?.n ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      cidr: r.cidr,
      createdAt: r.created_at,
      subnets: Number(r.subnets),
      instances: Number(r.instances),
      enis: Number(r.enis),
    })),
  };
}

// --- one VPC, drawn -----------------------------------------------------------------------------

export interface TagView {
  key: string;
  value: string;
}

export interface SubnetView {
  id: string;
  name: string;
  cidr: string;
  zoneId: number;
  createdAt: number;
  /** Addresses held by ENIs (committed or in flight) and the usable addresses of the block. */
  usedIps: number;
  totalIps: number;
  tags: TagView[];
}

export interface InstanceView {
  id: string;
  name: string;
  state: string;
  subnetId: string | null;
  zoneId: number;
  instanceType: string;
  cpu: number;
  mem: number;
  createdAt: number;
  tags: TagView[];
}

export interface EniView {
  id: string;
  name: string;
  description: string;
  mac: string;
  subnetId: string;
  state: EniState;
  phase: EniPhase;
  primary: boolean;
  /** Committed attachment. */
  instanceId: string | null;
  /** Where an attach or migrate in flight is taking it. */
  targetInstanceId: string | null;
  deviceIndex: number | null;
  attachTime: number | null;
  taskId: number | null;
  createdAt: number;
  ips: Array<{ ip: string; primary: boolean; state: string }>;
  securityGroups: Array<{ id: string; name: string }>;
  tags: TagView[];
}

export interface VpcView {
  vpc: { id: string; name: string; cidr: string; createdAt: number; tags: TagView[] };
  subnets: SubnetView[];
  instances: InstanceView[];
  enis: EniView[];
  /** Rows matching the filter, of which the lists above carry at most LIMITS of each. */
  totals: { subnets: number; instances: number; enis: number };
}

export interface EniFilterInput {
  /** Substring of an id or name (an ENI also matches through its instance), or an exact private IP. */
  text: string;
  phase: PhaseFilter | null;
}

/** The VPC with its subnets, instances and ENIs (filtered), or undefined when the scope has no such VPC. */
export async function vpcView(
  q: Queryable,
  scope: Scope,
  vpcId: string,
  filter: EniFilterInput,
): Promise<VpcView | undefined> {
  const vpc = await q.get<{ id: string; name: string; cidr: string; created_at: number }>(
    'SELECT id, name, cidr, created_at FROM vpcs WHERE id = ? AND app_id = ? AND region = ?',
    [vpcId, scope.appId, scope.region],
  );
  if (!vpc) return undefined;

  const subnetWhere = ' WHERE vpc_id = ? AND app_id = ? AND region = ?';
  const subnetParams = [vpcId, scope.appId, scope.region];
  const subnetTotal = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM subnets${subnetWhere}`, subnetParams);
  const subnetRows = await q.all<{ id: string; name: string; cidr: string; zone_id: number; created_at: number }>(
    `SELECT id, name, cidr, zone_id, created_at FROM subnets${subnetWhere} ORDER BY created_at, id LIMIT ${LIMITS.subnets}`,
    subnetParams,
  );
  const used = new Map<string, number>();
  if (subnetRows.length > 0) {
    const rows = await q.all<{ subnet_id: string; n: number }>(
      `SELECT subnet_id, COUNT(*) AS n FROM private_ips WHERE subnet_id IN (${marks(subnetRows.length)}) GROUP BY subnet_id`,
      subnetRows.map((s) => s.id),
    );
    for (const r of rows) used.set(r.subnet_id, Number(r.n));
  }

  // ENIs: of this VPC, matching the filter. Text matches the ENI's id or name, an exact private IP
  // it holds, or the id or name of the instance it is on or going to.
  const eniWhere = new Where().add('vpc_id = ? AND app_id = ? AND region = ?', vpcId, scope.appId, scope.region);
  let instanceText: [string, SqlValue[]] | null = null;
  if (filter.text) {
    const [own, ownParams] = idOrName('', filter.text);
    instanceText = idOrName('', filter.text);
    const alternatives = [own];
    const params: SqlValue[] = [...ownParams];
    alternatives.push(
      `COALESCE(target_instance_id, instance_id) IN (SELECT id FROM instances WHERE app_id = ? AND region = ? AND ${instanceText[0]})`,
    );
    params.push(scope.appId, scope.region, ...instanceText[1]);
    const ip = parseIp(filter.text.trim());
    if (ip !== null) {
      alternatives.push('id IN (SELECT eni_id FROM private_ips WHERE ip_num = ?)');
      params.push(ip);
    }
    eniWhere.add(`(${alternatives.join(' OR ')})`, ...params);
  }
  if (filter.phase) phaseCondition(eniWhere, filter.phase);
  const eniTotal = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM enis${eniWhere.sql}`, eniWhere.params);
  const eniRows = await q.all<{
    id: string;
    name: string;
    description: string;
    mac: string;
    subnet_id: string;
    state: EniState;
    is_primary: number;
    instance_id: string | null;
    target_instance_id: string | null;
    device_index: number | null;
    attach_time: number | null;
    task_id: number | null;
    created_at: number;
  }>(
    `SELECT id, name, description, mac, subnet_id, state, is_primary, instance_id, target_instance_id,
       device_index, attach_time, task_id, created_at
     FROM enis${eniWhere.sql} ORDER BY created_at, id LIMIT ${LIMITS.enis}`,
    eniWhere.params,
  );

  // Instances: every one in the VPC's subnets; with a filter, those it matches by their own id or
  // name and those holding a listed ENI.
  const instanceWhere = new Where()
    .add('subnet_id IN (SELECT id FROM subnets WHERE vpc_id = ?)', vpcId)
    .add('app_id = ? AND region = ?', scope.appId, scope.region);
  if (filter.text || filter.phase) {
    const holders = [...new Set(eniRows.map((e) => e.target_instance_id ?? e.instance_id).filter((i) => i !== null))];
    const alternatives: string[] = [];
    const params: SqlValue[] = [];
    if (instanceText && !filter.phase) {
      alternatives.push(instanceText[0]);
      params.push(...instanceText[1]);
    }
    if (holders.length) {
      alternatives.push(`id IN (${marks(holders.length)})`);
      params.push(...holders);
    }
    instanceWhere.add(alternatives.length ? `(${alternatives.join(' OR ')})` : '1 = 0', ...params);
  }
  const instanceTotal = await q.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM instances${instanceWhere.sql}`,
    instanceWhere.params,
  );
  const instanceRows = await q.all<{
    id: string;
    name: string;
    status: number;
    subnet_id: string | null;
    zone_id: number;
    instance_type: string;
    cpu: number;
    mem: number;
    created_at: number;
  }>(
    `SELECT id, name, status, subnet_id, zone_id, instance_type, cpu, mem, created_at
     FROM instances${instanceWhere.sql} ORDER BY created_at, id LIMIT ${LIMITS.instances}`,
    instanceWhere.params,
  );

  const eniIds = eniRows.map((e) => e.id);
  const [ips, groups, tags] = await Promise.all([
    ipsOfEnis(q, eniIds),
    securityGroupsOfEnis(q, eniIds),
    tagsOf(q, [vpc.id, ...subnetRows.map((s) => s.id), ...instanceRows.map((i) => i.id), ...eniIds]),
  ]);
  const tagList = (id: string): TagView[] => tags.get(id) ?? [];

  return {
    vpc: { id: vpc.id, name: vpc.name, cidr: vpc.cidr, createdAt: vpc.created_at, tags: tagList(vpc.id) },
    subnets: subnetRows.map((s) => ({
      id: s.id,
      name: s.name,
      cidr: s.cidr,
      zoneId: s.zone_id,
      createdAt: s.created_at,
      usedIps: used.get(s.id) ?? 0,
      totalIps: usableRange(parseCidr(s.cidr)!).count,
      tags: tagList(s.id),
    })),
    instances: instanceRows.map((i) => ({
      id: i.id,
      name: i.name,
      state: instanceStateName(i.status),
      subnetId: i.subnet_id,
      zoneId: i.zone_id,
      instanceType: i.instance_type,
      cpu: i.cpu,
      mem: i.mem,
      createdAt: i.created_at,
      tags: tagList(i.id),
    })),
    enis: eniRows.map((e) => ({
      id: e.id,
      name: e.name,
      description: e.description,
      mac: e.mac,
      subnetId: e.subnet_id,
      state: e.state,
      phase: eniPhase(e.state, e.instance_id),
      primary: e.is_primary === 1,
      instanceId: e.instance_id,
      targetInstanceId: e.target_instance_id,
      deviceIndex: e.device_index,
      attachTime: e.attach_time,
      taskId: e.task_id,
      createdAt: e.created_at,
      ips: ips.filter((p) => p.eniId === e.id).map((p) => ({ ip: formatIp(p.ip), primary: p.primary, state: p.state })),
      securityGroups: groups.filter((g) => g.eniId === e.id).map((g) => ({ id: g.id, name: g.name })),
      tags: tagList(e.id),
    })),
    totals: {
      subnets: Number(subnetTotal?.n ?? 0),
      instances: Number(instanceTotal?.n ?? 0),
      enis: Number(eniTotal?.n ?? 0),
    },
  };
}

/** The VPC a resource of the scope belongs to (null: no such resource, or one outside any VPC). */
export async function vpcOfResource(q: Queryable, scope: Scope, id: string): Promise<string | null> {
  const table = id.startsWith('vpc-')
    ? 'vpcs'
    : id.startsWith('subnet-')
      ? 'subnets'
      : id.startsWith('ins-')
        ? 'instances'
        : id.startsWith('eni-')
          ? 'enis'
          : null;
  if (table === null) return null;
  const column = table === 'vpcs' ? 'id' : 'vpc_id';
  const row = await q.get<{ vpc: string | null }>(
    `SELECT ${column} AS vpc FROM ${table} WHERE id = ? AND app_id = ? AND region = ?`,
    [id, scope.appId, scope.region],
  );
  return row?.vpc ?? null;
}

// --- tasks --------------------------------------------------------------------------------------

export interface TaskRow {
  id: number;
  requestId: string | null;
  type: string;
  /** RUNNING, HELD (running, kept by test control until released), SUCCEEDED or FAILED. */
  state: TaskState | 'HELD';
  payload: string;
  failure: string | null;
  createdAt: number;
  finishedAt: number | null;
  attempts: number;
}

type RawTask = {
  id: number;
  request_id: string | null;
  type: string;
  status: number;
  payload: string;
  output: string | null;
  created_at: number;
  finished_at: number | null;
  due_at: number;
  attempts: number;
};

const TASK_COLUMNS = 'id, request_id, type, status, payload, output, created_at, finished_at, due_at, attempts';

/** A failed task's reason, from its stored output (older tasks stored v2's {errorCode, errorMsg}). */
function failureText(output: string | null): string | null {
  if (output === null) return null;
  try {
    const o = JSON.parse(output) as { message?: string; errorMsg?: string };
    return o.message ?? o.errorMsg ?? output;
  } catch {
    return output;
  }
}

function toTaskRow(r: RawTask): TaskRow {
  const state = (Object.keys(TaskStatus) as TaskState[]).find((s) => TaskStatus[s] === r.status) ?? 'RUNNING';
  return {
    id: Number(r.id),
    requestId: r.request_id,
    type: r.type,
    state: state === 'RUNNING' && Number(r.due_at) === HELD_DUE_AT ? 'HELD' : state,
    payload: r.payload,
    failure: failureText(r.output),
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    attempts: r.attempts,
  };
}

export interface TaskLists {
  running: TaskRow[];
  failed: TaskRow[];
  recent: TaskRow[];
}

/** Running tasks (all of them, up to the limit), and the newest failed and finished ones. */
export async function taskLists(q: Queryable, scope: Scope): Promise<TaskLists> {
  const owner = 'app_id = ? AND region = ?';
  const ownerParams = [scope.appId, scope.region];
  const newest = await q.get<{ last: number | null }>('SELECT MAX(id) AS last FROM tasks');
  const floor = Number(newest?.last ?? 0) - TASK_WINDOW;
  const list = (where: string, params: SqlValue[]) =>
    q.all<RawTask>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where} ORDER BY id DESC LIMIT ${LIMITS.tasks}`, params);
  const [running, failed, recent] = await Promise.all([
    list(`status = ? AND ${owner}`, [TaskStatus.RUNNING, ...ownerParams]),
    list(`status = ? AND id > ? AND ${owner}`, [TaskStatus.FAILED, floor, ...ownerParams]),
    list(`id > ? AND ${owner}`, [floor, ...ownerParams]),
  ]);
  return { running: running.map(toTaskRow), failed: failed.map(toTaskRow), recent: recent.map(toTaskRow) };
}

/** Tasks of the account by number or by the RequestId that created them (for the recent calls). */
export async function tasksByKeys(
  q: Queryable,
  appId: number,
  keys: ReadonlyArray<number | string>,
): Promise<TaskRow[]> {
  const ids = keys.filter((k): k is number => typeof k === 'number');
  const requestIds = keys.filter((k): k is string => typeof k === 'string');
  if (ids.length + requestIds.length === 0) return [];
  const alternatives: string[] = [];
  if (ids.length) alternatives.push(`id IN (${marks(ids.length)})`);
  if (requestIds.length) alternatives.push(`request_id IN (${marks(requestIds.length)})`);
  const rows = await q.all<RawTask>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE (${alternatives.join(' OR ')}) AND app_id = ?`,
    [...ids, ...requestIds, appId],
  );
  return rows.map(toTaskRow);
}

/**
 * A cheap summary of the task table that changes whenever a task is created or finishes: the
 * newest id, and the count and id sum of the running tasks. The live stream compares it between
 * polls instead of reading the state itself.
 */
export async function taskFingerprint(q: Queryable): Promise<string> {
  const row = await q.get<{ last: number | null; n: number; s: number | string | null; held: number }>(
    `SELECT (SELECT MAX(id) FROM tasks) AS last,
       (SELECT COUNT(*) FROM tasks WHERE status = ?) AS n,
       (SELECT SUM(id) FROM tasks WHERE status = ?) AS s,
       (SELECT COUNT(*) FROM tasks WHERE status = ? AND due_at = ?) AS held`,
    [TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.RUNNING, HELD_DUE_AT],
  );
  return `${row?.last ?? 0}:${row?.n ?? 0}:${row?.s ?? 0}:${row?.held ?? 0}`;
}
