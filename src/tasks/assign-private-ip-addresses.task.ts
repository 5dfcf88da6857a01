import { deleteIp, setIpState } from '../store/ip.repo.ts';
import { defineTask, releaseEni } from './task.ts';

/** Which addresses of which subnet, on which ENI: what the private-IP tasks need. */
export interface IpTaskPayload {
  subnetId: string;
  ips: number[];
  eniId: string;
}

export const assignPrivateIpAddressesTask = defineTask<IpTaskPayload>({
  async complete(tx, p) {
    for (const ip of p.ips) await setIpState(tx, p.subnetId, ip, 'ASSIGNED');
    await releaseEni(tx, p.eniId);
  },
  // The addresses were only reserved: they are free again.
  async rollback(tx, p) {
    for (const ip of p.ips) await deleteIp(tx, p.subnetId, ip);
    await releaseEni(tx, p.eniId);
  },
  resourceId: (p) => p.eniId,
});
