import { createSubnets, newSubnetView } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id, object, str } from '../../schema.ts';
import { fromWire, TAG_FIELDS, tagCodes, tags } from '../tag/tag.params.ts';
import { noCdc, oneOrMore, routeTableId } from './params.wire.ts';
import { subnetToWire } from './vpc.wire.ts';

// All or nothing: every subnet is checked (against the VPC's and against each other) before any
// is created. The Tags go to every new subnet.

export default defineAction({
  product: 'vpc',
  name: 'CreateSubnets',
  summary: 'Create 1–100 subnets in one VPC, all or nothing',
  async: false,
  params: {
    VpcId: id('vpc').required(),
    Subnets: oneOrMore(
      object({
        CidrBlock: str({ max: 64 }).required(),
        SubnetName: str({ min: 1, max: 60 }).required(),
        Zone: str({ min: 1, max: 64 }).required(),
        RouteTableId: routeTableId(),
      }).required(),
      { max: 100 },
    ),
    CdcId: noCdc(),
    Tags: tags(),
  },
  fields: {
    'subnets.*.cidr': 'Subnets.*.CidrBlock',
    'subnets.*.zone': 'Subnets.*.Zone',
    'subnets.*.routeTableId': 'Subnets.*.RouteTableId',
    ...TAG_FIELDS,
  },
  codes: [
    'InvalidParameterValue.TooLong',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.SubnetRange',
    'InvalidParameterValue.SubnetConflict',
    'LimitExceeded',
    'ResourceNotFound',
    ...tagCodes('vpc'),
  ],
  async handle({ deps, caller }, p) {
    const given = fromWire(p.Tags);
    const subnets = await createSubnets(deps, caller, {
      vpcId: p.VpcId,
      subnets: p.Subnets.map((s) => ({
        name: s.SubnetName,
        cidr: s.CidrBlock,
        zone: s.Zone,
        routeTableId: s.RouteTableId,
      })),
      tags: given,
    });
    return { SubnetSet: subnets.map((s) => subnetToWire(newSubnetView(s, given), deps.catalogue)) };
  },
});
