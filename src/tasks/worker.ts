import type { Logger } from 'pino';
import type { Task, TaskFailure } from '../domain/model.ts';
import { purgeSignatures } from '../store/account.repo.ts';
import { purgeClientTokens } from '../store/client-token.repo.ts';
import type { Db } from '../store/db.ts';
import { purgeFailedLaunches } from '../store/instance.repo.ts';
import { claimDueTasks, finishTask, nextDueAt, purgeFinishedTasks, releaseAllLeases } from '../store/task.repo.ts';
import { DataPlaneError, type DataPlaneDriver } from './driver.ts';
import { taskDef } from './registry.ts';

export interface WorkerOptions {
  db: Db;
  driver: DataPlaneDriver;
  now: () => number;
  log: Logger;
  leaseMs: number;
  pollMs: number;
}

const BATCH = 64;
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

  constructor(private readonly o: WorkerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    // Embedded mode has one process: a lease still set at start belongs to a process that crashed.
    if (!this.o.db.caps.multiProcess) await this.o.db.tx((tx) => releaseAllLeases(tx));
    this.poller = setInterval(() => this.tick(), this.o.pollMs);
    this.housekeeper = setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS);
    this.poller.unref();
    this.housekeeper.unref();
    this.tick();
  }

  /** A task will be due at `dueAt`: make sure we look then. */
  wake(dueAt: number): void {
    if (this.stopped || dueAt >= this.timerAt) return;
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
    await this.ticking;
  }

  private async runDue(): Promise<void> {
    for (;;) {
      const now = this.o.now();
      const lease = now + this.o.leaseMs;
      const claimed = await this.o.db.tx((tx) => claimDueTasks(tx, now, lease, BATCH));
      await Promise.all(claimed.map((t) => this.execute(t)));
      if (claimed.length < BATCH || this.stopped) return;
    }
  }

  private async scheduleNext(): Promise<void> {
    if (this.stopped) return;
    const due = await nextDueAt(this.o.db).catch(() => null);
    if (due !== null) this.wake(due);
  }

  private async execute(task: Task): Promise<void> {
    const def = taskDef(task.type);
    let failure: TaskFailure | null = null;
    if (!def) failure = { kind: 'internal', message: `no definition for task type ${task.type}` };
    else if (task.attempts > MAX_ATTEMPTS)
      failure = { kind: 'internal', message: `gave up after ${MAX_ATTEMPTS} attempts` };
    // A fault rule decided at creation that this task fails (test control): the data plane refuses it.
    else if (task.injectedFailure !== null) failure = { kind: 'dataPlane', message: task.injectedFailure };
    else {
      try {
        await this.o.driver.apply(task);
      } catch (err) {
        failure =
          err instanceof DataPlaneError
            ? { kind: 'dataPlane', message: err.message }
            : { kind: 'internal', message: `data plane error: ${(err as Error).message}` };
      }
    }
    try {
      const finished = await this.o.db.tx(async (tx) => {
        const now = this.o.now();
        // Lost the lease (we were too slow, another worker took over): change nothing.
        if (!(await finishTask(tx, task.id, task.leaseUntil!, failure, now))) return false;
        const payload: unknown = JSON.parse(task.payload);
        if (def && !failure) await def.complete(tx, payload, now);
        else if (def) await def.rollback(tx, payload, now);
        return true;
      });
      if (finished) this.o.log.debug({ taskId: task.id, type: task.type, failure }, 'task finished');
    } catch (err) {
      // The lease runs out and the task is tried again (up to MAX_ATTEMPTS).
      this.o.log.error({ err, taskId: task.id }, 'could not finish task');
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
