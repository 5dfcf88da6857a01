import { describeNetworkInterfaces } from '../../../../domain/eni.service.ts';
import { defineAction, one, orderOf, ordering, paging } from '../../action.ts';
import { id, str } from '../../schema.ts';
import { eniToWire } from './eni.wire.ts';

export default defineAction({
  name: 'DescribeNetworkInterfaces',
  summary: 'List ENIs with their IPs, instance and security groups; filters, paging, ordering',
  async: false,
  params: {
    vpcId: id(),
    subnetId: id(),
    networkInterfaceId: id(),
    instanceId: id(),
    sgId: id(),
    eniName: str({ max: 60 }),
    eniDescription: str({ max: 60 }),
    ...paging(50),
    ...ordering(['createTime', 'eniName']),
  },
  async handle({ deps, caller }, p) {
    const page = await describeNetworkInterfaces(deps, caller, {
      filter: {
        vpcIds: one(p.vpcId),
        subnetIds: one(p.subnetId),
        eniIds: one(p.networkInterfaceId),
        instanceIds: one(p.instanceId),
        sgIds: one(p.sgId),
        names: one(p.eniName),
        descriptions: one(p.eniDescription),
      },
      order: orderOf(p),
      page: p,
      // An id that names no ENI (of this account, region and, when given, VPC) is NotFound; one
      // that exists but fails the other filters gives an empty page.
      mustExist: { vpcId: p.vpcId, eniIds: one(p.networkInterfaceId) },
    });
    return { data: { totalNum: page.total, data: page.items.map(eniToWire) } };
  },
});
