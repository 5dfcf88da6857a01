import { releaseEni, type TaskHandler } from './handler.ts';

type Payload = { eniId: string; oldInstanceId: string; newInstanceId: string };

export const migrateNetworkInterfaceTask: TaskHandler<Payload> = {
  complete: (tx, p, now) =>
    releaseEni(tx, p.eniId, { instanceId: p.newInstanceId, attachTime: now, targetInstanceId: null }),
  // Never left the old instance: only the move is forgotten.
  rollback: (tx, p) => releaseEni(tx, p.eniId, { targetInstanceId: null }),
};
