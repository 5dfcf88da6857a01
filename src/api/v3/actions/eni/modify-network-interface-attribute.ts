import { modifyNetworkInterface } from '../../../../domain/eni.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { id, list, oneOf, str } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'ModifyNetworkInterfaceAttribute',
  summary: 'Rename an ENI, change its description, or replace its security groups; absent fields keep their value',
  async: false,
  params: {
    NetworkInterfaceId: id('eni').required(),
    NetworkInterfaceName: str({ min: 1, max: 60 }),
    NetworkInterfaceDescription: str({ max: 60 }),
    // The whole new list, in binding order; [] unbinds every group. More than 5 is a quota
    // (LimitExceeded), so the list itself may be longer.
    SecurityGroupIds: list(id('sg').required(), { max: 100 }),
    TrunkingFlag: oneOf(['Enable', 'Disable']),
  },
  fields: { 'sgIds.*': 'SecurityGroupIds.*', sgIds: 'SecurityGroupIds' },
  codes: [
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.Range',
    'InvalidParameterValue.TooLong',
    'LimitExceeded',
    'ResourceNotFound',
    'UnsupportedOperation',
    'UnsupportedOperation.MutexOperationTaskRunning',
  ],
  async handle({ deps, caller }, p) {
    if (p.TrunkingFlag === 'Enable') fail('unsupported', 'parameter TrunkingFlag: trunking ENIs are not offered');
    await modifyNetworkInterface(deps, caller, {
      eniId: p.NetworkInterfaceId,
      name: p.NetworkInterfaceName,
      description: p.NetworkInterfaceDescription,
      sgIds: p.SecurityGroupIds,
    });
    return {};
  },
});
