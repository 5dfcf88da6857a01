import { createNetworkInterface } from '../../../../domain/eni.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { id, int } from '../../schema.ts';
import { CREATE_CODES, CREATE_FIELDS, createEniParams, createInput } from './eni.params.ts';
import { eniToWire } from './eni.wire.ts';

export default defineAction({
  product: 'vpc',
  name: 'CreateAndAttachNetworkInterface',
  summary: 'Create a secondary ENI and attach it to an instance in one task (every create and attach rule first)',
  async: true,
  params: {
    ...createEniParams,
    InstanceId: id('ins').required(),
    AttachType: int({ min: 0, max: 1 }).default(0),
  },
  fields: CREATE_FIELDS,
  codes: [
    'UnsupportedOperation.IdempotentParameterMismatch',
    'UnsupportedOperation.IdempotentProcessing',
    ...CREATE_CODES,
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.VpcMismatch',
    'UnsupportedOperation.ZoneMismatch',
  ],
  async handle({ deps, caller }, p) {
    if (p.AttachType === 1) fail('unsupported', 'parameter AttachType: extended attachment (1) is not offered');
    if (p.IsRdma) fail('unsupported', 'parameter IsRdma: RDMA ENIs are not offered');
    const { view, eni } = await createNetworkInterface(deps, caller, { ...createInput(p), instanceId: p.InstanceId });
    // As the real service answers: the ENI still PENDING, with the attachment it is getting
    // (DescribeNetworkInterfaces shows the attachment once the task has succeeded).
    return {
      NetworkInterface: eniToWire(view, deps.catalogue, { instanceId: p.InstanceId, at: eni.createdAt }),
    };
  },
});
