import type { Logger } from 'pino';
import type { TaskObserver } from '../domain/deps.ts';
import type { Task, TaskFailure } from '../domain/model.ts';
import { purgeSignatures } from '../store/account.repo.ts';
import { purgeClientTokens } from '../store/client-token.repo.ts';
import type { Db, Queryable } from '../store/db.ts';
import { purgeFailedLaunches } from '../store/instance.repo.ts';
import { claimDueTasks, finishTasks, nextDueAt, purgeFinishedTasks, releaseAllLeases } from '../store/task.repo.ts';
import { DataPlaneError, type DataPlaneDriver } from './driver.ts';
import { taskDef } from './registry.ts';
import type { TaskDef } from './task.ts';

export interface WorkerOptions {
  db: Db;
  driver: DataPlaneDriver;
  now: () => number;
  log: Logger;
  leaseMs: number;
  pollMs: number;
  observer?: TaskObserver;
}

const BATCH = 64;
/** Where replicas tell each other that tasks are waiting (PostgreSQL LISTEN/NOTIFY). */
const TASKS_CHANNEL = 'vpceni_tasks';

/** What the worker learnt of a claimed task before ending it. */
interface Verdict {
  task: Task;
  def: TaskDef<unknown> | undefined;
  /** Why it failed; null when the data plane applied it. */
  failure: TaskFailure | null;
  /** Rolled back without the data plane being asked (no definition, or given up on). */
  abandoned: boolean;
}
/** A task whose completion kept failing (not the data plane: our own storage) is rolled back. */
const MAX_ATTEMPTS = 5;
const HOUSEKEEPING_MS = 60_000;
/** Finished tasks stay queryable this long (the contract promises at least 24 hours; docs/decisions.md, "Tasks"). */
const TASK_RETENTION_MS = 7 * 24 * 3600_000;
/** A failed launch stays visible (API 3.0's LAUNCH_FAILED) this long, then goes (docs/decisions.md, D12). */
export const FAILED_LAUNCH_RETENTION_MS = 3600_000;

/**
 * Runs due tasks: claims them with a lease, asks the data plane, then completes or rolls back each
 * in one transaction that also marks it finished. A worker that dies leaves leases that expire; any
 * worker (this process after a restart, or another replica) then takes the tasks over.
 */
