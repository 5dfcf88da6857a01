import { deleteEni } from '../store/eni.repo.ts';
import { releaseEni, type TaskHandler } from './handler.ts';

export const createNetworkInterfaceTask: TaskHandler<{ eniId: string }> = {
  complete: (tx, p) => releaseEni(tx, p.eniId),
  // The ENI never became available: it goes, with its addresses and security-group bindings.
  rollback: (tx, p) => deleteEni(tx, p.eniId),
};
