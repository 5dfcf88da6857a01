import type { Queryable } from '../store/db.ts';
import {
  countEnisInVpc,
  enisOfInstance,
  findEni,
  insertEni,
  listEnis,
  macInUse,
  updateEni,
  type EniFilter,
} from '../store/eni.repo.ts';
import { findInstance } from '../store/instance.repo.ts';
import { countIpsOfEni, insertIp, ipsOfEnis } from '../store/ip.repo.ts';
import { bindSecurityGroups, findSecurityGroup, securityGroupsOfEnis } from '../store/sg.repo.ts';
import { findSubnet } from '../store/subnet.repo.ts';
import { withTask, type Deps } from './deps.ts';
import { fail } from './errors.ts';
import { checkRequestedIps, pickFreeIps } from './ip-allocation.ts';
import { instanceLimits, MAX_IPS_UNATTACHED_ENI } from './limits.ts';
import {
  InstanceStatus,
  type Caller,
  type Eni,
  type Instance,
  type OrderDirection,
  type Page,
  type PrivateIp,
  type SecurityGroup,
  type Subnet,
} from './model.ts';
import { requireSubnet } from './subnet.service.ts';
import { requireVpc } from './vpc.service.ts';

// The ENI rules. Every check runs synchronously, in the order DECISIONS.md §4 gives, inside the
// transaction that then changes state and creates the task. Row locks are taken ENI first, then
// instances, so two operations on one ENI or one instance are serialised by the database.

export async function requireEni(
  q: Queryable,
  caller: Caller,
  vpcId: string,
  eniId: string,
  lock = false,
): Promise<Eni> {
  const eni = await findEni(q, caller, vpcId, eniId, lock);
  if (!eni) fail('InvalidNetworkInterface.NotFound', `ENI ${eniId} does not exist in VPC ${vpcId}`);
  return eni;
}

export async function requireInstance(
  q: Queryable,
  caller: Caller,
  instanceId: string,
  lock = false,
): Promise<Instance> {
  const instance = await findInstance(q, caller, instanceId, lock);
  if (!instance) fail('InvalidInstance.NotFound', `instance ${instanceId} does not exist`);
  return instance;
}

export async function requireSecurityGroups(
  q: Queryable,
  caller: Caller,
  sgIds: readonly string[],
): Promise<SecurityGroup[]> {
  const out: SecurityGroup[] = [];
  for (const sgId of sgIds) {
    if (out.some((g) => g.id === sgId))
      fail('InvalidParameterValue', `security group ${sgId} is listed twice in sgIds`);
    const sg = await findSecurityGroup(q, caller, sgId, true);
    if (!sg) fail('InvalidSecurityGroup.NotFound', `security group ${sgId} does not exist`);
    out.push(sg);
  }
  return out;
}

/** An ENI with a task in flight answers ActionLocked to everything else. */
export function requireIdle(eni: Eni): void {
  if (eni.taskId !== null)
    fail('ActionLocked', `ENI ${eni.id} is busy with task ${eni.taskId}; retry when it has finished`);
}

export function requireSecondary(eni: Eni, what: string): void {
  if (eni.primary) fail('InvalidNetworkInterface.IsPrimary', `ENI ${eni.id} is a primary ENI and cannot be ${what}`);
}

/** An instance can take ENI changes only while it is running or stopped. */
export function requireSteadyInstance(instance: Instance): void {
  if (instance.status !== InstanceStatus.RUNNING && instance.status !== InstanceStatus.STOPPED) {
    fail(
      'UnsupportedOperation.InvalidState',
      `instance ${instance.id} is in status ${instance.status}; it must be running (2) or stopped (4)`,
    );
  }
}

/**
 * Whether `instance` may take `eni`: in the ENI's VPC and zone, below its ENI limit, and able to
 * carry the ENI's private IPs.
 */
export async function requireCanHold(q: Queryable, instance: Instance, eni: Eni, subnet: Subnet): Promise<void> {
  requireSteadyInstance(instance);
  if (instance.vpcId !== eni.vpcId) {
    fail(
      'UnsupportedOperation.VpcMismatch',
      instance.vpcId === null
        ? `instance ${instance.id} is in the classic network, not in VPC ${eni.vpcId}`
        : `instance ${instance.id} is in VPC ${instance.vpcId}, not in the ENI's VPC ${eni.vpcId}`,
    );
  }
  if (instance.zoneId !== subnet.zoneId) {
    fail(
      'UnsupportedOperation.ZoneMismatch',
      `instance ${instance.id} is in zone ${instance.zoneId}, the ENI's subnet in zone ${subnet.zoneId}`,
    );
  }
  const limits = instanceLimits(instance.cpu, instance.mem);
  const held = await enisOfInstance(q, instance.id);
  if (held.filter((e) => e.id !== eni.id).length >= limits.enis) {
    fail(
      'LimitExceeded',
      `instance ${instance.id} (${instance.cpu} cores, ${instance.mem} GB) already holds its maximum of ${limits.enis} ENIs`,
    );
  }
  const ips = await countIpsOfEni(q, eni.id);
  if (ips > limits.ipsPerEni) {
    fail(
      'PrivateIpAddressLimitExceeded',
      `ENI ${eni.id} holds ${ips} private IPs; instance ${instance.id} allows ${limits.ipsPerEni} per ENI`,
    );
  }
}

