import { defineTask, releaseEni } from './task.ts';

export const detachNetworkInterfaceTask = defineTask<{ eniId: string; instanceId: string }>({
  complete: (tx, p) => releaseEni(tx, p.eniId, { instanceId: null, attachTime: null, deviceIndex: null }),
  rollback: (tx, p) => releaseEni(tx, p.eniId),
  resourceId: (p) => p.eniId,
});
