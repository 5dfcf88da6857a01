import { releaseEni, type TaskHandler } from './handler.ts';

export const detachNetworkInterfaceTask: TaskHandler<{ eniId: string; instanceId: string }> = {
  complete: (tx, p) => releaseEni(tx, p.eniId, { instanceId: null, attachTime: null }),
  rollback: (tx, p) => releaseEni(tx, p.eniId),
};
