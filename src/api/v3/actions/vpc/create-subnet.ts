import { createSubnets, newSubnetView } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id, str } from '../../schema.ts';
import { noCdc } from './params.wire.ts';
import { subnetToWire } from './vpc.wire.ts';

// Tags are accepted and not stored yet (not declared: unknown parameters are ignored).

export default defineAction({
  product: 'vpc',
  name: 'CreateSubnet',
  summary: 'Create a subnet (mask /16–/28, inside its VPC, overlapping no sibling) in a zone of the region',
  async: false,
  params: {
    VpcId: id('vpc').required(),
    SubnetName: str({ min: 1, max: 60 }).required(),
    CidrBlock: str({ max: 64 }).required(),
    Zone: str({ min: 1, max: 64 }).required(),
    CdcId: noCdc(),
  },
  fields: { 'subnets.*.cidr': 'CidrBlock', 'subnets.*.zone': 'Zone' },
  codes: [
    'InvalidParameterValue.TooLong',
    'InvalidParameterValue.SubnetRange',
    'InvalidParameterValue.SubnetConflict',
    'LimitExceeded',
    'ResourceNotFound',
  ],
  async handle({ deps, caller }, p) {
    const [subnet] = await createSubnets(deps, caller, {
      vpcId: p.VpcId,
      subnets: [{ name: p.SubnetName, cidr: p.CidrBlock, zone: p.Zone }],
    });
    return { Subnet: subnetToWire(newSubnetView(subnet!), deps.catalogue) };
  },
});
