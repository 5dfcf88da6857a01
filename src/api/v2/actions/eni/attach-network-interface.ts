import { attachNetworkInterface } from '../../../../domain/eni.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  name: 'AttachNetworkInterface',
  summary: 'Attach a secondary ENI to a running or stopped instance in its VPC and zone',
  async: true,
  params: { vpcId: id().required(), networkInterfaceId: id().required(), instanceId: id().required() },
  async handle({ deps, caller }, p) {
    const { taskId } = await attachNetworkInterface(deps, caller, {
      vpcId: p.vpcId,
      eniId: p.networkInterfaceId,
      instanceId: p.instanceId,
    });
    return taskAnswer(taskId);
  },
});
