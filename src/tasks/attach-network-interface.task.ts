import { releaseEni, type TaskHandler } from './handler.ts';

export const attachNetworkInterfaceTask: TaskHandler<{ eniId: string; instanceId: string }> = {
  complete: (tx, p, now) =>
    releaseEni(tx, p.eniId, { instanceId: p.instanceId, attachTime: now, targetInstanceId: null }),
  rollback: (tx, p) => releaseEni(tx, p.eniId, { targetInstanceId: null }),
};
