import { describeVpcs } from '../../../../domain/vpc.service.ts';
import type { VpcFilter } from '../../../../store/vpc.repo.ts';
import { defineAction, NEWEST_FIRST, pageOf } from '../../action.ts';
import { filters, id, list, type Filters } from '../../schema.ts';
import { DESCRIBE_CODES, keepsAll, refuseCoexist, tagConditions, textPaging } from './params.wire.ts';
import { vpcToWire } from './vpc.wire.ts';

const FILTERS = [
  'vpc-name',
  'is-default',
  'vpc-id',
  'cidr-block',
  'tag-key',
  'ipv6-cidr-block',
  'isp-type',
  'address-type',
] as const;

/** The filters in domain terms; `[]` as the id list where a filter can match nothing here. */
function vpcFilter(f: Filters): VpcFilter {
  const nothing =
    // No VPC has IPv6 blocks or ISP addresses.
    f.has('ipv6-cidr-block') ||
    f.has('isp-type') ||
    f.has('address-type') ||
    (f.has('is-default') && !keepsAll('is-default', f.get('is-default')!, 'false'));
  return {
    vpcIds: nothing ? [] : f.get('vpc-id'),
    names: f.get('vpc-name'),
    cidrs: f.get('cidr-block'),
    tags: tagConditions(f),
  };
}

export default defineAction({
  product: 'vpc',
  name: 'DescribeVpcs',
  summary:
    'List VPCs by id or by filters (vpc-name, vpc-id, cidr-block, is-default, tag-key, tag:<key>…), newest first',
  async: false,
  params: {
    VpcIds: list(id('vpc').required(), { max: 100 }),
    Filters: filters({ names: FILTERS, tagPrefix: true, maxFilters: 10, maxValues: 100 }),
    ...textPaging(),
  },
  codes: DESCRIBE_CODES,
  async handle({ deps, caller }, p) {
    refuseCoexist(p.VpcIds, 'VpcIds', p.Filters);
    const ids = p.VpcIds?.length ? p.VpcIds : undefined;
    const page = await describeVpcs(deps, caller, {
      filter: ids ? { vpcIds: ids } : vpcFilter(p.Filters ?? new Map()),
      order: NEWEST_FIRST,
      page: pageOf(p),
      mustExist: ids,
    });
    return { TotalCount: page.total, VpcSet: page.items.map(({ vpc, tags }) => vpcToWire(vpc, tags)) };
  },
});
