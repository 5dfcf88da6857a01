import { deleteEni } from '../store/eni.repo.ts';
import { releaseEni, type TaskHandler } from './handler.ts';

export const deleteNetworkInterfaceTask: TaskHandler<{ eniId: string }> = {
  complete: (tx, p) => deleteEni(tx, p.eniId),
  rollback: (tx, p) => releaseEni(tx, p.eniId),
};
