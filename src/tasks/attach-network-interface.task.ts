import { defineTask, releaseEni } from './task.ts';

export const attachNetworkInterfaceTask = defineTask<{ eniId: string; instanceId: string }>({
  complete: (tx, p, now) =>
    releaseEni(tx, p.eniId, { instanceId: p.instanceId, attachTime: now, targetInstanceId: null }),
  rollback: (tx, p) => releaseEni(tx, p.eniId, { targetInstanceId: null, deviceIndex: null }),
  resourceId: (p) => p.eniId,
});
