import { associateSecurityGroups } from '../../../../domain/eni.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';
import { oneOrMore } from '../vpc/params.wire.ts';

export default defineAction({
  product: 'vpc',
  name: 'AssociateNetworkInterfaceSecurityGroups',
  summary: 'Bind security groups to secondary ENIs, after the groups they have (all or nothing, at most 5 per ENI)',
  async: false,
  params: {
    NetworkInterfaceIds: oneOrMore(id('eni').required(), { max: 100 }),
    SecurityGroupIds: oneOrMore(id('sg').required(), { max: 100 }),
  },
  fields: { sgIds: 'SecurityGroupIds' },
  codes: [
    'InvalidParameterValue.LimitExceeded',
    'LimitExceeded',
    'ResourceNotFound',
    'UnsupportedOperation',
    'UnsupportedOperation.MutexOperationTaskRunning',
  ],
  async handle({ deps, caller }, p) {
    await associateSecurityGroups(deps, caller, { eniIds: p.NetworkInterfaceIds, sgIds: p.SecurityGroupIds });
    return {};
  },
});
