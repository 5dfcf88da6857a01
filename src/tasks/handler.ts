import type { Queryable } from '../store/db.ts';
import { updateEni } from '../store/eni.repo.ts';

/**
 * What the worker does with a task of one type once the data plane has answered: `complete` commits
 * the final state, `rollback` undoes everything the action changed. Both run in the transaction
 * that marks the task finished, so each happens exactly once.
 */
export interface TaskHandler<P> {
  complete(tx: Queryable, payload: P, now: number): Promise<void>;
  rollback(tx: Queryable, payload: P, now: number): Promise<void>;
}

/** The ENI is no longer busy: back to AVAILABLE with no task. */
export function releaseEni(tx: Queryable, eniId: string, change: Parameters<typeof updateEni>[2] = {}): Promise<void> {
  return updateEni(tx, eniId, { state: 'AVAILABLE', taskId: null, ...change });
}
