import { findTask } from '../store/task.repo.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import type { Caller, Task } from './model.ts';

/** A task of the caller's account; another account's task is indistinguishable from none. */
export async function describeTask(deps: Deps, caller: Caller, taskId: number): Promise<Task> {
  const task = await findTask(deps.db, caller.appId, taskId);
  if (!task) fail('InvalidTask.NotFound', `task ${taskId} does not exist`);
  return task;
}
