import { createVpc } from '../../../../domain/vpc.service.ts';
import { defineAction } from '../../action.ts';
import { bool, ip, list, str } from '../../schema.ts';
import { fromWire, TAG_FIELDS, tagCodes, tags } from '../tag/tag.params.ts';
import { flagText } from './params.wire.ts';
import { vpcToWire } from './vpc.wire.ts';

export default defineAction({
  product: 'vpc',
  name: 'CreateVpc',
  summary: 'Create a VPC (masks /12–/28 in 10.0.0.0/8 and 172.16.0.0/12, /16–/28 in 192.168.0.0/16)',
  async: false,
  params: {
    VpcName: str({ min: 1, max: 60 }).required(),
    CidrBlock: str({ max: 64 }).required(),
    EnableMulticast: flagText().default(false),
    DnsServers: list(ip().required(), { max: 4 }).default([]),
    DomainName: str({ max: 255 }).default(''),
    EnableRouteVpcPublish: bool().default(false),
    EnableRouteVpcPublishIpv6: bool().default(false),
    Tags: tags(),
  },
  fields: { cidr: 'CidrBlock', ...TAG_FIELDS },
  codes: ['InvalidParameterValue.TooLong', 'InvalidParameterValue.LimitExceeded', 'LimitExceeded', ...tagCodes('vpc')],
  async handle({ deps, caller }, p) {
    const given = fromWire(p.Tags);
    const { vpc } = await createVpc(deps, caller, {
      name: p.VpcName,
      cidr: p.CidrBlock,
      subnets: [],
      wideMasks: true,
      settings: {
        multicast: p.EnableMulticast,
        dnsServers: p.DnsServers,
        domainName: p.DomainName,
        routeVpcPublish: p.EnableRouteVpcPublish,
        routeVpcPublishIpv6: p.EnableRouteVpcPublishIpv6,
      },
      tags: given,
    });
    return { Vpc: vpcToWire(vpc, given) };
  },
});
