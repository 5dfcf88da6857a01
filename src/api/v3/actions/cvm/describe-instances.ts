import { parseIp } from '../../../../domain/cidr.ts';
import { describeInstances, type InstanceView } from '../../../../domain/instance.service.ts';
import { InstanceStatus, type InstanceStateName } from '../../../../domain/model.ts';
import { callerRegion } from '../../../../domain/lookup.ts';
import { defineAction, pageOf, paging } from '../../action.ts';
import { ProtocolError } from '../../handler.ts';
import { filters, id, list, type Filters } from '../../schema.ts';
import { instanceToWire, isoTime } from './instance.wire.ts';
import type { Deps } from '../../../../domain/deps.ts';
import type { Caller } from '../../../../domain/model.ts';

const FILTER_NAMES = [
  'zone',
  'project-id',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'uuid',
  'security-group-id',
  'instance-name',
  'instance-charge-type',
  'instance-state',
  'private-ip-address',
  'public-ip-address',
  'ipv6-address',
  'host-id',
  'dedicated-cluster-id',
  'tag-key',
  'tag-value',
  'creation-start-time',
  'creation-end-time',
];

/** The most a listing reads before filtering the rest in memory (CVM accounts are small). */
const SCAN = 10_000;

const STATES: Record<string, InstanceStateName> = {
  PENDING: 'CREATING',
  LAUNCH_FAILED: 'LAUNCH_FAILED',
  RUNNING: 'RUNNING',
  STOPPED: 'STOPPED',
  STARTING: 'STARTING',
  STOPPING: 'STOPPING',
  REBOOTING: 'REBOOTING',
  TERMINATING: 'TERMINATING',
};

function checkValues(f: Filters): void {
  for (const v of f.get('instance-id') ?? []) id('ins').required().read(v, 'Filters.instance-id');
  for (const v of f.get('vpc-id') ?? []) id('vpc').required().read(v, 'Filters.vpc-id');
  for (const v of f.get('subnet-id') ?? []) id('subnet').required().read(v, 'Filters.subnet-id');
  for (const v of f.get('security-group-id') ?? []) id('sg').required().read(v, 'Filters.security-group-id');
  for (const v of f.get('private-ip-address') ?? []) {
    if (parseIp(v) === null)
      throw new ProtocolError(
        'InvalidParameterValue.IPAddressMalformed',
        `filter private-ip-address: ${v} is not an IPv4 address`,
      );
  }
  for (const name of ['creation-start-time', 'creation-end-time']) {
    for (const v of f.get(name) ?? []) {
      if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(v)) {
        throw new ProtocolError(
          'InvalidParameterValue.InvalidTimeFormat',
          `filter ${name}: ${v} is not YYYY-MM-DD HH:MM:SS`,
        );
      }
    }
  }
}

/** Whether an instance passes the filters SQL did not apply. */
function passes(v: InstanceView, f: Filters): boolean {
  const a = v.instance.attributes as { uuid?: string; projectId?: number; chargeType?: string };
  const any = (name: string, test: (value: string) => boolean) => !f.has(name) || f.get(name)!.some(test);
  const beijing = (text: string) => Date.parse(text.replace(' ', 'T') + '+08:00');
  const nothing = ['public-ip-address', 'ipv6-address', 'host-id', 'dedicated-cluster-id', 'tag-key', 'tag-value'];
  return (
    nothing.every((n) => !f.has(n)) &&
    [...f.keys()].every((n) => !n.startsWith('tag:')) &&
    any('uuid', (x) => x === a.uuid) &&
    any('project-id', (x) => Number(x) === (a.projectId ?? 0)) &&
    any('instance-charge-type', (x) => x === (a.chargeType ?? 'POSTPAID_BY_HOUR')) &&
    any('security-group-id', (x) => v.sgIds.includes(x)) &&
    any('private-ip-address', (x) => v.lanIp !== null && parseIp(x) === v.lanIp) &&
    any('creation-start-time', (x) => v.instance.createdAt >= beijing(x)) &&
    any('creation-end-time', (x) => v.instance.createdAt <= beijing(x))
  );
}

/** Instances by ids or filters; unknown ids are simply absent (CVM's rule). */
export async function listInstances3(
  deps: Deps,
  caller: Caller,
  p: { InstanceIds?: string[]; Filters?: Filters; Offset: number; Limit: number },
) {
  const f = p.Filters ?? new Map<string, string[]>();
  if (p.InstanceIds?.length && f.size) {
    throw new ProtocolError('InvalidParameter', 'parameters InstanceIds and Filters cannot be given together');
  }
  checkValues(f);
  const region = callerRegion(deps, caller);
  const zones = f.get('zone')?.map((z) => {
    const zone = deps.catalogue.zone(region, z);
    if (!zone)
      throw new ProtocolError('InvalidZone.MismatchRegion', `filter zone: ${z} is not a zone of ${region.name}`);
    return zone.id;
  });
  const states = f
    .get('instance-state')
    ?.map((s) => STATES[s])
    .filter((s) => s !== undefined);
  const sqlFilter = {
    instanceIds: p.InstanceIds?.length ? p.InstanceIds : f.get('instance-id'),
    zoneIds: zones,
    vpcIds: f.get('vpc-id'),
    subnetIds: f.get('subnet-id'),
    names: f.get('instance-name'),
    statuses: states?.map((s) => InstanceStatus[s]),
  };
  const inMemory = [...f.keys()].some(
    (k) => !['instance-id', 'zone', 'vpc-id', 'subnet-id', 'instance-name', 'instance-state'].includes(k),
  );
  if (!inMemory) return describeInstances(deps, caller, { filter: sqlFilter, page: pageOf(p) });
  const all = await describeInstances(deps, caller, { filter: sqlFilter, page: { offset: 0, limit: SCAN } });
  const kept = all.items.filter((v) => passes(v, f));
  return { total: kept.length, items: kept.slice(p.Offset, p.Offset + p.Limit) };
}

export const INSTANCE_FILTERS = filters({ names: FILTER_NAMES, tagPrefix: true, maxFilters: 10, maxValues: 5 });

export default defineAction({
  product: 'cvm',
  name: 'DescribeInstances',
  summary: 'List instances by ids or filters, newest first; unknown ids are simply absent',
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
    'InvalidSgId.Malformed',
    'InvalidZone.MismatchRegion',
    'InvalidParameterValue.InvalidTimeFormat',
  ],
  async handle({ deps, caller }, p) {
    const page = await listInstances3(deps, caller, p);
    return { TotalCount: page.total, InstanceSet: page.items.map((v) => instanceToWire(v, deps.catalogue)) };
  },
});

export { isoTime };
