import { disassociateSecurityGroups } from '../../../../domain/eni.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';
import { oneOrMore } from '../vpc/params.wire.ts';

export default defineAction({
  product: 'vpc',
  name: 'DisassociateNetworkInterfaceSecurityGroups',
  summary: 'Unbind security groups from ENIs (a group not bound is no change; all or nothing)',
  async: false,
  params: {
    NetworkInterfaceIds: oneOrMore(id('eni').required(), { max: 100 }),
    SecurityGroupIds: oneOrMore(id('sg').required(), { max: 100 }),
  },
  codes: ['InvalidParameterValue.LimitExceeded', 'ResourceNotFound', 'UnsupportedOperation.MutexOperationTaskRunning'],
  async handle({ deps, caller }, p) {
    await disassociateSecurityGroups(deps, caller, { eniIds: p.NetworkInterfaceIds, sgIds: p.SecurityGroupIds });
    return {};
  },
});
