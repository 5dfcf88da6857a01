import { createVpc } from '../../../../domain/vpc.service.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { defineAction } from '../../action.ts';
import { str } from '../../schema.ts';
import { defaultRouteTableId, subnetSetParam, subnetToWire } from '../subnet/subnet.wire.ts';

export default defineAction({
  name: 'CreateVpc',
  summary: 'Create a VPC, optionally with subnets',
  async: false,
  params: {
    vpcName: str({ max: 60, invalid: 'invalidVpcName' }).required(),
    cidrBlock: str({ max: 18 }).required(),
    subnetSet: subnetSetParam(0),
  },
  fields: { cidr: 'cidrBlock', 'subnets.*.cidr': 'subnetSet.*.cidrBlock' },
  async handle({ deps, caller }, p) {
    const { vpc, subnets } = await createVpc(deps, caller, {
      name: p.vpcName,
      cidr: p.cidrBlock,
      subnets: p.subnetSet.map((s) => ({ name: s.subnetName, cidr: s.cidrBlock, zone: s.zoneId })),
    });
    return {
      vpcId: vpc.id,
      unVpcId: vpc.id,
      uniqVpcId: vpc.id,
      vpcCreateTime: beijingTime(vpc.createdAt),
      ...(subnets.length > 0 && {
        subnetSet: subnets.map((s) => subnetToWire(s, deps.catalogue)),
        routeTableSet: [{ routeTableId: defaultRouteTableId(vpc.id), routeTableType: 1, routeTableName: 'default' }],
      }),
    };
  },
});
