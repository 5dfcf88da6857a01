import { formatIp, parseIp } from '../../../../domain/cidr.ts';
import { fail } from '../../../../domain/errors.ts';
import { usedIpAddresses } from '../../../../domain/network.service.ts';
import { defineAction, pageOf, paging } from '../../action.ts';
import { filters, id, ip, list } from '../../schema.ts';

// Terraform's instance destroy polls this, with the instance's addresses, until none is in use.
// Every address here is held by an ENI (an instance's by its primary ENI): ResourceType ENI.

export default defineAction({
  product: 'vpc',
  name: 'DescribeUsedIpAddress',
  summary: 'The addresses in use in a VPC or subnet and the ENI holding each, by subnet then address',
  async: false,
  params: {
    VpcId: id('vpc').required(),
    SubnetId: id('subnet'),
    IpAddresses: list(ip().required(), { max: 100 }),
    Filters: filters({ names: ['ip-addresses', 'resource-id'], maxFilters: 10, maxValues: 100 }),
    ...paging(),
  },
  fields: { 'ips.*': 'IpAddresses.*' },
  codes: [
    'InvalidParameterValue.ParameterMismatch',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.Range',
    'InvalidParameter.FilterInvalidKey',
    'InvalidParameter.FilterNotDict',
    'InvalidParameter.FilterValuesNotList',
    'ResourceNotFound',
  ],
  async handle({ deps, caller }, p) {
    if (p.IpAddresses?.length && p.Filters && p.Filters.size > 0) {
      fail('invalidParameter', 'IpAddresses and Filters cannot be combined', { reason: 'combination' });
    }
    // Filter values that name no address, or no ENI, match nothing.
    const ips = p.Filters?.get('ip-addresses');
    const page = await usedIpAddresses(deps, caller, {
      vpcId: p.VpcId,
      subnetId: p.SubnetId,
      ips: p.IpAddresses?.length ? p.IpAddresses : undefined,
      matching: ips?.flatMap((v) => parseIp(v) ?? []),
      eniIds: p.Filters?.get('resource-id'),
      page: pageOf(p),
    });
    return {
      IpAddressStates: page.items.map((i) => ({
        VpcId: p.VpcId,
        SubnetId: i.subnetId,
        IpAddress: formatIp(i.ip),
        ResourceType: 'ENI',
        ResourceId: i.eniId,
      })),
      TotalCount: page.total,
    };
  },
});
