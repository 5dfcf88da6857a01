import type { Queryable } from '../store/db.ts';
import { countEnisInVpc, enisOfInstance, insertEni, primaryIpsOfInstances } from '../store/eni.repo.ts';
import {
  findInstance,
  insertInstance,
  listInstances,
  mergeInstanceAttributes,
  setInstanceStatus,
  setLatestOperation,
  type InstanceFilter,
  type Visibility,
} from '../store/instance.repo.ts';
import { insertIp } from '../store/ip.repo.ts';
import { bindSecurityGroups, securityGroupsOfEnis } from '../store/sg.repo.ts';
import { putTags, tagsOf } from '../store/tag.repo.ts';
import { withTask, type Deps } from './deps.ts';
import { freshMac } from './eni.service.ts';
import { fail, notFound } from './errors.ts';
import { checkRequestedIps, pickFreeIps, requireDistinctIps } from './ip-allocation.ts';
import { primaryEniName } from './limits.ts';
import { requireDistinct, requireSecurityGroups, requireSubnet, requireVpc, requireZone } from './lookup.ts';
import { tasksByRequestIds } from '../store/task.repo.ts';
import {
  InstanceStatus,
  instanceStateName,
  type Caller,
  type Instance,
  type Page,
  type Tag,
  type Task,
} from './model.ts';
import { checkTags } from './tag.service.ts';

// The CVM subset: just enough instance lifecycle to exercise the ENI rules.

export interface RunInstancesInput {
  zone: string;
  cpu: number;
  mem: number;
  /** API 3.0 type name ('' from v2, which gives cpu and mem only). */
  instanceType?: string;
  imageId?: string;
  attributes?: Record<string, unknown>;
  vpcId?: string;
  subnetId?: string;
  name: string;
  count: number;
  /** Caller-chosen primary IPs, one per instance. */
  privateIps: string[];
  sgIds: string[];
  /** Run every check, create nothing (API 3.0 DryRun). */
  dryRun?: boolean;
  /** Tags of every new instance (API 3.0). */
  tags?: Tag[];
}

/** Checks that need nothing but the request. */
function checkRunInput(input: RunInstancesInput): void {
  if ((input.vpcId === undefined) !== (input.subnetId === undefined)) {
    fail('invalidParameter', 'go together with vpcId: give both for a VPC instance, neither for the classic network', {
      field: 'subnetId',
      reason: 'missing',
    });
  }
  const classic = input.vpcId === undefined;
  if (classic && input.privateIps.length > 0) {
    fail('invalidParameter', 'needs vpcId and subnetId', { field: 'privateIps', reason: 'combination' });
  }
  if (classic && input.sgIds.length > 0) {
    fail('invalidParameter', 'needs vpcId and subnetId', { field: 'sgIds', reason: 'combination' });
  }
  if (input.privateIps.length > 0 && input.privateIps.length !== input.count) {
    fail('invalidValue', `gives ${input.privateIps.length} addresses for ${input.count} instances`, {
      field: 'privateIps',
      reason: 'combination',
    });
  }
  requireDistinct(input.sgIds, 'sgIds', 'security group');
  requireDistinctIps(input.privateIps, (n) => `privateIps.${n}`);
  checkTags(input.tags ?? []);
}

