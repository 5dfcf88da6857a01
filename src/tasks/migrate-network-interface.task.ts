import { defineTask, releaseEni } from './task.ts';

type Payload = { eniId: string; oldInstanceId: string; newInstanceId: string; newDeviceIndex?: number };

export const migrateNetworkInterfaceTask = defineTask<Payload>({
  complete: (tx, p, now) =>
    releaseEni(tx, p.eniId, {
      instanceId: p.newInstanceId,
      attachTime: now,
      targetInstanceId: null,
      deviceIndex: p.newDeviceIndex ?? null,
    }),
  // Never left the old instance: only the move is forgotten.
  rollback: (tx, p) => releaseEni(tx, p.eniId, { targetInstanceId: null }),
  resourceId: (p) => p.eniId,
});
