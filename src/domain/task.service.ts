import { findTask } from '../store/task.repo.ts';
import type { Deps } from './deps.ts';
import { notFound } from './errors.ts';
import type { Caller, Task } from './model.ts';

/**
 * A task of the caller's account, by number (v2) or by the RequestId that created it (API 3.0);
 * tasks are account-wide, not regional, and another account's task is indistinguishable from none.
 */
export async function describeTask(deps: Deps, caller: Caller, key: number | string): Promise<Task> {
  const task = await findTask(deps.db, caller.appId, key);
  if (!task) notFound('task', `task ${key} does not exist`);
  return task;
}
