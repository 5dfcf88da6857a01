import { runInstances } from '../../../../domain/instance.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id, int, ip, list, str } from '../../schema.ts';

export default defineAction({
  name: 'RunInstances',
  summary: 'Create instances (CVM subset); a VPC instance gets its primary ENI in the subnet',
  async: true,
  params: {
    zoneId: str({ max: 64 }).required(),
    cpu: int({ min: 1, max: 256 }).default(1),
    mem: int({ min: 1, max: 4096 }).default(1),
    vpcId: id(),
    subnetId: id(),
    instanceName: str({ max: 60, nonEmpty: false }).default(''),
    goodsNum: int({ min: 1, max: 100 }).default(1),
    privateIpAddress: ip(),
    sgIds: list(id().required(), { max: 5 }),
  },
  fields: { subnetId: 'subnetId', privateIps: 'privateIpAddress', 'privateIps.*': 'privateIpAddress', sgIds: 'sgIds' },
  async handle({ deps, caller }, p) {
    const { taskId, instanceIds } = await runInstances(deps, caller, {
      zone: p.zoneId,
      cpu: p.cpu,
      mem: p.mem,
      vpcId: p.vpcId,
      subnetId: p.subnetId,
      name: p.instanceName,
      count: p.goodsNum,
      privateIps: p.privateIpAddress === undefined ? [] : [p.privateIpAddress],
      sgIds: p.sgIds,
    });
    return taskAnswer(taskId, { instanceIds });
  },
});
