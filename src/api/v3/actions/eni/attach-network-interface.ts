import { attachNetworkInterface } from '../../../../domain/eni.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { id, int } from '../../schema.ts';
import { clientToken } from './eni.params.ts';

export default defineAction({
  product: 'vpc',
  name: 'AttachNetworkInterface',
  summary: 'Attach a secondary ENI to a running or stopped instance in its VPC and zone',
  async: true,
  params: {
    NetworkInterfaceId: id('eni').required(),
    InstanceId: id('ins').required(),
    AttachType: int({ min: 0, max: 1 }).default(0),
    ClientToken: clientToken(),
  },
  codes: [
    'UnsupportedOperation.IdempotentParameterMismatch',
    'UnsupportedOperation.IdempotentProcessing',
    'InvalidParameterValue.Range',
    'LimitExceeded',
    'ResourceNotFound',
    'UnsupportedOperation',
    'UnsupportedOperation.AttachmentAlreadyExists',
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.VpcMismatch',
    'UnsupportedOperation.ZoneMismatch',
    'UnsupportedOperation.MutexOperationTaskRunning',
  ],
  async handle({ deps, caller }, p) {
    if (p.AttachType === 1) fail('unsupported', 'parameter AttachType: extended attachment (1) is not offered');
    await attachNetworkInterface(deps, caller, { eniId: p.NetworkInterfaceId, instanceId: p.InstanceId });
    return {};
  },
});
