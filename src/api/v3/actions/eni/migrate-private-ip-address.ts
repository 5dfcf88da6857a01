import { migratePrivateIpAddress } from '../../../../domain/private-ip.service.ts';
import { defineAction } from '../../action.ts';
import { id, ip } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'MigratePrivateIpAddress',
  summary: 'Move one secondary private IP to another ENI of the same subnet',
  async: true,
  params: {
    SourceNetworkInterfaceId: id('eni').required(),
    DestinationNetworkInterfaceId: id('eni').required(),
    PrivateIpAddress: ip().required(),
  },
  fields: { ip: 'PrivateIpAddress', newEniId: 'DestinationNetworkInterfaceId' },
  codes: [
    'LimitExceeded',
    'ResourceNotFound',
    'UnauthorizedOperation.AttachmentNotFound',
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.MutexOperationTaskRunning',
    'UnsupportedOperation.PrimaryIp',
    'UnsupportedOperation.ResourceMismatch',
  ],
  async handle({ deps, caller }, p) {
    await migratePrivateIpAddress(deps, caller, {
      ip: p.PrivateIpAddress,
      oldEniId: p.SourceNetworkInterfaceId,
      newEniId: p.DestinationNetworkInterfaceId,
    });
    return {};
  },
});
