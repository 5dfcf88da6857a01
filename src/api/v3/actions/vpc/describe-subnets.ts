import { describeSubnets } from '../../../../domain/subnet.service.ts';
import type { Caller } from '../../../../domain/model.ts';
import type { Deps } from '../../../../domain/deps.ts';
import type { SubnetFilter } from '../../../../store/subnet.repo.ts';
import { defineAction, NEWEST_FIRST } from '../../action.ts';
import { filters, id, int, list, type Filters } from '../../schema.ts';
import {
  DESCRIBE_CODES,
  keepsAll,
  nextToken,
  pageToken,
  refuseCoexist,
  tagConditions,
  textPaging,
  tokenPage,
} from './params.wire.ts';
import { subnetToWire } from './vpc.wire.ts';

const FILTERS = [
  'subnet-id',
  'vpc-id',
  'zone',
  'subnet-name',
  'cidr-block',
  'is-default',
  'is-remote-vpc-snat',
  'tag-key',
  'cdc-id',
  'is-cdc-subnet',
  'ipv6-cidr-block',
  'isp-type',
  'address-type',
] as const;

/** The filters in domain terms; `[]` as the id list where a filter can match nothing here. */
function subnetFilter(deps: Deps, caller: Caller, f: Filters): SubnetFilter {
  const region = deps.catalogue.region(caller.region)!;
  const nothing =
    // No subnet has IPv6 blocks or ISP addresses, or belongs to a CDC.
    f.has('ipv6-cidr-block') ||
    f.has('isp-type') ||
    f.has('address-type') ||
    f.has('cdc-id') ||
    (f.has('is-default') && !keepsAll('is-default', f.get('is-default')!, 'false')) ||
    (f.has('is-remote-vpc-snat') && !keepsAll('is-remote-vpc-snat', f.get('is-remote-vpc-snat')!, 'false')) ||
    (f.has('is-cdc-subnet') && !keepsAll('is-cdc-subnet', f.get('is-cdc-subnet')!, '0', ['0', '1']));
  const zones = f.get('zone');
  return {
    subnetIds: nothing ? [] : f.get('subnet-id'),
    vpcIds: f.get('vpc-id'),
    names: f.get('subnet-name'),
    cidrs: f.get('cidr-block'),
    // A zone filter names zones (a numeric id works too); one not in the region matches nothing.
    zoneIds: zones?.flatMap((z) => deps.catalogue.zone(region, z)?.id ?? []),
    tags: tagConditions(f),
  };
}

export default defineAction({
  product: 'vpc',
  name: 'DescribeSubnets',
  summary: 'List subnets by id or by filters (vpc-id, zone, subnet-name, cidr-block…) with their address counts',
  async: false,
  params: {
    SubnetIds: list(id('subnet').required(), { max: 100 }),
    Filters: filters({ names: FILTERS, tagPrefix: true, maxFilters: 10, maxValues: 100 }),
    ...textPaging(),
    MaxResults: int({ min: 1, max: 100 }),
    NextToken: pageToken(),
  },
  codes: DESCRIBE_CODES,
  async handle({ deps, caller }, p) {
    refuseCoexist(p.SubnetIds, 'SubnetIds', p.Filters);
    const ids = p.SubnetIds?.length ? p.SubnetIds : undefined;
    const page = tokenPage(p);
    const found = await describeSubnets(deps, caller, {
      filter: ids ? { subnetIds: ids } : subnetFilter(deps, caller, p.Filters ?? new Map()),
      order: NEWEST_FIRST,
      page,
      mustExist: { subnetIds: ids },
    });
    return {
      TotalCount: found.total,
      SubnetSet: found.items.map((v) => subnetToWire(v, deps.catalogue)),
      NextToken: nextToken(page, found.items.length, found.total),
    };
  },
});
