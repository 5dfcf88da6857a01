import type { IpTaskPayload } from '../domain/private-ip.service.ts';
import { moveIp, setIpState } from '../store/ip.repo.ts';
import { releaseEni, type TaskHandler } from './handler.ts';

type Payload = IpTaskPayload & { newEniId: string };

export const migratePrivateIpAddressTask: TaskHandler<Payload> = {
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
};
