import { detachNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';
import { clientToken } from './eni.params.ts';

export default defineAction({
  product: 'vpc',
  name: 'DetachNetworkInterface',
  summary: 'Detach a secondary ENI from its instance; it keeps its IPs and security groups',
  async: true,
  params: { NetworkInterfaceId: id('eni').required(), InstanceId: id('ins').required(), ClientToken: clientToken() },
  codes: [
    'UnsupportedOperation.IdempotentParameterMismatch',
    'UnsupportedOperation.IdempotentProcessing',
    'ResourceNotFound',
    'UnsupportedOperation',
    'UnsupportedOperation.AttachmentNotFound',
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.MutexOperationTaskRunning',
  ],
  async handle({ deps, caller }, p) {
    await detachNetworkInterface(deps, caller, { eniId: p.NetworkInterfaceId, instanceId: p.InstanceId });
    return {};
  },
});
