import type { Queryable } from '../store/db.ts';
import { countEnisInVpc, enisOfInstance, insertEni, primaryIpsOfInstances } from '../store/eni.repo.ts';
import { insertInstance, listInstances, setInstanceStatus } from '../store/instance.repo.ts';
import { insertIp } from '../store/ip.repo.ts';
import { bindSecurityGroups } from '../store/sg.repo.ts';
import { withTask, type Deps, type TaskType } from './deps.ts';
import { requireInstance, requireSecurityGroups, freshMac } from './eni.service.ts';
import { fail } from './errors.ts';
import { checkRequestedIps, pickFreeIps } from './ip-allocation.ts';
import { InstanceStatus, type Caller, type Instance, type Page } from './model.ts';
import { requireSubnet } from './subnet.service.ts';
import { requireVpc } from './vpc.service.ts';

// The CVM subset (DECISIONS.md §7): just enough instance lifecycle to exercise the ENI rules.

export interface RunInstancesInput {
  zone: string;
  cpu: number;
  mem: number;
  vpcId?: string;
  subnetId?: string;
  name: string;
  count: number;
  privateIpAddress?: string;
  sgIds: string[];
}

export async function runInstances(deps: Deps, caller: Caller, input: RunInstancesInput) {
  if ((input.vpcId === undefined) !== (input.subnetId === undefined)) {
    fail(
      'InvalidParameter',
      'parameters vpcId and subnetId go together: give both for a VPC instance, neither for the classic network',
    );
  }
  const classic = input.vpcId === undefined;
  if (classic && input.privateIpAddress !== undefined) {
    fail('InvalidParameter', 'parameter privateIpAddress needs vpcId and subnetId');
  }
  if (classic && input.sgIds.length > 0) fail('InvalidParameter', 'parameter sgIds needs vpcId and subnetId');
  if (input.privateIpAddress !== undefined && input.count > 1) {
    fail('InvalidParameterValue', 'parameter privateIpAddress can be given only with goodsNum 1');
  }
  const zone = deps.catalogue.zone(deps.catalogue.region(caller.region)!, input.zone);
  if (!zone) fail('InvalidZone.NotFound', `zone ${input.zone} does not exist in ${caller.region}`);

  return withTask(deps, caller.appId, 'RunInstances', async (tx, now) => {
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
    }));
    let primaryEnis: Array<{ eniId: string; mac: string; ip: number }> = [];
    let subnetId = '';
    if (!classic) {
      await requireVpc(tx, caller, input.vpcId!, true);
      const subnet = await requireSubnet(tx, caller, input.vpcId!, input.subnetId!, true);
      subnetId = subnet.id;
      await requireSecurityGroups(tx, caller, input.sgIds);
      if (subnet.zoneId !== zone.id) {
        fail('UnsupportedOperation.ZoneMismatch', `subnet ${subnet.id} is in zone ${subnet.zoneId}, not in ${zone.id}`);
      }
      const requested = await checkRequestedIps(
        tx,
        subnet,
        input.privateIpAddress ? [input.privateIpAddress] : [],
        () => 'privateIpAddress',
      );
      if ((await countEnisInVpc(tx, subnet.vpcId)) + input.count > deps.config.quotas.enisPerVpc) {
        fail(
          'NetworkInterfaceLimitExceeded',
          `VPC ${subnet.vpcId} would exceed its quota of ${deps.config.quotas.enisPerVpc} ENIs`,
        );
      }
      const ips = requested.length ? requested : await pickFreeIps(tx, subnet, input.count);
      primaryEnis = [];
      for (const ip of ips) primaryEnis.push({ eniId: deps.ids.id('eni'), mac: await freshMac(tx, deps), ip });
    }
    return {
      payload: { instanceIds: ids },
      result: { instanceIds: ids },
      apply: async (taskId) => {
        for (const [n, instance] of instances.entries()) {
          await insertInstance(tx, instance);
          const primary = primaryEnis[n];
          if (!primary) continue;
          await insertEni(tx, {
            id: primary.eniId,
            appId: caller.appId,
            region: caller.region,
            vpcId: instance.vpcId!,
            subnetId,
            name: `${instance.name || instance.id}-primary`,
            description: `primary ENI of ${instance.id}`,
            mac: primary.mac,
            primary: true,
            state: 'PENDING',
            instanceId: null,
            attachTime: null,
            targetInstanceId: instance.id,
            taskId,
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
  });
}

const LIFECYCLE: Record<
  'StartInstances' | 'StopInstances' | 'TerminateInstances',
  { from: readonly number[]; via: number; verb: string }
> = {
  StartInstances: { from: [InstanceStatus.STOPPED], via: InstanceStatus.STARTING, verb: 'started' },
  StopInstances: { from: [InstanceStatus.RUNNING], via: InstanceStatus.STOPPING, verb: 'stopped' },
  TerminateInstances: {
    from: [InstanceStatus.RUNNING, InstanceStatus.STOPPED],
    via: InstanceStatus.TERMINATING,
    verb: 'terminated',
  },
};

/** Start, stop or terminate several instances as one task. */
export async function changeInstances(
  deps: Deps,
  caller: Caller,
  type: Extract<TaskType, 'StartInstances' | 'StopInstances' | 'TerminateInstances'>,
  instanceIds: string[],
) {
  const rule = LIFECYCLE[type];
  const unique = [...new Set(instanceIds)];
  if (unique.length !== instanceIds.length)
    fail('InvalidParameterValue', 'parameter instanceIds lists an instance twice');
  return withTask(deps, caller.appId, type, async (tx) => {
    // Locks in id order, so two batches over the same instances cannot deadlock.
    const sorted = [...unique].sort();
    const instances: Instance[] = [];
    for (const id of sorted) instances.push(await requireInstance(tx, caller, id, true));
    for (const instance of instances) await requireNoEniTask(tx, instance);
    for (const instance of instances) {
      if (!rule.from.includes(instance.status)) {
        fail(
          'UnsupportedOperation.InvalidState',
          `instance ${instance.id} is in status ${instance.status} and cannot be ${rule.verb}`,
        );
      }
    }
    return {
      payload: { instanceIds: sorted, previous: instances.map((i) => i.status) },
      result: {},
      apply: async () => {
        for (const instance of instances) await setInstanceStatus(tx, instance.id, rule.via);
      },
    };
  });
}

async function requireNoEniTask(q: Queryable, instance: Instance): Promise<void> {
  // A PENDING ENI on an instance is its primary, being created with it: that is the instance's own
  // transition (status 3), which answers InvalidState below, not ActionLocked.
  const busy = (await enisOfInstance(q, instance.id)).find((e) => e.taskId !== null && e.state !== 'PENDING');
  if (busy) fail('ActionLocked', `instance ${instance.id} has an ENI task in flight (${busy.id}, task ${busy.taskId})`);
}

export async function describeInstances(
  deps: Deps,
  caller: Caller,
  input: { instanceIds: string[]; status?: number; zoneId?: string; searchWord?: string } & Page,
): Promise<{ total: number; items: Array<{ instance: Instance; lanIp: number | null }> }> {
  let zoneId: number | undefined;
  if (input.zoneId !== undefined) {
    const zone = deps.catalogue.zone(deps.catalogue.region(caller.region)!, input.zoneId);
    if (!zone) fail('InvalidZone.NotFound', `zone ${input.zoneId} does not exist in ${caller.region}`);
    zoneId = zone.id;
  }
  const page = await listInstances(deps.db, caller, { ...input, zoneId }, input);
  const ips = await primaryIpsOfInstances(
    deps.db,
    page.items.map((i) => i.id),
  );
  return {
    total: page.total,
    items: page.items.map((instance) => ({
      instance,
      lanIp: ips.find((p) => p.instanceId === instance.id)?.ip ?? null,
    })),
  };
}
