import { parseIp } from '../../../../domain/cidr.ts';
import type { Deps } from '../../../../domain/deps.ts';
import { fail } from '../../../../domain/errors.ts';
import { describeInstances } from '../../../../domain/instance.service.ts';
import { requireZone } from '../../../../domain/lookup.ts';
import { InstanceStatus, type Caller, type InstanceStateName } from '../../../../domain/model.ts';
import type { InstanceFilter } from '../../../../store/instance.repo.ts';
import { defineAction, pageOf, paging } from '../../action.ts';
import { id, int, ip, list, oneOf, str } from '../../schema.ts';
import { tagConditions } from '../vpc/params.wire.ts';
import { beijingTimeText, cvmFilters, type CheckedFilters } from './cvm.params.ts';
import { instanceToWire } from './instance.wire.ts';

/** The 3.0 state names (api3-vpc-cvm.md §5.2) and the stored state each is; the rest never occur. */
const STATES: Record<string, InstanceStateName | null> = {
  PENDING: 'CREATING',
  LAUNCH_FAILED: 'LAUNCH_FAILED',
  RUNNING: 'RUNNING',
  STOPPED: 'STOPPED',
  STARTING: 'STARTING',
  STOPPING: 'STOPPING',
  REBOOTING: 'REBOOTING',
  TERMINATING: 'TERMINATING',
  SHUTDOWN: null,
  ENTER_RESCUE_MODE: null,
  RESCUE_MODE: null,
  EXIT_RESCUE_MODE: null,
  ENTER_SERVICE_LIVE_MIGRATE: null,
  SERVICE_LIVE_MIGRATE: null,
  EXIT_SERVICE_LIVE_MIGRATE: null,
};

/** Filters on what no instance here has (public or IPv6 addresses, hosts): they match nothing. */
const MATCH_NOTHING = ['public-ip-address', 'ipv6-address', 'host-id', 'dedicated-cluster-id'];

/** Tag filters (`tag:<key>` too): read by tagConditions. */
const TAG_FILTERS = ['tag-key', 'tag-value'];

const FILTER_VALUES = {
  zone: str({ max: 64 }).required(),
  'project-id': int({ min: 0 }).required(),
  'vpc-id': id('vpc').required(),
  'subnet-id': id('subnet').required(),
  'instance-id': id('ins').required(),
  uuid: str({ max: 64 }).required(),
  'security-group-id': id('sg').required(),
  'instance-name': str({ max: 128 }).required(),
  'instance-charge-type': oneOf(['PREPAID', 'POSTPAID_BY_HOUR', 'CDHPAID', 'SPOTPAID', 'CDCPAID']).required(),
  'instance-state': oneOf(Object.keys(STATES)).required(),
  'private-ip-address': ip().required(),
  'creation-start-time': beijingTimeText().required(),
  'creation-end-time': beijingTimeText().required(),
};

/** ≤ 10 filters, ≤ 5 values each (documented). */
export const INSTANCE_FILTERS = cvmFilters(
  {
    names: [...Object.keys(FILTER_VALUES), ...MATCH_NOTHING, ...TAG_FILTERS],
    tagPrefix: true,
    maxFilters: 10,
    maxValues: 5,
  },
  FILTER_VALUES,
);

/** The filters in domain terms; `[]` as the id list where a filter can match nothing here. */
function instanceFilter(deps: Deps, caller: Caller, f: CheckedFilters): InstanceFilter {
  const nothing =
    MATCH_NOTHING.some((n) => f.raw.has(n)) ||
    // A filter with no values matches nothing (api3-common.md §10).
    [...f.raw.values()].some((values) => values.length === 0);
  const states = f.get<string>('instance-state');
  // Several values of one time filter: the loosest bound holds (values are OR-ed).
  const from = f.get<number>('creation-start-time');
  const to = f.get<number>('creation-end-time');
  return {
    withFailedLaunches: true,
    instanceIds: nothing ? [] : f.get('instance-id'),
    zoneIds: f.get<string>('zone')?.map((z) => requireZone(deps, caller, z).id),
    projectIds: f.get('project-id'),
    vpcIds: f.get('vpc-id'),
    subnetIds: f.get('subnet-id'),
    uuids: f.get('uuid'),
    sgIds: f.get('security-group-id'),
    names: f.get('instance-name'),
    chargeTypes: f.get('instance-charge-type'),
    statuses: states?.flatMap((s) => (STATES[s] ? [InstanceStatus[STATES[s]]] : [])),
    primaryIps: f.get<string>('private-ip-address')?.map((a) => parseIp(a)!),
    createdFrom: from?.length ? Math.min(...from) : undefined,
    createdTo: to?.length ? Math.max(...to) : undefined,
    tags: tagConditions(f.raw),
  };
}

/** Instances by ids or by filters, newest first; unknown ids are simply absent (CVM's rule). */
export async function listInstances3(
  deps: Deps,
  caller: Caller,
  p: { InstanceIds?: string[]; Filters?: CheckedFilters; Offset: number; Limit: number },
) {
  const ids = p.InstanceIds?.length ? p.InstanceIds : undefined;
  if (ids && p.Filters && p.Filters.raw.size > 0) {
    // CVM answers the plain code here (VPC: InvalidParameter.Coexist).
    fail('invalidParameter', 'parameters InstanceIds and Filters cannot be combined');
  }
  const filter: InstanceFilter = ids
    ? { withFailedLaunches: true, instanceIds: ids }
    : p.Filters
      ? instanceFilter(deps, caller, p.Filters)
      : { withFailedLaunches: true };
  return describeInstances(deps, caller, { filter, page: pageOf(p) });
}

export default defineAction({
  product: 'cvm',
  name: 'DescribeInstances',
  summary:
    'List instances by ids or by filters (zone, vpc-id, instance-state, private-ip-address…), newest first; unknown ids are simply absent',
  async: false,
  params: {
    InstanceIds: list(id('ins').required(), { max: 100 }),
    Filters: INSTANCE_FILTERS,
    ...paging(),
  },
  codes: [
    'InvalidFilter',
    'InvalidFilterValue.LimitExceeded',
    'InvalidInstanceId.Malformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.IPAddressMalformed',
    'InvalidParameterValue.VpcIdMalformed',
    'InvalidParameterValue.SubnetIdMalformed',
    'InvalidParameterValue.InvalidTimeFormat',
    'InvalidSgId.Malformed',
    'InvalidZone.MismatchRegion',
  ],
  async handle({ deps, caller }, p) {
    const page = await listInstances3(deps, caller, p);
    return { TotalCount: page.total, InstanceSet: page.items.map((v) => instanceToWire(v, deps.catalogue)) };
  },
});
