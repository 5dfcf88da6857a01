import { describeNetworkInterfaces } from '../../domain/eni.service.ts';
import { defineAction, ordering, paging } from '../action.ts';
import { id, str } from '../schema.ts';
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
      vpcId: p.vpcId,
      subnetId: p.subnetId,
      eniId: p.networkInterfaceId,
      instanceId: p.instanceId,
      sgId: p.sgId,
      name: p.eniName,
      description: p.eniDescription,
      orderField: p.orderField,
      orderDirection: p.orderDirection,
      offset: p.offset,
      limit: p.limit,
    });
    return { data: { totalNum: page.total, data: page.items.map(eniToWire) } };
  },
});
