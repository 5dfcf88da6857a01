import { createSubnets } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';
import { subnetSetParam, subnetToWire } from './subnet.wire.ts';

export default defineAction({
  name: 'CreateSubnet',
  summary: 'Create one or more subnets in a VPC',
  async: false,
  params: { vpcId: id().required(), subnetSet: subnetSetParam(1) },
  fields: { 'subnets.*.cidr': 'subnetSet.*.cidrBlock' },
  async handle({ deps, caller }, p) {
    const subnets = await createSubnets(deps, caller, {
      vpcId: p.vpcId,
      subnets: p.subnetSet.map((s) => ({ name: s.subnetName, cidr: s.cidrBlock, zone: s.zoneId })),
    });
    return { subnetSet: subnets.map((s) => subnetToWire(s, deps.catalogue)) };
  },
});