export async function subnetOf(q: Queryable, caller: Caller, eni: Eni): Promise<Subnet> {
  return (await findSubnet(q, caller, eni.vpcId, eni.subnetId))!;
}

/** The private-IP ceiling of an ENI: its instance's per-ENI figure while attached, else 30. */
export async function ipLimitOf(q: Queryable, caller: Caller, eni: Eni): Promise<number> {
  if (eni.instanceId === null) return MAX_IPS_UNATTACHED_ENI;
  const instance = await findInstance(q, caller, eni.instanceId);
  return instance ? instanceLimits(instance.cpu, instance.mem).ipsPerEni : MAX_IPS_UNATTACHED_ENI;
}

/** A unique MAC; the unique index is the last word, this keeps collisions from reaching it. */
export async function freshMac(q: Queryable, deps: Deps): Promise<string> {
  for (;;) {
    const mac = deps.ids.mac();
    if (!(await macInUse(q, mac))) return mac;
  }
}

export interface CreateEniInput {
  vpcId: string;
  subnetId: string;
  name: string;
  description: string;
  ips: Array<{ ip: string; primary: boolean }>;
  secondaryCount: number;
  sgIds: string[];
}

export async function createNetworkInterface(deps: Deps, caller: Caller, input: CreateEniInput) {
  const primaries = input.ips.filter((i) => i.primary);
  if (primaries.length > 1) fail('InvalidParameterValue', 'privateIpAddressSet names more than one primary IP');
  return withTask(deps, caller.appId, 'CreateNetworkInterface', async (tx, now) => {
    await requireVpc(tx, caller, input.vpcId, true);
    const subnet = await requireSubnet(tx, caller, input.vpcId, input.subnetId, true);
    await requireSecurityGroups(tx, caller, input.sgIds);
    // Listed addresses first (the flagged one is primary); without a flagged one the system picks
    // the primary, and every listed address is a secondary.
    // DECISIONS §4: the IP limit answers before the IP rules (in use, not in subnet) and quotas.
    const total = input.ips.length + input.secondaryCount + (primaries.length ? 0 : 1);
    if (total > MAX_IPS_UNATTACHED_ENI) {
      fail(
        'PrivateIpAddressLimitExceeded',
        `an ENI may hold at most ${MAX_IPS_UNATTACHED_ENI} private IPs (asked for ${total})`,
      );
    }
    const requested = await checkRequestedIps(
      tx,
      subnet,
      input.ips.map((i) => i.ip),
      (n) => `privateIpAddressSet.${n}.privateIpAddress`,
    );
    if ((await countEnisInVpc(tx, input.vpcId)) >= deps.config.quotas.enisPerVpc) {
      fail(
        'NetworkInterfaceLimitExceeded',
        `VPC ${input.vpcId} already holds ${deps.config.quotas.enisPerVpc} ENIs, the quota`,
      );
    }
    const picked = await pickFreeIps(tx, subnet, total - requested.length, requested);
    const ips: Array<{ ip: number; primary: boolean }> = primaries.length
      ? input.ips
          .map((i, n) => ({ ip: requested[n]!, primary: i.primary }))
          .concat(picked.map((ip) => ({ ip, primary: false })))
      : [
          { ip: picked[0]!, primary: true },
          ...requested.map((ip) => ({ ip, primary: false })),
          ...picked.slice(1).map((ip) => ({ ip, primary: false })),
        ];
    const eniId = deps.ids.id('eni');
    const mac = await freshMac(tx, deps);
    return {
      payload: { eniId },
      result: { networkInterfaceId: eniId },
      apply: async (taskId) => {
        await insertEni(tx, {
          id: eniId,
          appId: caller.appId,
          region: caller.region,
          vpcId: input.vpcId,
          subnetId: subnet.id,
          name: input.name,
          description: input.description,
          mac,
          primary: false,
          state: 'PENDING',
          instanceId: null,
          attachTime: null,
          targetInstanceId: null,
          taskId,
          createdAt: now,
        });
        for (const ip of ips) {
          await insertIp(tx, {
            subnetId: subnet.id,
            ip: ip.ip,
            eniId,
            primary: ip.primary,
            state: 'ASSIGNED',
            description: '',
          });
        }
        await bindSecurityGroups(tx, eniId, input.sgIds);
      },
    };
  });
}

export async function deleteNetworkInterface(deps: Deps, caller: Caller, input: { vpcId: string; eniId: string }) {
  return withTask(deps, caller.appId, 'DeleteNetworkInterface', async (tx) => {
    await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.vpcId, input.eniId, true);
    requireIdle(eni);
    requireSecondary(eni, 'deleted; it goes with its instance');
    if (eni.instanceId !== null) {
      fail('InvalidNetworkInterface.CanNotDelete', `ENI ${eni.id} is attached to ${eni.instanceId}; detach it first`);
    }
    return {
      payload: { eniId: eni.id },
      result: {},
      apply: (taskId) => updateEni(tx, eni.id, { state: 'DELETING', taskId }),
    };
  });
}

