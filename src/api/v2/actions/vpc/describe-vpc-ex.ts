import { describeVpcs } from '../../../../domain/vpc.service.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { defineAction, one, orderOf, ordering, paging } from '../../action.ts';
import { id, str } from '../../schema.ts';

export default defineAction({
  name: 'DescribeVpcEx',
  summary: 'List VPCs, filtered by id or name, paged and ordered',
  async: false,
  params: {
    vpcId: id(),
    vpcName: str({ max: 60 }),
    ...paging(100),
    ...ordering(['createTime', 'vpcName']),
  },
  async handle({ deps, caller }, p) {
    const page = await describeVpcs(deps, caller, {
      filter: { vpcIds: one(p.vpcId), names: one(p.vpcName) },
      order: orderOf(p),
      page: p,
      mustExist: one(p.vpcId),
    });
    return {
      totalCount: page.total,
      data: page.items.map(({ vpc, counts }) => ({
        vpcId: vpc.id,
        unVpcId: vpc.id,
        vpcName: vpc.name,
        cidrBlock: vpc.cidr,
        subnetNum: counts.subnets,
        // Only the default route table exists; VPN, peering, NAT and the rest are not modelled.
        routeTableNum: 1,
        vpnGwNum: 0,
        vpcPeerNum: 0,
        vpcDeviceNum: counts.instances,
        classicLinkNum: 0,
        vpgNum: 0,
        natNum: 0,
        sflowNum: 0,
        isDefault: false,
        isMulticast: false,
        createTime: beijingTime(vpc.createdAt),
      })),
    };
  },
});
