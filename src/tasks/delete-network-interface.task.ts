import { deleteEni } from '../store/eni.repo.ts';
import { defineTask, releaseEni } from './task.ts';

export const deleteNetworkInterfaceTask = defineTask<{ eniId: string }>({
  complete: (tx, p) => deleteEni(tx, p.eniId),
  rollback: (tx, p) => releaseEni(tx, p.eniId),
  resourceId: (p) => p.eniId,
});