export async function runInstances(deps: Deps, caller: Caller, input: RunInstancesInput) {
  checkRunInput(input);
  const zone = requireZone(deps, caller, input.zone);
  const classic = input.vpcId === undefined;

  return withTask(
    deps,
    caller,
    'RunInstances',
    async (tx, now) => {
      const ids = Array.from({ length: input.count }, () => deps.ids.id('ins'));
      const instances: Instance[] = ids.map((id) => ({
        id,
        appId: caller.appId,
        region: caller.region,
        zoneId: zone.id,
        name: input.name,
        cpu: input.cpu,
        mem: input.mem,
        vpcId: input.vpcId ?? null,
        subnetId: input.subnetId ?? null,
        status: InstanceStatus.CREATING,
        createdAt: now,
        instanceType: input.instanceType ?? '',
        imageId: input.imageId ?? '',
        attributes: { ...input.attributes, uuid: deps.ids.uuid() },
        latestOperation: 'RunInstances',
        latestRequestId: caller.requestId,
      }));
      let primaryEnis: Array<{ eniId: string; mac: string; ip: number }> = [];
      let subnetId = '';
      if (!classic) {
        await requireVpc(tx, caller, input.vpcId!, true);
        const subnet = await requireSubnet(tx, caller, input.subnetId!, { lock: true });
        if (subnet.vpcId !== input.vpcId) {
          // Not found as v2 sees it; a mismatch of the two ids for protocols that tell them apart.
          fail('notFound', `subnet ${subnet.id} is not in VPC ${input.vpcId}`, {
            resource: 'subnet',
            reason: 'combination',
          });
        }
        subnetId = subnet.id;
        await requireSecurityGroups(tx, caller, input.sgIds);
        if (subnet.zoneId !== zone.id) {
          fail('zoneMismatch', `subnet ${subnet.id} is in zone ${subnet.zoneId}, not in ${zone.id}`);
        }
        const requested = await checkRequestedIps(tx, subnet, input.privateIps, (n) => `privateIps.${n}`);
        if ((await countEnisInVpc(tx, subnet.vpcId)) + input.count > deps.config.quotas.enisPerVpc) {
          fail('eniQuota', `VPC ${subnet.vpcId} would exceed its quota of ${deps.config.quotas.enisPerVpc} ENIs`);
        }
        const ips = requested.length ? requested : await pickFreeIps(tx, subnet, input.count);
        primaryEnis = [];
        for (const ip of ips) primaryEnis.push({ eniId: deps.ids.id('eni'), mac: await freshMac(tx, deps), ip });
      }
      return {
        payload: { instanceIds: ids },
        // A dry run creates nothing, so it names nothing.
        result: { instanceIds: input.dryRun ? [] : ids },
        apply: async (taskId) => {
          for (const [n, instance] of instances.entries()) {
            await insertInstance(tx, instance);
            const owner = { appId: caller.appId, region: caller.region, type: 'instance' as const, id: instance.id };
            await putTags(tx, owner, input.tags ?? []);
            const primary = primaryEnis[n];
            if (!primary) continue;
            await insertEni(tx, {
              id: primary.eniId,
              appId: caller.appId,
              region: caller.region,
              vpcId: instance.vpcId!,
              subnetId,
              name: primaryEniName(instance),
              description: `primary ENI of ${instance.id}`,
              mac: primary.mac,
              primary: true,
              state: 'PENDING',
              instanceId: null,
              attachTime: null,
              targetInstanceId: instance.id,
              taskId,
              deviceIndex: 0,
              qosLevel: 'DEFAULT',
              createdAt: now,
            });
            await insertIp(tx, {
              subnetId,
              ip: primary.ip,
              eniId: primary.eniId,
              primary: true,
              state: 'ASSIGNED',
              description: '',
            });
            await bindSecurityGroups(tx, primary.eniId, input.sgIds);
          }
        },
      };
    },
    { dryRun: input.dryRun },
  );
}

type Lifecycle = 'StartInstances' | 'StopInstances' | 'RebootInstances' | 'TerminateInstances';

const LIFECYCLE: Record<Lifecycle, { from: readonly number[]; via: number; verb: string }> = {
  StartInstances: { from: [InstanceStatus.STOPPED], via: InstanceStatus.STARTING, verb: 'started' },
  StopInstances: { from: [InstanceStatus.RUNNING], via: InstanceStatus.STOPPING, verb: 'stopped' },
  RebootInstances: { from: [InstanceStatus.RUNNING], via: InstanceStatus.REBOOTING, verb: 'rebooted' },
  TerminateInstances: {
    from: [InstanceStatus.RUNNING, InstanceStatus.STOPPED],
    via: InstanceStatus.TERMINATING,
    verb: 'terminated',
  },
};

export interface ChangeOptions extends Visibility {
  /** Stop: what the stopped instance's billing does, echoed back while it is stopped. */
  stoppedMode?: string;
}

