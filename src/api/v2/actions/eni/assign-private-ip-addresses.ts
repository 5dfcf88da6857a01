import { assignPrivateIpAddresses } from '../../../../domain/private-ip.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { bool, id, int, ip, list, object } from '../../schema.ts';

export default defineAction({
  name: 'AssignPrivateIpAddresses',
  summary: 'Add secondary private IPs to an ENI: chosen ones and/or a number picked by the system',
  async: true,
  params: {
    vpcId: id().required(),
    networkInterfaceId: id().required(),
    privateIpAddressSet: list(object({ privateIpAddress: ip().required(), primary: bool().default(false) }), {
      max: 30,
    }),
    secondaryPrivateIpAddressCount: int({ min: 0, max: 30 }).default(0),
  },
  fields: {
    ipsOrCount: 'privateIpAddressSet or secondaryPrivateIpAddressCount',
    'ips.*.ip': 'privateIpAddressSet.*.privateIpAddress',
    'ips.*.primary': 'privateIpAddressSet.*.primary',
  },
  async handle({ deps, caller }, p) {
    const { taskId } = await assignPrivateIpAddresses(deps, caller, {
      vpcId: p.vpcId,
      eniId: p.networkInterfaceId,
      ips: p.privateIpAddressSet.map((i) => ({ ip: i.privateIpAddress, primary: i.primary })),
      count: p.secondaryPrivateIpAddressCount,
    });
    return taskAnswer(taskId);
  },
});
