import { migrateNetworkInterface } from '../../../../domain/eni-migrate.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  name: 'MigrateNetworkInterface',
  summary: 'Move a secondary ENI from the instance it is attached to onto another instance',
  async: true,
  params: {
    vpcId: id().required(),
    networkInterfaceId: id().required(),
    oldInstanceId: id().required(),
    newInstanceId: id().required(),
  },
  async handle({ deps, caller }, p) {
    const { taskId } = await migrateNetworkInterface(deps, caller, {
      vpcId: p.vpcId,
      eniId: p.networkInterfaceId,
      oldInstanceId: p.oldInstanceId,
      newInstanceId: p.newInstanceId,
    });
    return taskAnswer(taskId);
  },
});
