import { describeSubnets } from '../../../../domain/subnet.service.ts';
import { requireZone } from '../../../../domain/lookup.ts';
import { defineAction, one, orderOf, ordering, paging } from '../../action.ts';
import { id, list, str } from '../../schema.ts';
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
    const zoneIds = p.zoneIds.map((z) => requireZone(deps, caller, z).id);
    const page = await describeSubnets(deps, caller, {
      filter: {
        vpcIds: one(p.vpcId),
        subnetIds: one(p.subnetId),
        names: one(p.subnetName),
        zoneIds: zoneIds.length ? zoneIds : undefined,
      },
      order: orderOf(p),
      page: p,
      mustExist: { vpcId: p.vpcId, subnetIds: one(p.subnetId) },
    });
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
