import type { SecurityGroup, Tag, Vpc } from '../../../../domain/model.ts';
import type { Catalogue } from '../../../../domain/regions.ts';
import { subnetSettings, type SubnetView } from '../../../../domain/subnet.service.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { mainRouteTableId, vpcSettings } from '../../../../domain/vpc.service.ts';
import { tagsToWire } from '../tag/tag.params.ts';

// The 3.0 Vpc, Subnet and SecurityGroup structures: every field of the model, always, with the
// model's JSON type (Go and Terraform dereference them; SecurityGroup.ProjectId is a String).

/** What a VPC created without DnsServers hands out (the real service's resolvers). */
export const DEFAULT_DNS_SERVERS = ['183.60.83.19', '183.60.82.98'];

export function vpcToWire(vpc: Vpc, tags: readonly Tag[]) {
  const s = vpcSettings(vpc);
  return {
    VpcName: vpc.name,
    VpcId: vpc.id,
    CidrBlock: vpc.cidr,
    IsDefault: false,
    EnableMulticast: s.multicast,
    CreatedTime: beijingTime(vpc.createdAt),
    DnsServerSet: s.dnsServers.length > 0 ? s.dnsServers : DEFAULT_DNS_SERVERS,
    DomainName: s.domainName,
    DhcpOptionsId: '',
    EnableDhcp: true,
    Ipv6CidrBlock: '',
    TagSet: tagsToWire(tags),
    AssistantCidrSet: [],
    EnableRouteVpcPublish: s.routeVpcPublish,
    EnableRouteVpcPublishIpv6: s.routeVpcPublishIpv6,
    Ipv6CidrBlockSet: [],
  };
}

export function subnetToWire(v: SubnetView, catalogue: Catalogue) {
  const { subnet } = v;
  return {
    VpcId: subnet.vpcId,
    SubnetId: subnet.id,
    SubnetName: subnet.name,
    CidrBlock: subnet.cidr,
    IsDefault: false,
    EnableBroadcast: subnetSettings(subnet).broadcast,
    Zone: catalogue.zoneById(subnet.zoneId)?.name ?? '',
    RouteTableId: mainRouteTableId(subnet.vpcId),
    CreatedTime: beijingTime(subnet.createdAt),
    AvailableIpAddressCount: v.totalIps - v.usage.usedIps,
    TotalIpAddressCount: v.totalIps,
    Ipv6CidrBlock: '',
    NetworkAclId: '',
    IsRemoteVpcSnat: false,
    TagSet: tagsToWire(v.tags),
    CdcId: '',
    IsCdcSubnet: 0,
  };
}

export function securityGroupToWire(sg: SecurityGroup, tags: readonly Tag[]) {
  return {
    SecurityGroupId: sg.id,
    SecurityGroupName: sg.name,
    SecurityGroupDesc: sg.remark,
    ProjectId: String(sg.projectId),
    IsDefault: false,
    CreatedTime: beijingTime(sg.createdAt),
    UpdateTime: beijingTime(sg.updatedAt),
    TagSet: tagsToWire(tags),
  };
}
