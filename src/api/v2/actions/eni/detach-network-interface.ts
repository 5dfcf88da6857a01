import { detachNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  name: 'DetachNetworkInterface',
  summary: 'Detach a secondary ENI from the instance it is attached to',
  async: true,
  params: { vpcId: id().required(), networkInterfaceId: id().required(), instanceId: id().required() },
  async handle({ deps, caller }, p) {
    const { taskId } = await detachNetworkInterface(deps, caller, {
      vpcId: p.vpcId,
      eniId: p.networkInterfaceId,
      instanceId: p.instanceId,
    });
    return taskAnswer(taskId);
  },
});
