import { deleteNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  name: 'DeleteNetworkInterface',
  summary: 'Delete a detached secondary ENI and free its private IPs',
  async: true,
  params: { vpcId: id().required(), networkInterfaceId: id().required() },
  async handle({ deps, caller }, p) {
    const { taskId } = await deleteNetworkInterface(deps, caller, { vpcId: p.vpcId, eniId: p.networkInterfaceId });
    return taskAnswer(taskId);
  },
});
