import { InstanceStatus } from '../domain/model.ts';
import { deleteEni, enisOfInstance } from '../store/eni.repo.ts';
import { deleteInstance, setInstanceStatus } from '../store/instance.repo.ts';
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
  async rollback(tx, p) {
    for (const id of p.instanceIds) {
      for (const eni of await enisOfInstance(tx, id)) await deleteEni(tx, eni.id);
      await deleteInstance(tx, id);
    }
  },
  resourceId: (p) => p.instanceIds[0] ?? '',
});
