import { InstanceStatus } from '../domain/model.ts';
import { deleteEni, enisOfInstance } from '../store/eni.repo.ts';
import { findInstanceById, markLaunchFailed, setInstanceStatus } from '../store/instance.repo.ts';
import { defineTask, releaseEni } from './task.ts';

export const runInstancesTask = defineTask<{ instanceIds: string[] }>({
  async complete(tx, p, now) {
    for (const id of p.instanceIds) {
      await setInstanceStatus(tx, id, InstanceStatus.RUNNING);
      for (const eni of await enisOfInstance(tx, id)) {
        if (eni.targetInstanceId === id) {
          await releaseEni(tx, eni.id, { instanceId: id, attachTime: now, targetInstanceId: null });
        }
      }
    }
  },
  // A failed launch gives back everything it took (primary ENIs, their addresses and bindings); the
  // instance itself stays an hour as LAUNCH_FAILED for API 3.0 to show, hidden from v2, which thus
  // sees the whole creation rolled back (D12). The worker's housekeeping purges it.
  async rollback(tx, p, now) {
    for (const id of p.instanceIds) {
      for (const eni of await enisOfInstance(tx, id)) await deleteEni(tx, eni.id);
      const instance = await findInstanceById(tx, id);
      if (instance) await markLaunchFailed(tx, instance, now);
    }
  },
  resourceId: (p) => p.instanceIds[0] ?? '',
});
