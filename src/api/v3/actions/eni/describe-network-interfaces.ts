import { describeNetworkInterfaces, type DescribeEnisInput } from '../../../../domain/eni.service.ts';
import { DomainError } from '../../../../domain/errors.ts';
import type { EniFilter } from '../../../../store/eni.repo.ts';
import { defineAction, NEWEST_FIRST, pageOf, paging } from '../../action.ts';
import { filters, id, list, type Filters } from '../../schema.ts';
import { DESCRIBE_CODES, keepsAll, refuseCoexist, tagConditions } from '../vpc/params.wire.ts';
import { eniToWire } from './eni.wire.ts';

const FILTERS = [
  'vpc-id',
  'subnet-id',
  'network-interface-id',
  'attachment.instance-id',
  'groups.security-group-id',
  'network-interface-name',
  'network-interface-description',
  'address-ip',
  'ip-exact-match',
  'tag-key',
  'is-primary',
  'eni-type',
  'eni-qos',
  'address-ipv6',
  'public-address-ip',
  'address-type',
  'termination-protection',
  'traffic-protection',
] as const;

/** A filter's `TRUE`/`FALSE` (any case). */
function flag(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw new DomainError('invalidValue', `filter ${name} takes TRUE or FALSE, not ${JSON.stringify(value)}`);
}

/** `eni-type`: 0 secondary, 1 primary, 2 trunk (none here); anything else matches nothing. */
const ENI_TYPE: Record<string, boolean> = { '0': false, '1': true };

/** The filters in domain terms (`eniIds: []` where the request can match nothing here). */
function eniQuery(f: Filters): Pick<DescribeEnisInput, 'filter' | 'addresses'> {
  // Primary or secondary: each of is-primary and eni-type narrows the kinds allowed.
  let kinds = new Set([true, false]);
  const narrow = (allowed: readonly boolean[]) => (kinds = new Set([...kinds].filter((k) => allowed.includes(k))));
  const isPrimary = f.get('is-primary');
  if (isPrimary) narrow(isPrimary.map((v) => flag('is-primary', v)));
  const eniType = f.get('eni-type');
  if (eniType) narrow(eniType.flatMap((v) => (v in ENI_TYPE ? [ENI_TYPE[v]!] : [])));
  const exactFlag = f.get('ip-exact-match')?.[0];
  const exact = exactFlag !== undefined && flag('ip-exact-match', exactFlag);
  const nothing =
    // A filter with no values matches nothing.
    [...f.values()].some((values) => values.length === 0) ||
    // No ENI has IPv6 addresses or public IPs, or delete/traffic protection.
    f.has('address-ipv6') ||
    f.has('public-address-ip') ||
    f.has('address-type') ||
    (f.has('termination-protection') &&
      !keepsAll('termination-protection', f.get('termination-protection')!, 'false')) ||
    (f.has('traffic-protection') && !keepsAll('traffic-protection', f.get('traffic-protection')!, 'false')) ||
    kinds.size === 0;
  const filter: EniFilter = {
    eniIds: nothing ? [] : f.get('network-interface-id'),
    vpcIds: f.get('vpc-id'),
    subnetIds: f.get('subnet-id'),
    instanceIds: f.get('attachment.instance-id'),
    sgIds: f.get('groups.security-group-id'),
    names: f.get('network-interface-name'),
    descriptions: f.get('network-interface-description'),
    qosLevels: f.get('eni-qos'),
    primary: kinds.size === 1 ? [...kinds][0] : undefined,
    tags: tagConditions(f),
  };
  const ips = f.get('address-ip');
  return { filter, addresses: ips && { values: ips, exact } };
}

export default defineAction({
  product: 'vpc',
  name: 'DescribeNetworkInterfaces',
  summary: 'List ENIs (primary ones too, in any state) by id or by filters, with their IPs, groups and attachment',
  async: false,
  params: {
    NetworkInterfaceIds: list(id('eni').required(), { max: 100 }),
    Filters: filters({ names: FILTERS, tagPrefix: true, maxFilters: 10, maxValues: 100 }),
    ...paging(),
  },
  codes: DESCRIBE_CODES,
  async handle({ deps, caller }, p) {
    refuseCoexist(p.NetworkInterfaceIds, 'NetworkInterfaceIds', p.Filters);
    const ids = p.NetworkInterfaceIds?.length ? p.NetworkInterfaceIds : undefined;
    const found = await describeNetworkInterfaces(deps, caller, {
      ...(ids ? { filter: { eniIds: ids } } : eniQuery(p.Filters ?? new Map())),
      order: NEWEST_FIRST,
      page: pageOf(p),
      // An id of the list that names no ENI of the caller is not found; filters just match nothing.
      mustExist: { eniIds: ids },
    });
    return {
      TotalCount: found.total,
      NetworkInterfaceSet: found.items.map((v) => eniToWire(v, deps.catalogue)),
    };
  },
});
