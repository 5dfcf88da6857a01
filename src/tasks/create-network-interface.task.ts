import { deleteEni } from '../store/eni.repo.ts';
import { defineTask, releaseEni } from './task.ts';

export const createNetworkInterfaceTask = defineTask<{ eniId: string }>({
  complete: (tx, p) => releaseEni(tx, p.eniId),
  // The ENI never became available: it goes, with its addresses and security-group bindings.
  rollback: (tx, p) => deleteEni(tx, p.eniId),
  resourceId: (p) => p.eniId,
});

/** CreateAndAttachNetworkInterface: the new ENI ends attached, or (on failure) is gone. */
export const createAndAttachNetworkInterfaceTask = defineTask<{ eniId: string; instanceId: string }>({
  complete: (tx, p, now) =>
    releaseEni(tx, p.eniId, { instanceId: p.instanceId, attachTime: now, targetInstanceId: null }),
  rollback: (tx, p) => deleteEni(tx, p.eniId),
  resourceId: (p) => p.eniId,
});
