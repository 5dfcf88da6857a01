import { TaskStatus, type Task, type TaskFailure, type TaskState } from '../domain/model.ts';
import type { Db, Queryable } from './db.ts';
import { Where } from './sql.ts';

interface TaskRow {
  id: number;
  request_id: string | null;
  app_id: number;
  type: string;
  status: number;
  payload: string;
  output: string | null;
  created_at: number;
  due_at: number;
  lease_until: number | null;
  attempts: number;
  injected_failure: string | null;
}

const RUNNING = TaskStatus.RUNNING;
const COLUMNS =
  'id, request_id, app_id, type, status, payload, output, created_at, due_at, lease_until, attempts, injected_failure';
/**
 * The due time of a held task: never, until released. Claims (`due_at <= now`) never see it and the
 * worker's next wake-up ignores it.
 */
export const HELD_DUE_AT = Number.MAX_SAFE_INTEGER;
const STATES = Object.keys(TaskStatus) as TaskState[];

/** `output` holds the failure as JSON; tasks finished before API 3.0 stored v2's {errorCode, errorMsg}. */
function failureOf(output: string | null): TaskFailure | null {
  if (output === null) return null;
  const o = JSON.parse(output) as Partial<TaskFailure> & { errorCode?: number; errorMsg?: string };
  if (o.kind !== undefined) return { kind: o.kind, message: o.message ?? '' };
  return { kind: o.errorCode === 6000 ? 'internal' : 'dataPlane', message: o.errorMsg ?? '' };
}

const toTask = (r: TaskRow): Task => ({
  id: r.id,
  requestId: r.request_id,
  appId: r.app_id,
  type: r.type,
  state: STATES.find((s) => TaskStatus[s] === r.status)!,
  payload: r.payload,
  failure: failureOf(r.output),
  createdAt: r.created_at,
  dueAt: r.due_at,
  leaseUntil: r.lease_until,
  attempts: r.attempts,
  injectedFailure: r.injected_failure,
});

export async function insertTask(
  q: Queryable,
  t: {
    requestId: string;
    appId: number;
    region: string;
    type: string;
    payload: string;
    createdAt: number;
    dueAt: number;
    injectedFailure: string | null;
  },
): Promise<number> {
  const row = await q.get<{ id: number }>(
    `INSERT INTO tasks (request_id, app_id, region, type, status, payload, created_at, due_at, injected_failure)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [t.requestId, t.appId, t.region, t.type, RUNNING, t.payload, t.createdAt, t.dueAt, t.injectedFailure],
  );
  return row!.id;
}

/** A task of the account, by its number (v2) or the RequestId that created it (API 3.0). */
export async function findTask(q: Queryable, appId: number, key: number | string): Promise<Task | undefined> {
  const row = await q.get<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE ${typeof key === 'number' ? 'id' : 'request_id'} = ? AND app_id = ?`,
    [key, appId],
  );
  return row && toTask(row);
}

/** Tasks of the account by the RequestIds that created them, in one query (listing pages). */
export async function tasksByRequestIds(q: Queryable, appId: number, requestIds: readonly string[]): Promise<Task[]> {
  if (requestIds.length === 0) return [];
  const rows = await q.all<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE request_id IN (${requestIds.map(() => '?').join(', ')}) AND app_id = ?`,
    [...requestIds, appId],
  );
  return rows.map(toTask);
}

/**
 * Claims up to `limit` running tasks that are due and not leased by a live worker, leasing them
 * until `leaseUntil`, in one statement (its own transaction). Replicas never claim the same task:
 * the rows are locked, and locked rows are skipped. Oldest due first.
 */
export async function claimDueTasks(db: Db, now: number, leaseUntil: number, limit: number): Promise<Task[]> {
  const rows = await db.write<TaskRow>(
    `UPDATE tasks SET lease_until = ?, attempts = attempts + 1
     WHERE id IN (SELECT id FROM tasks
                  WHERE status = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                  ORDER BY due_at, id LIMIT ?${db.caps.forUpdateSkipLocked})
     RETURNING ${COLUMNS}`,
    [leaseUntil, RUNNING, now, now, limit],
  );
  return rows.sort((a, b) => a.due_at - b.due_at || a.id - b.id).map(toTask);
}

/** Earliest due time of a running task, so an idle worker knows when to look again. */
export async function nextDueAt(q: Queryable): Promise<number | null> {
  const row = await q.get<{ due: number | null }>(
    'SELECT MIN(due_at) AS due FROM tasks WHERE status = ? AND due_at < ?',
    [RUNNING, HELD_DUE_AT],
  );
  return row?.due ?? null;
}

/** Held tasks of the account (every account's when `appId` is null), oldest first. */
export async function heldTasks(q: Queryable, appId: number | null): Promise<Task[]> {
  const rows = await q.all<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE status = ? AND due_at = ?${appId === null ? '' : ' AND app_id = ?'} ORDER BY id`,
    appId === null ? [RUNNING, HELD_DUE_AT] : [RUNNING, HELD_DUE_AT, appId],
  );
  return rows.map(toTask);
}

/** Makes held tasks due now: one by id, or all (of an account); the ids released. */
export async function releaseHeldTasks(
  q: Queryable,
  o: { taskId?: number; appId?: number | null },
  now: number,
): Promise<number[]> {
  const where = new Where().add('status = ? AND due_at = ?', RUNNING, HELD_DUE_AT);
  if (o.taskId !== undefined) where.add('id = ?', o.taskId);
  if (o.appId != null) where.add('app_id = ?', o.appId);
  const rows = await q.all<{ id: number }>(`UPDATE tasks SET due_at = ?${where.sql} RETURNING id`, [
    now,
    ...where.params,
  ]);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * Marks tasks finished (succeeded where `failure` is null) that this worker still holds the lease of;
 * the ids of those. A task missing from the answer was taken over (or finished) by another worker,
 * and this worker must not apply anything for it. Tasks that end alike share one statement.
 */
export async function finishTasks(
  q: Queryable,
  ends: ReadonlyArray<{ id: number; lease: number; failure: TaskFailure | null }>,
  now: number,
): Promise<Set<number>> {
  const alike = new Map<string, { lease: number; output: string | null; ids: number[] }>();
  for (const e of ends) {
    const output = e.failure && JSON.stringify(e.failure);
    const key = `${e.lease} ${output}`;
    const group = alike.get(key) ?? { lease: e.lease, output, ids: [] };
    group.ids.push(e.id);
    alike.set(key, group);
  }
  const held = new Set<number>();
  for (const g of alike.values()) {
    const rows = await q.all<{ id: number }>(
      `UPDATE tasks SET status = ?, output = ?, finished_at = ?, lease_until = NULL
       WHERE id IN (${g.ids.map(() => '?').join(', ')}) AND status = ? AND lease_until = ? RETURNING id`,
      [g.output === null ? TaskStatus.SUCCEEDED : TaskStatus.FAILED, g.output, now, ...g.ids, RUNNING, g.lease],
    );
    for (const r of rows) held.add(r.id);
  }
  return held;
}

/** In embedded mode no other process can hold a lease, so leases left by a crash are void. */
export async function releaseAllLeases(q: Queryable): Promise<number> {
  return q.run('UPDATE tasks SET lease_until = NULL WHERE status = ? AND lease_until IS NOT NULL', [RUNNING]);
}

export async function purgeFinishedTasks(q: Queryable, finishedBefore: number): Promise<number> {
  return q.run('DELETE FROM tasks WHERE status <> ? AND finished_at < ?', [RUNNING, finishedBefore]);
}
