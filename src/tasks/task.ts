import type { Queryable } from '../store/db.ts';
import { updateEni } from '../store/eni.repo.ts';

/**
 * One task type: what its payload holds, and what finishing it means. `complete` commits the final
 * state, `rollback` undoes everything the action changed; both run in the transaction that marks
 * the task finished, so each happens exactly once. `resourceId` names the resource the task is
 * about, for the protocols' task results.
 */
export interface TaskDef<P> {
  complete(tx: Queryable, payload: P, now: number): Promise<void>;
  rollback(tx: Queryable, payload: P, now: number): Promise<void>;
  resourceId(payload: P): string;
}

export function defineTask<P>(def: TaskDef<P>): TaskDef<P> {
  return def;
}

/** The ENI is no longer busy: back to AVAILABLE with no task. */
export function releaseEni(tx: Queryable, eniId: string, change: Parameters<typeof updateEni>[2] = {}): Promise<void> {
  return updateEni(tx, eniId, { state: 'AVAILABLE', taskId: null, ...change });
}
