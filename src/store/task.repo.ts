import type { Task } from '../domain/model.ts';
import type { Queryable } from './db.ts';

interface TaskRow {
  id: number;
  app_id: number;
  type: string;
  status: number;
  payload: string;
  output: string | null;
  created_at: number;
  due_at: number;
  lease_until: number | null;
  attempts: number;
}

const COLUMNS = 'id, app_id, type, status, payload, output, created_at, due_at, lease_until, attempts';
const toTask = (r: TaskRow): Task => ({
  id: r.id,
  appId: r.app_id,
  type: r.type,
  status: r.status,
  payload: r.payload,
  output: r.output,
  createdAt: r.created_at,
  dueAt: r.due_at,
  leaseUntil: r.lease_until,
  attempts: r.attempts,
});

export async function insertTask(
  q: Queryable,
  t: { appId: number; type: string; payload: string; createdAt: number; dueAt: number },
): Promise<number> {
  const row = await q.get<{ id: number }>(
    'INSERT INTO tasks (app_id, type, status, payload, created_at, due_at) VALUES (?, ?, 2, ?, ?, ?) RETURNING id',
    [t.appId, t.type, t.payload, t.createdAt, t.dueAt],
  );
  return row!.id;
}

export async function findTask(q: Queryable, appId: number, id: number): Promise<Task | undefined> {
  const row = await q.get<TaskRow>(`SELECT ${COLUMNS} FROM tasks WHERE id = ? AND app_id = ?`, [id, appId]);
  return row && toTask(row);
}

/**
 * Claims up to `limit` running tasks that are due and not leased by a live worker, leasing them
 * until `leaseUntil`. Replicas never claim the same task: the rows are locked, and locked rows are
 * skipped.
 */
export async function claimDueTasks(q: Queryable, now: number, leaseUntil: number, limit: number): Promise<Task[]> {
  const rows = await q.all<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks
     WHERE status = 2 AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
     ORDER BY due_at, id LIMIT ?${q.caps.forUpdateSkipLocked}`,
    [now, now, limit],
  );
  // One statement for the whole batch: on PostgreSQL each statement is a round trip.
  if (rows.length > 0) {
    await q.run(
      `UPDATE tasks SET lease_until = ?, attempts = attempts + 1 WHERE id IN (${rows.map(() => '?').join(', ')})`,
      [leaseUntil, ...rows.map((r) => r.id)],
    );
  }
  return rows.map((r) => toTask({ ...r, lease_until: leaseUntil, attempts: r.attempts + 1 }));
}

/** Earliest due time of a running task, so an idle worker knows when to look again. */
export async function nextDueAt(q: Queryable): Promise<number | null> {
  const row = await q.get<{ due: number | null }>('SELECT MIN(due_at) AS due FROM tasks WHERE status = 2');
  return row?.due ?? null;
}

/**
 * Marks a task finished if this worker still holds its lease; false means another worker took it
 * over (or finished it) and this worker must not apply anything.
 */
export async function finishTask(
  q: Queryable,
  id: number,
  lease: number,
  status: number,
  output: string | null,
  now: number,
): Promise<boolean> {
  const changed = await q.run(
    'UPDATE tasks SET status = ?, output = ?, finished_at = ?, lease_until = NULL WHERE id = ? AND status = 2 AND lease_until = ?',
    [status, output, now, id, lease],
  );
  return changed === 1;
}

/** In embedded mode no other process can hold a lease, so leases left by a crash are void. */
export async function releaseAllLeases(q: Queryable): Promise<number> {
  return q.run('UPDATE tasks SET lease_until = NULL WHERE status = 2 AND lease_until IS NOT NULL');
}

export async function purgeFinishedTasks(q: Queryable, finishedBefore: number): Promise<number> {
  return q.run('DELETE FROM tasks WHERE status <> 2 AND finished_at < ?', [finishedBefore]);
}
