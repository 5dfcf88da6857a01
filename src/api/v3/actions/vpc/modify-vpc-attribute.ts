import { modifyVpc } from '../../../../domain/vpc.service.ts';
import { defineAction } from '../../action.ts';
import { bool, id, ip, list, str } from '../../schema.ts';
import { flagText } from './params.wire.ts';

// Terraform sends the name every time, and the other settings when they are set. An empty DNS list
// counts as absent (the provider leaves out empty lists).

export default defineAction({
  product: 'vpc',
  name: 'ModifyVpcAttribute',
  summary: 'Rename a VPC or change its multicast, DNS servers, domain name and route publishing; absent fields stay',
  async: false,
  params: {
    VpcId: id('vpc').required(),
    VpcName: str({ min: 1, max: 60 }),
    EnableMulticast: flagText(),
    DnsServers: list(ip().required(), { max: 4 }),
    DomainName: str({ max: 255 }),
    EnableRouteVpcPublish: bool(),
    // There are no CDC subnets here, so publishing them changes nothing: accepted and ignored.
    EnableCdcPublish: bool(),
    EnableRouteVpcPublishIpv6: bool(),
  },
  codes: ['InvalidParameterValue.LimitExceeded', 'InvalidParameterValue.TooLong', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    await modifyVpc(deps, caller, {
      vpcId: p.VpcId,
      name: p.VpcName,
      settings: {
        multicast: p.EnableMulticast,
        dnsServers: p.DnsServers?.length ? p.DnsServers : undefined,
        domainName: p.DomainName,
        routeVpcPublish: p.EnableRouteVpcPublish,
        routeVpcPublishIpv6: p.EnableRouteVpcPublishIpv6,
      },
    });
    return {};
  },
});
