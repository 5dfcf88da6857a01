import { describeSubnets } from '../../domain/subnet.service.ts';
import { defineAction, ordering, paging } from '../action.ts';
import { id, list, str } from '../schema.ts';
import { subnetToWire } from './subnet.wire.ts';

export default defineAction({
  name: 'DescribeSubnetEx',
  summary: 'List subnets, filtered by VPC, id, name or zones, with their address usage',
  async: false,
  params: {
    vpcId: id(),
    subnetId: id(),
    subnetName: str({ max: 60 }),
    zoneIds: list(str({ max: 64 }).required(), { max: 100 }),
    ...paging(100),
    ...ordering(['createTime', 'subnetName']),
  },
  async handle({ deps, caller }, p) {
    const page = await describeSubnets(deps, caller, { ...p, name: p.subnetName });
    return {
      totalCount: page.total,
      data: page.items.map(({ subnet, usage, totalIps }) => ({
        ...subnetToWire(subnet, deps.catalogue),
        networkAclId: 0,
        vpcDevices: usage.instances,
        totalIPNum: totalIps,
        availableIPNum: totalIps - usage.usedIps,
        broadcast: false,
        isDefault: false,
      })),
    };
  },
});
