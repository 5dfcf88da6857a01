import type { IpTaskPayload } from '../domain/private-ip.service.ts';
import { deleteIp, setIpState } from '../store/ip.repo.ts';
import { releaseEni, type TaskHandler } from './handler.ts';

export const unassignPrivateIpAddressesTask: TaskHandler<IpTaskPayload> = {
  async complete(tx, p) {
    for (const ip of p.ips) await deleteIp(tx, p.subnetId, ip);
    await releaseEni(tx, p.eniId);
  },
  // The addresses never left the ENI: they are simply committed again.
  async rollback(tx, p) {
    for (const ip of p.ips) await setIpState(tx, p.subnetId, ip, 'ASSIGNED');
    await releaseEni(tx, p.eniId);
  },
};
