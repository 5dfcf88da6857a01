import { deleteIp, setIpState } from '../store/ip.repo.ts';
import type { IpTaskPayload } from './assign-private-ip-addresses.task.ts';
import { defineTask, releaseEni } from './task.ts';

export const unassignPrivateIpAddressesTask = defineTask<IpTaskPayload>({
  async complete(tx, p) {
    for (const ip of p.ips) await deleteIp(tx, p.subnetId, ip);
    await releaseEni(tx, p.eniId);
  },
  // The addresses never left the ENI: they are simply committed again.
  async rollback(tx, p) {
    for (const ip of p.ips) await setIpState(tx, p.subnetId, ip, 'ASSIGNED');
    await releaseEni(tx, p.eniId);
  },
  resourceId: (p) => p.eniId,
});
