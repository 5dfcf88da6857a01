import { InstanceStatus } from '../domain/model.ts';
import type { Queryable } from '../store/db.ts';
import { deleteEni, enisOfInstance, updateEni } from '../store/eni.repo.ts';
import { deleteInstance, setInstanceStatus } from '../store/instance.repo.ts';
import { defineTask } from './task.ts';

export type LifecyclePayload = { instanceIds: string[]; previous: number[] };

async function restorePrevious(tx: Queryable, p: LifecyclePayload): Promise<void> {
  for (const [n, id] of p.instanceIds.entries()) await setInstanceStatus(tx, id, p.previous[n]!);
}

/** Start, stop and reboot: one status to the next; a failure puts back the status each instance had. */
function statusChange(to: number) {
  return defineTask<LifecyclePayload>({
    async complete(tx, p) {
      for (const id of p.instanceIds) await setInstanceStatus(tx, id, to);
    },
    rollback: restorePrevious,
    resourceId: (p) => p.instanceIds[0] ?? '',
  });
}

export const startInstancesTask = statusChange(InstanceStatus.RUNNING);
export const stopInstancesTask = statusChange(InstanceStatus.STOPPED);
export const rebootInstancesTask = statusChange(InstanceStatus.RUNNING);

/** Terminate: secondary ENIs are detached and kept; the primary ENI goes with its addresses. */
export const terminateInstancesTask = defineTask<LifecyclePayload>({
  async complete(tx, p) {
    for (const id of p.instanceIds) {
      for (const eni of await enisOfInstance(tx, id)) {
        if (eni.primary) await deleteEni(tx, eni.id);
        // Only the attachment changes: a task of the ENI's own (if any) keeps its hold on it.
        else await updateEni(tx, eni.id, { instanceId: null, attachTime: null, deviceIndex: null });
      }
      await deleteInstance(tx, id);
    }
  },
  rollback: restorePrevious,
  resourceId: (p) => p.instanceIds[0] ?? '',
});
