import type { Config } from '../config.ts';
import type { Db, Queryable } from '../store/db.ts';
import { insertTask } from '../store/task.repo.ts';
import type { IdGenerator } from './ids.ts';
import type { Catalogue } from './regions.ts';

/** What the domain needs from the outside world; tests substitute the clock and the ids. */
export interface Deps {
  readonly db: Db;
  readonly config: Config;
  readonly catalogue: Catalogue;
  readonly ids: IdGenerator;
  readonly now: () => number;
  /** Tells the local worker a task will be due at `dueAt`, so it need not wait for its poll. */
  readonly wakeWorker: (dueAt: number) => void;
}

export type TaskType =
  | 'CreateNetworkInterface'
  | 'DeleteNetworkInterface'
  | 'AttachNetworkInterface'
  | 'DetachNetworkInterface'
  | 'MigrateNetworkInterface'
  | 'AssignPrivateIpAddresses'
  | 'UnassignPrivateIpAddresses'
  | 'MigratePrivateIpAddress'
  | 'RunInstances'
  | 'StartInstances'
  | 'StopInstances'
  | 'TerminateInstances';

/** What an async action decided, once its checks have passed. */
export interface TaskPlan<T> {
  /** What the worker needs to complete or roll back the task. */
  payload: object;
  /** The state change, given the new task's id to mark the resources it holds. */
  apply(taskId: number): Promise<void>;
  result: T;
}

/**
 * Runs the checks in `plan`, creates the task and applies the change, all in one transaction (the
 * state change and its task commit together or not at all, DECISIONS.md §5), then wakes the worker.
 */
export async function withTask<T>(
  deps: Deps,
  appId: number,
  type: TaskType,
  plan: (tx: Queryable, now: number) => Promise<TaskPlan<T>>,
): Promise<T & { taskId: number }> {
  const now = deps.now();
  const dueAt = now + deps.config.taskLatencyMs;
  const out = await deps.db.tx(async (tx) => {
    const p = await plan(tx, now);
    const taskId = await insertTask(tx, { appId, type, payload: JSON.stringify(p.payload), createdAt: now, dueAt });
    await p.apply(taskId);
    return { ...p.result, taskId };
  });
  deps.wakeWorker(dueAt);
  return out;
}
