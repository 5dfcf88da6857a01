import { migrateNetworkInterface } from '../../../../domain/eni-migrate.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { id, int } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'MigrateNetworkInterface',
  summary: 'Move a secondary ENI from the instance it is attached to onto another instance of its VPC and zone',
  async: true,
  params: {
    NetworkInterfaceId: id('eni').required(),
    SourceInstanceId: id('ins').required(),
    DestinationInstanceId: id('ins').required(),
    AttachType: int({ min: 0, max: 1 }).default(0),
  },
  codes: [
    'InvalidParameterValue.Range',
    'LimitExceeded',
    'ResourceNotFound',
    'UnsupportedOperation',
    'UnsupportedOperation.AttachmentAlreadyExists',
    'UnsupportedOperation.AttachmentNotFound',
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.MutexOperationTaskRunning',
    'UnsupportedOperation.VpcMismatch',
    'UnsupportedOperation.ZoneMismatch',
  ],
  async handle({ deps, caller }, p) {
    if (p.AttachType === 1) fail('unsupported', 'parameter AttachType: extended attachment (1) is not offered');
    await migrateNetworkInterface(deps, caller, {
      eniId: p.NetworkInterfaceId,
      oldInstanceId: p.SourceInstanceId,
      newInstanceId: p.DestinationInstanceId,
    });
    return {};
  },
});