export async function attachNetworkInterface(
  deps: Deps,
  caller: Caller,
  input: { vpcId: string; eniId: string; instanceId: string },
) {
  return withTask(deps, caller.appId, 'AttachNetworkInterface', async (tx) => {
    await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.vpcId, input.eniId, true);
    const instance = await requireInstance(tx, caller, input.instanceId, true);
    requireIdle(eni);
    requireSecondary(eni, 'attached');
    if (eni.instanceId !== null) {
      fail('InvalidNetworkInterface.AlreadyAssociated', `ENI ${eni.id} is already attached to ${eni.instanceId}`);
    }
    await requireCanHold(tx, instance, eni, await subnetOf(tx, caller, eni));
    return {
      payload: { eniId: eni.id, instanceId: instance.id },
      result: {},
      apply: (taskId) => updateEni(tx, eni.id, { state: 'ATTACHING', targetInstanceId: instance.id, taskId }),
    };
  });
}

export async function detachNetworkInterface(
  deps: Deps,
  caller: Caller,
  input: { vpcId: string; eniId: string; instanceId: string },
) {
  return withTask(deps, caller.appId, 'DetachNetworkInterface', async (tx) => {
    await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.vpcId, input.eniId, true);
    const instance = await requireInstance(tx, caller, input.instanceId, true);
    requireIdle(eni);
    requireSecondary(eni, 'detached');
    if (eni.instanceId !== instance.id) {
      fail('InvalidNetworkInterface.NotAttached', `ENI ${eni.id} is not attached to ${instance.id}`);
    }
    requireSteadyInstance(instance);
    return {
      payload: { eniId: eni.id, instanceId: instance.id },
      result: {},
      apply: (taskId) => updateEni(tx, eni.id, { state: 'DETACHING', taskId }),
    };
  });
}

export interface EniView {
  eni: Eni;
  ips: PrivateIp[];
  groups: SecurityGroup[];
  zoneId: number;
  vpcName: string;
}

export async function describeNetworkInterfaces(
  deps: Deps,
  caller: Caller,
  input: EniFilter & { orderField: 'createTime' | 'eniName'; orderDirection: OrderDirection } & Page,
): Promise<{ total: number; items: EniView[] }> {
  const q = deps.db;
  if (input.vpcId !== undefined) await requireVpc(q, caller, input.vpcId);
  const { orderField, orderDirection, offset, limit, ...filter } = input;
  const page = await listEnis(q, caller, filter, { field: orderField, direction: orderDirection }, { offset, limit });
  // An id that names no ENI (of this account, region and, when given, VPC) is NotFound; one that
  // exists but fails the other filters gives an empty page.
  if (input.eniId !== undefined && page.total === 0 && !(await findEniAnywhere(q, caller, input.eniId, input.vpcId))) {
    fail('InvalidNetworkInterface.NotFound', `ENI ${input.eniId} does not exist`);
  }
  const ids = page.items.map((e) => e.id);
  const [ips, groups] = await Promise.all([ipsOfEnis(q, ids), securityGroupsOfEnis(q, ids)]);
  const subnets = new Map<string, Subnet>();
  const vpcNames = new Map<string, string>();
  const items: EniView[] = [];
  for (const eni of page.items) {
    if (!subnets.has(eni.subnetId)) subnets.set(eni.subnetId, await subnetOf(q, caller, eni));
    if (!vpcNames.has(eni.vpcId)) vpcNames.set(eni.vpcId, (await requireVpc(q, caller, eni.vpcId)).name);
    items.push({
      eni,
      // Describe shows committed state: addresses still being assigned are not there yet.
      ips: ips.filter((i) => i.eniId === eni.id && i.state !== 'ASSIGNING'),
      groups: groups.filter((g) => g.eniId === eni.id),
      zoneId: subnets.get(eni.subnetId)!.zoneId,
      vpcName: vpcNames.get(eni.vpcId)!,
    });
  }
  return { total: page.total, items };
}

async function findEniAnywhere(q: Queryable, caller: Caller, eniId: string, vpcId?: string): Promise<boolean> {
  const page = await listEnis(
    q,
    caller,
    { eniId, vpcId },
    { field: 'createTime', direction: 'desc' },
    { offset: 0, limit: 1 },
  );
  return page.total > 0;
}

/** Renames or re-describes an ENI; synchronous, and like every ENI operation refused while a task holds it. */
export async function modifyNetworkInterface(
  deps: Deps,
  caller: Caller,
  input: { vpcId: string; eniId: string; name?: string; description?: string },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.vpcId, input.eniId, true);
    requireIdle(eni);
    await updateEni(tx, eni.id, { name: input.name, description: input.description });
  });
}
