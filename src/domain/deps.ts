import type { Config } from '../config.ts';
import type { Db, Queryable } from '../store/db.ts';
import { HELD_DUE_AT, insertTask } from '../store/task.repo.ts';
import type { IdGenerator } from './ids.ts';
import type { Catalogue } from './regions.ts';
import type { PayloadOf, TaskType } from '../tasks/registry.ts';
import type { Caller } from './model.ts';

/** What the domain needs from the outside world; tests substitute the clock and the ids. */
export interface Deps {
  readonly db: Db;
  readonly config: Config;
  readonly catalogue: Catalogue;
  readonly ids: IdGenerator;
  readonly now: () => number;
  /** Tells the local worker a task will be due at `dueAt`, so it need not wait for its poll. */
  readonly wakeWorker: (dueAt: number) => void;
  /** Test control's say over each new task (absent: every task takes TASK_LATENCY_MS and runs). */
  readonly taskControl?: TaskControl;
  /** Told of each task created (the metrics; docs/observability.md). */
  readonly taskObserver?: TaskObserver;
}

export type TaskOutcome = 'success' | 'failed' | 'abandoned';

/** Task lifecycle events, for counting; the domain and the worker call it, never wait on it. */
export interface TaskObserver {
  /** A task was created; called only once its creating transaction has committed. */
  created(type: string): void;
  /** The worker finished a task: `durationMs` from its creation to its final status. */
  finished(type: string, outcome: TaskOutcome, durationMs: number): void;
  /** A task was claimed again after an earlier claim's lease ran out (a worker died or stalled). */
  takenOver(type: string): void;
}

/** What test control decides for a task being created (docs/test-control.md, "Task control"). */
export interface TaskDecision {
  /** Stay RUNNING until released. */
  hold?: boolean;
  /** Fail, with this output, when the worker gets to it. */
  failure?: string;
  /** Be due this long after creation, instead of TASK_LATENCY_MS. */
  delayMs?: number;
}

export interface TaskControl {
  /** Decided in the creating transaction `q`, so a task that is never created leaves no trace. */
  decide(
    q: Queryable,
    task: { type: string; appId: number; region: string; requestId: string; payload: unknown },
  ): Promise<TaskDecision | null>;
}

/** What an async action decided, once its checks have passed. */
export interface TaskPlan<P, T> {
  /** What the worker needs to complete or roll back the task. */
  payload: P;
  /** The state change, given the new task's id to mark the resources it holds. */
  apply(taskId: number): Promise<void>;
  result: T;
}

/**
 * Runs the checks in `plan`, creates the task and applies the change, all in one transaction (the
 * state change and its task commit together or not at all), then wakes the worker. The task
 * records the caller's RequestId, which API 3.0 hands out as the task's id.
 */
export async function withTask<K extends TaskType, T>(
  deps: Deps,
  caller: Caller,
  type: K,
  plan: (tx: Queryable, now: number) => Promise<TaskPlan<PayloadOf<K>, T>>,
  opts: { dryRun?: boolean } = {},
): Promise<T & { taskId: number; requestId: string }> {
  const now = deps.now();
  if (opts.dryRun) {
    // Every check runs, inside a transaction that is then rolled back: nothing is created.
    const dry = await deps.db
      .tx(async (tx) => {
        throw new DryRun((await plan(tx, now)).result);
      })
      .catch((err: unknown) => {
        if (err instanceof DryRun) return err.result as T;
        throw err;
      });
    return { ...dry, taskId: 0, requestId: caller.requestId };
  }
  let dueAt = now;
  const out = await deps.db.tx(async (tx) => {
    const p = await plan(tx, now);
    const task = { type, appId: caller.appId, region: caller.region, requestId: caller.requestId, payload: p.payload };
    const decision = (await deps.taskControl?.decide(tx, task)) ?? {};
    dueAt = decision.hold ? HELD_DUE_AT : now + (decision.delayMs ?? deps.config.taskLatencyMs);
    const taskId = await insertTask(tx, {
      ...task,
      payload: JSON.stringify(p.payload),
      createdAt: now,
      dueAt,
      injectedFailure: decision.failure ?? null,
    });
    await p.apply(taskId);
    return { ...p.result, taskId, requestId: caller.requestId };
  });
  deps.taskObserver?.created(type);
  if (dueAt !== HELD_DUE_AT) deps.wakeWorker(dueAt);
  return out;
}

class DryRun extends Error {
  constructor(readonly result: unknown) {
    super('dry run');
  }
}
