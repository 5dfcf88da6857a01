import { createSubnets, newSubnetView } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id, str } from '../../schema.ts';
import { fromWire, TAG_FIELDS, tagCodes, tags } from '../tag/tag.params.ts';
import { noCdc } from './params.wire.ts';
import { subnetToWire } from './vpc.wire.ts';

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
    Tags: tags(),
  },
  fields: { 'subnets.*.cidr': 'CidrBlock', 'subnets.*.zone': 'Zone', ...TAG_FIELDS },
  codes: [
    'InvalidParameterValue.TooLong',
    'InvalidParameterValue.SubnetRange',
    'InvalidParameterValue.SubnetConflict',
    'InvalidParameterValue.LimitExceeded',
    'LimitExceeded',
    'ResourceNotFound',
    ...tagCodes('vpc'),
  ],
  async handle({ deps, caller }, p) {
    const given = fromWire(p.Tags);
    const [subnet] = await createSubnets(deps, caller, {
      vpcId: p.VpcId,
      subnets: [{ name: p.SubnetName, cidr: p.CidrBlock, zone: p.Zone }],
      tags: given,
    });
    return { Subnet: subnetToWire(newSubnetView(subnet!, given), deps.catalogue) };
  },
});