export class Worker {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private poller: NodeJS.Timeout | undefined;
  private housekeeper: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** This pass has told the other replicas that tasks are waiting (at most once a pass). */
  private notified = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly o: WorkerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    // Embedded mode has one process: a lease still set at start belongs to a process that crashed.
    if (!this.o.db.caps.multiProcess) await this.o.db.tx((tx) => releaseAllLeases(tx));
    // Replicas: a task another replica accepted while its own worker was busy is ours to take too.
    this.unlisten = await this.o.db.listen?.(TASKS_CHANNEL, () => this.tick());
    this.poller = setInterval(() => this.tick(), this.o.pollMs);
    this.housekeeper = setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS);
    this.poller.unref();
    this.housekeeper.unref();
    this.tick();
  }

  /** A task will be due at `dueAt`: make sure we look then. */
  wake(dueAt: number): void {
    if (this.stopped) return;
    if (this.ticking && !this.notified) {
      // Busy with a pass: the other replicas' workers may get to it first.
      this.notified = true;
      void this.o.db.notify?.(TASKS_CHANNEL).catch(() => undefined);
    }
    if (dueAt >= this.timerAt) return;
    // setTimeout cannot wait longer than 2^31 - 1 ms; the poll looks again long before that.
    if (dueAt - this.o.now() > 2 ** 31 - 1) return;
    clearTimeout(this.timer);
    this.timerAt = dueAt;
    this.timer = setTimeout(
      () => {
        this.timerAt = Infinity;
        this.tick();
      },
      Math.max(0, dueAt - this.o.now()),
    );
  }

  tick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.runDue()
      .catch((err: unknown) => this.o.log.error({ err }, 'task worker pass failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.tick();
        } else void this.scheduleNext();
      });
  }

  /** Resolves once no task is due right now (tests use it to wait without sleeping). */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.poller);
    clearInterval(this.housekeeper);
    await this.unlisten?.();
    await this.ticking;
  }

  private async runDue(): Promise<void> {
    this.notified = false;
    for (;;) {
      const now = this.o.now();
      // One statement, no transaction around it: on PostgreSQL each statement is a round trip.
      const claimed = await claimDueTasks(this.o.db, now, now + this.o.leaseMs, BATCH);
      // A claim only counts an attempt: one before this one never finished, its lease ran out.
      for (const t of claimed) if (t.attempts > 1) this.o.observer?.takenOver(t.type);
      // Each task ends as soon as the data plane has answered for it (a slow one holds up no
      // other); those that have answered by the time the last transaction ends share the next.
      const ready: Verdict[] = [];
      let ending: Promise<void> | undefined;
      const endReady = async () => {
        while (ready.length > 0) await this.finishAll(ready.splice(0));
        ending = undefined;
      };
      await Promise.all(
        claimed.map(async (t) => {
          ready.push(await this.verdict(t));
          // Not at once: the answers that arrive in this same turn join the batch first.
          ending ??= new Promise((resolve) => setImmediate(resolve)).then(endReady);
        }),
      );
      while (ending) await ending;
      if (claimed.length < BATCH || this.stopped) return;
    }
  }

  private async scheduleNext(): Promise<void> {
    if (this.stopped) return;
    const due = await nextDueAt(this.o.db).catch(() => null);
    if (due !== null) this.wake(due);
  }

  /** Asks the data plane (unless the task cannot or must not run): the task's failure, or null. */
  private async verdict(task: Task): Promise<Verdict> {
    const def = taskDef(task.type);
    const given = (failure: TaskFailure, abandoned = false): Verdict => ({ task, def, failure, abandoned });
    if (!def) return given({ kind: 'internal', message: `no definition for task type ${task.type}` }, true);
    if (task.attempts > MAX_ATTEMPTS)
      return given({ kind: 'internal', message: `gave up after ${MAX_ATTEMPTS} attempts` }, true);
    // A fault rule decided at creation that this task fails (test control): the data plane refuses it.
    if (task.injectedFailure !== null) return given({ kind: 'dataPlane', message: task.injectedFailure });
    try {
      await this.o.driver.apply(task);
      return { task, def, failure: null, abandoned: false };
    } catch (err) {
      return given(
        err instanceof DataPlaneError
          ? { kind: 'dataPlane', message: err.message }
          : { kind: 'internal', message: `data plane error: ${(err as Error).message}` },
      );
    }
  }

  /**
   * Ends a batch of tasks in one transaction (one COMMIT, and on PostgreSQL a few round trips
   * instead of four per task). If that transaction fails, each task is ended in one of its own, so a
   * task that cannot finish does not hold up the others; it keeps its lease until it runs out and is
   * tried again (up to MAX_ATTEMPTS).
   */
  private async finishAll(verdicts: Verdict[]): Promise<void> {
    if (verdicts.length === 0) return;
    const end = async (batch: Verdict[]) => this.reportFinished(await this.o.db.tx((tx) => this.finish(tx, batch)));
    try {
      return await end(verdicts);
    } catch (err) {
      if (verdicts.length === 1)
        return void this.o.log.error({ err, taskId: verdicts[0]!.task.id }, 'could not finish task');
    }
    for (const v of verdicts) {
      await end([v]).catch((err: unknown) => this.o.log.error({ err, taskId: v.task.id }, 'could not finish task'));
    }
  }

  /** Marks the tasks finished and applies (or undoes) what they did; the ones this worker still held. */
  private async finish(tx: Queryable, verdicts: Verdict[]): Promise<Verdict[]> {
    const now = this.o.now();
    const held = await finishTasks(
      tx,
      verdicts.map((v) => ({ id: v.task.id, lease: v.task.leaseUntil!, failure: v.failure })),
      now,
    );
    // Lost the lease (we were too slow, another worker took over): change nothing.
    const ours = verdicts.filter((v) => held.has(v.task.id));
    for (const { task, def, failure } of ours) {
      const payload: unknown = JSON.parse(task.payload);
      if (def && !failure) await def.complete(tx, payload, now);
      else if (def) await def.rollback(tx, payload, now);
    }
    return ours;
  }

  private reportFinished(finished: Verdict[]): void {
    const now = this.o.now();
    for (const { task, failure, abandoned } of finished) {
      this.o.log.debug({ taskId: task.id, type: task.type, failure }, 'task finished');
      // Abandoned: rolled back without the data plane being asked (no definition, or given up on).
      const outcome = !failure ? 'success' : abandoned ? 'abandoned' : 'failed';
      this.o.observer?.finished(task.type, outcome, now - task.createdAt);
    }
  }

  /** Drops what has outlived its retention; runs every minute (public so tests can run it at a given time). */
  async housekeeping(now = this.o.now()): Promise<void> {
    try {
      await purgeSignatures(this.o.db, now);
      await purgeClientTokens(this.o.db, now);
      await purgeFinishedTasks(this.o.db, now - TASK_RETENTION_MS);
      await purgeFailedLaunches(this.o.db, now - FAILED_LAUNCH_RETENTION_MS);
    } catch (err) {
      this.o.log.warn({ err }, 'housekeeping failed');
    }
  }
}
