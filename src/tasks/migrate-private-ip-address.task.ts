import { moveIp, setIpState } from '../store/ip.repo.ts';
import type { IpTaskPayload } from './assign-private-ip-addresses.task.ts';
import { defineTask, releaseEni } from './task.ts';

export const migratePrivateIpAddressTask = defineTask<IpTaskPayload & { newEniId: string }>({
  async complete(tx, p) {
    for (const ip of p.ips) await moveIp(tx, p.subnetId, ip, p.newEniId);
    await releaseEni(tx, p.eniId);
    await releaseEni(tx, p.newEniId);
  },
  // The address stays on the old ENI.
  async rollback(tx, p) {
    for (const ip of p.ips) await setIpState(tx, p.subnetId, ip, 'ASSIGNED');
    await releaseEni(tx, p.eniId);
    await releaseEni(tx, p.newEniId);
  },
  resourceId: (p) => p.eniId,
});
