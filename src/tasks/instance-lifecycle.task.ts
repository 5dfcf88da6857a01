import { deleteEni, enisOfInstance, updateEni } from '../store/eni.repo.ts';
import { deleteInstance, setInstanceStatus } from '../store/instance.repo.ts';
import { InstanceStatus } from '../domain/model.ts';
import type { TaskHandler } from './handler.ts';

type Payload = { instanceIds: string[]; previous: number[] };

/** Start and stop: one status to the next; a failure puts back the status each instance had. */
function statusChange(to: number): TaskHandler<Payload> {
  return {
    async complete(tx, p) {
      for (const id of p.instanceIds) await setInstanceStatus(tx, id, to);
    },
    rollback: restorePrevious,
  };
}

async function restorePrevious(tx: Parameters<TaskHandler<Payload>['rollback']>[0], p: Payload): Promise<void> {
  for (const [n, id] of p.instanceIds.entries()) await setInstanceStatus(tx, id, p.previous[n]!);
}

export const startInstancesTask = statusChange(InstanceStatus.RUNNING);
export const stopInstancesTask = statusChange(InstanceStatus.STOPPED);

/** Terminate: secondary ENIs are detached and kept; the primary ENI goes with its addresses. */
export const terminateInstancesTask: TaskHandler<Payload> = {
  async complete(tx, p) {
    for (const id of p.instanceIds) {
      for (const eni of await enisOfInstance(tx, id)) {
        if (eni.primary) await deleteEni(tx, eni.id);
        // Only the attachment changes: a task of the ENI's own (if any) keeps its hold on it.
        else await updateEni(tx, eni.id, { instanceId: null, attachTime: null });
      }
      await deleteInstance(tx, id);
    }
  },
  rollback: restorePrevious,
};
