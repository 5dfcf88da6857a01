import { unassignPrivateIpAddresses } from '../../../../domain/private-ip.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id, ip, list } from '../../schema.ts';

export default defineAction({
  name: 'UnassignPrivateIpAddresses',
  summary: 'Release secondary private IPs of an ENI back to its subnet',
  async: true,
  params: {
    vpcId: id().required(),
    networkInterfaceId: id().required(),
    privateIpAddress: list(ip().required(), { min: 1, max: 30 }),
  },
  fields: { 'ips.*': 'privateIpAddress.*' },
  async handle({ deps, caller }, p) {
    const { taskId } = await unassignPrivateIpAddresses(deps, caller, {
      vpcId: p.vpcId,
      eniId: p.networkInterfaceId,
      ips: p.privateIpAddress,
    });
    return taskAnswer(taskId);
  },
});
