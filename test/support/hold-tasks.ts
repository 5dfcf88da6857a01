import type { SimulatedDataPlane } from '../../src/tasks/driver.ts';

/**
 * Holds tasks of `type` (every type when absent) in the data plane until `release()`, so a test can
 * look at transitional states and ActionLocked without racing the worker. While a task is held the
 * worker runs nothing else: inside the hold, only `call`, never `run` or `waitTask`.
 */
export function holdTasks(driver: SimulatedDataPlane, type?: string): { release(): void } {
  const original = driver.apply.bind(driver);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  driver.apply = async (task) => {
    if (type === undefined || task.type === type) await gate;
    return original(task);
  };
  return {
    release() {
      driver.apply = original;
      open();
    },
  };
}
