import { migratePrivateIpAddress } from '../../../../domain/private-ip.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id, ip } from '../../schema.ts';

export default defineAction({
  name: 'MigratePrivateIpAddress',
  summary: 'Move one secondary private IP to another ENI of the same subnet',
  async: true,
  params: {
    vpcId: id().required(),
    privateIpAddress: ip().required(),
    oldNetworkInterfaceId: id().required(),
    newNetworkInterfaceId: id().required(),
  },
  fields: { ip: 'privateIpAddress', newEniId: 'newNetworkInterfaceId' },
  async handle({ deps, caller }, p) {
    const { taskId } = await migratePrivateIpAddress(deps, caller, {
      vpcId: p.vpcId,
      ip: p.privateIpAddress,
      oldEniId: p.oldNetworkInterfaceId,
      newEniId: p.newNetworkInterfaceId,
    });
    return taskAnswer(taskId);
  },
});
