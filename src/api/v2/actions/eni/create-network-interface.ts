import { createNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { bool, id, int, ip, list, object, str } from '../../schema.ts';

export default defineAction({
  name: 'CreateNetworkInterface',
  summary: 'Create a secondary ENI in a subnet, with chosen and/or system-picked private IPs',
  async: true,
  params: {
    vpcId: id().required(),
    subnetId: id().required(),
    eniName: str({ max: 60, invalid: 'invalidEniName' }).required(),
    eniDescription: str({ max: 60, nonEmpty: false }).default(''),
    privateIpAddressSet: list(object({ privateIpAddress: ip().required(), primary: bool().default(false) }), {
      max: 30,
    }),
    secondaryPrivateIpAddressCount: int({ min: 0, max: 30 }).default(0),
    sgIds: list(id().required(), { max: 5 }),
  },
  fields: { ips: 'privateIpAddressSet', 'ips.*.ip': 'privateIpAddressSet.*.privateIpAddress', 'sgIds.*': 'sgIds.*' },
  async handle({ deps, caller }, p) {
    const { taskId, eni } = await createNetworkInterface(deps, caller, {
      vpcId: p.vpcId,
      subnetId: p.subnetId,
      name: p.eniName,
      description: p.eniDescription,
      ips: p.privateIpAddressSet.map((i) => ({ ip: i.privateIpAddress, primary: i.primary })),
      secondaryCount: p.secondaryPrivateIpAddressCount,
      sgIds: p.sgIds,
    });
    return taskAnswer(taskId, { networkInterfaceId: eni.id });
  },
});
