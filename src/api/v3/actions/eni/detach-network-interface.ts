import { detachNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction } from '../../action.ts';
import { id, str } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'DetachNetworkInterface',
  summary: 'Detach a secondary ENI from its instance; it keeps its IPs and security groups',
  async: true,
  params: { NetworkInterfaceId: id('eni').required(), InstanceId: id('ins').required(), ClientToken: str({ max: 64 }) },
  async handle({ deps, caller }, p) {
    await detachNetworkInterface(deps, caller, { eniId: p.NetworkInterfaceId, instanceId: p.InstanceId });
    return {};
  },
});
