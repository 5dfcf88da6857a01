import { deleteNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'DeleteNetworkInterface',
  summary: 'Delete a secondary ENI that is not attached, with its private IPs',
  async: true,
  params: { NetworkInterfaceId: id('eni').required() },
  codes: [
    'ResourceInUse',
    'ResourceNotFound',
    'UnsupportedOperation',
    'UnsupportedOperation.MutexOperationTaskRunning',
  ],
  async handle({ deps, caller }, p) {
    await deleteNetworkInterface(deps, caller, { eniId: p.NetworkInterfaceId });
    return {};
  },
});
