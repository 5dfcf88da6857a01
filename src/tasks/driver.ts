import type { Task } from '../domain/model.ts';

/** The data plane's refusal of a task: the task fails, its change is rolled back. */
export class DataPlaneError extends Error {}

/** Carries a task out in the data plane (programs the host, the switch...). Must be idempotent:
 *  after a crash the same task may be applied again. */
export interface DataPlaneDriver {
  apply(task: Task): Promise<void>;
  /** Before the worker starts: check what the driver needs and make the data plane match the
   *  database (a refusal stops the server from starting). */
  start?(): Promise<void>;
  /** After the worker has stopped. */
  stop?(): Promise<void>;
}

export interface Fault {
  /** Task type to fail; any type when absent. */
  type?: string;
  /** How many tasks to fail before the fault is used up. */
  times: number;
  message: string;
}

/**
 * The default driver: no real data plane, tasks succeed once due (the worker only runs a task
 * TASK_LATENCY_MS after it was created). In-process tests can make it refuse tasks; everyone else
 * uses fault rules (docs/test-control.md), which DATA_PLANE_FAILURE_RATE is one of.
 */
export class SimulatedDataPlane implements DataPlaneDriver {
  private readonly faults: Fault[] = [];

  injectFailure(fault: Partial<Fault> & { message?: string } = {}): void {
    this.faults.push({ times: 1, message: 'simulated data-plane failure', ...fault });
  }

  apply(task: Task): Promise<void> {
    const fault = this.faults.find((f) => f.times > 0 && (f.type === undefined || f.type === task.type));
    if (fault) {
      fault.times--;
      return Promise.reject(new DataPlaneError(fault.message));
    }
    return Promise.resolve();
  }
}