/** Start, stop, reboot or terminate several instances as one task. */
export async function changeInstances(
  deps: Deps,
  caller: Caller,
  type: Lifecycle,
  instanceIds: string[],
  o: ChangeOptions = {},
) {
  const rule = LIFECYCLE[type];
  requireDistinct(instanceIds, 'instanceIds', 'instance');
  return withTask(deps, caller, type, async (tx) => {
    // Locks in id order, so two batches over the same instances cannot deadlock.
    const sorted = [...instanceIds].sort();
    const instances: Instance[] = [];
    for (const id of sorted) {
      const instance = await findInstance(tx, caller, id, true, o);
      if (!instance) notFound('instance', `instance ${id} does not exist`);
      instances.push(instance);
    }
    for (const instance of instances) await requireNoEniTask(tx, instance);
    if (type === 'TerminateInstances') {
      const kept = instances.find((i) => i.attributes.disableApiTermination === true);
      if (kept) fail('instanceProtected', `instance ${kept.id} is protected from termination (DisableApiTermination)`);
    }
    for (const instance of instances) {
      if (!rule.from.includes(instance.status)) {
        const state = instanceStateName(instance.status);
        fail(
          'instanceState',
          `instance ${instance.id} is in status ${instance.status} (${state}) and cannot be ${rule.verb}`,
          { state },
        );
      }
    }
    return {
      payload: { instanceIds: sorted, previous: instances.map((i) => i.status) },
      result: {},
      apply: async () => {
        for (const instance of instances) {
          await setInstanceStatus(tx, instance.id, rule.via);
          await setLatestOperation(tx, instance.id, type, caller.requestId);
          if (type === 'StopInstances') {
            await mergeInstanceAttributes(tx, instance.id, { stoppedMode: o.stoppedMode ?? 'KEEP_CHARGING' });
          }
        }
      },
    };
  });
}

async function requireNoEniTask(q: Queryable, instance: Instance): Promise<void> {
  // A PENDING ENI on an instance is its primary, being created with it: that is the instance's own
  // transition (status 3), which answers instanceState below, not busy.
  const busy = (await enisOfInstance(q, instance.id)).find((e) => e.taskId !== null && e.state !== 'PENDING');
  if (busy) fail('busy', `instance ${instance.id} has an ENI task in flight (${busy.id}, task ${busy.taskId})`);
}

export interface InstanceView {
  instance: Instance;
  /** The task of its latest lifecycle operation, while the database keeps it. */
  latest: Task | undefined;
  /** The VPC and subnet it is in; for a failed launch, the ones it was to be in. Null: classic. */
  network: { vpcId: string; subnetId: string } | null;
  /** The primary IP of its primary ENI; null in the classic network (and once a launch failed). */
  lanIp: number | null;
  /** Its primary ENI's security groups, in binding order. */
  sgIds: string[];
  tags: Tag[];
}

function networkOf(i: Instance): InstanceView['network'] {
  const a = i.attributes as { launchVpcId?: string | null; launchSubnetId?: string | null };
  const vpcId = i.vpcId ?? a.launchVpcId;
  const subnetId = i.subnetId ?? a.launchSubnetId;
  return vpcId && subnetId ? { vpcId, subnetId } : null;
}

export async function describeInstances(
  deps: Deps,
  caller: Caller,
  input: { filter: InstanceFilter; page: Page },
): Promise<{ total: number; items: InstanceView[] }> {
  const page = await listInstances(deps.db, caller, input.filter, input.page);
  const ids = page.items.map((i) => i.id);
  const ips = await primaryIpsOfInstances(deps.db, ids);
  const groups = await securityGroupsOfEnis(
    deps.db,
    ips.map((p) => p.eniId),
  );
  const tags = await tagsOf(deps.db, ids);
  // The tasks of the page's latest operations, in one query (a batch shares one task).
  const requestIds = [...new Set(page.items.flatMap((i) => (i.latestRequestId ? [i.latestRequestId] : [])))];
  const tasks = new Map<string, Task>(
    (await tasksByRequestIds(deps.db, caller.appId, requestIds)).map((t) => [t.requestId!, t]),
  );
  return {
    total: page.total,
    items: page.items.map((instance) => {
      const primary = ips.find((p) => p.instanceId === instance.id);
      return {
        instance,
        latest: instance.latestRequestId ? tasks.get(instance.latestRequestId) : undefined,
        network: networkOf(instance),
        lanIp: primary?.ip ?? null,
        sgIds: groups.filter((g) => g.eniId === primary?.eniId).map((g) => g.id),
        tags: tags.get(instance.id) ?? [],
      };
    }),
  };
}

/** The project an instance is in: 0, the default project, unless its launch named one. */
export function projectOf(instance: Instance): number {
  const project = instance.attributes.projectId;
  return typeof project === 'number' ? project : 0;
}
