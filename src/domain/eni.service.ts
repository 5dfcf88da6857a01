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
import { bindSecurityGroups, replaceSecurityGroups, securityGroupsOfEnis } from '../store/sg.repo.ts';
import { putTags, tagsOf } from '../store/tag.repo.ts';
import { withTask, type Deps } from './deps.ts';
import { fail, notFound } from './errors.ts';
import { checkRequestedIps, pickFreeIps, requireDistinctIps } from './ip-allocation.ts';
import { addressRanges } from './ip-prefix.ts';
import { instanceLimits, MAX_IPS_UNATTACHED_ENI } from './limits.ts';
import {
  requireDistinct,
  requireEni,
  requireInstance,
  requireSecurityGroups,
  requireSubnet,
  requireVpc,
  subnetOf,
} from './lookup.ts';
import {
  InstanceStatus,
  instanceStateName,
  type Caller,
  type Eni,
  type Instance,
  type OrderDirection,
  type Page,
  type PrivateIp,
  type SecurityGroup,
  type Subnet,
  type Tag,
} from './model.ts';
import { checkTags } from './tag.service.ts';

// The ENI rules. Every check runs synchronously, in the documented order (docs/decisions.md),
// inside the transaction that then changes state and creates the task. Row locks are taken ENI
// first, then instances, so two operations on one ENI or one instance are serialised by the
// database. Where a protocol names the VPC of the ENI (v2), `vpcId` narrows every lookup to it.

/** An ENI with a task in flight refuses everything else. */
export function requireIdle(eni: Eni): void {
  if (eni.taskId !== null) fail('busy', `ENI ${eni.id} is busy with task ${eni.taskId}; retry when it has finished`);
}

export function requireSecondary(eni: Eni, what: string): void {
  if (eni.primary) fail('eniIsPrimary', `ENI ${eni.id} is a primary ENI and cannot be ${what}`);
}

/** An instance can take ENI changes only while it is running or stopped. */
export function requireSteadyInstance(instance: Instance): void {
  if (instance.status !== InstanceStatus.RUNNING && instance.status !== InstanceStatus.STOPPED) {
    const state = instanceStateName(instance.status);
    fail(
      'instanceState',
      `instance ${instance.id} is in status ${instance.status} (${state}); it must be running (2) or stopped (4)`,
      { state },
    );
  }
}

/**
 * Whether `instance` may take `eni`: in the ENI's VPC and zone, below its ENI limit, and able to
 * carry the ENI's private IPs. Returns the device index the ENI gets there.
 */
export async function requireCanHold(q: Queryable, instance: Instance, eni: Eni, subnet: Subnet): Promise<number> {
  requireSteadyInstance(instance);
  if (instance.vpcId !== eni.vpcId) {
    fail(
      'vpcMismatch',
      instance.vpcId === null
        ? `instance ${instance.id} is in the classic network, not in VPC ${eni.vpcId}`
        : `instance ${instance.id} is in VPC ${instance.vpcId}, not in the ENI's VPC ${eni.vpcId}`,
    );
  }
  if (instance.zoneId !== subnet.zoneId) {
    fail(
      'zoneMismatch',
      `instance ${instance.id} is in zone ${instance.zoneId}, the ENI's subnet in zone ${subnet.zoneId}`,
    );
  }
  const limits = instanceLimits(instance.cpu, instance.mem);
  const held = (await enisOfInstance(q, instance.id)).filter((e) => e.id !== eni.id);
  if (held.length >= limits.enis) {
    fail(
      'instanceEniLimit',
      `instance ${instance.id} (${instance.cpu} cores, ${instance.mem} GB) already holds its maximum of ${limits.enis} ENIs`,
    );
  }
  const ips = await countIpsOfEni(q, eni.id);
  if (ips > limits.ipsPerEni) {
    fail(
      'eniIpLimit',
      `ENI ${eni.id} holds ${ips} private IPs; instance ${instance.id} allows ${limits.ipsPerEni} per ENI`,
    );
  }
  return lowestFreeDeviceIndex(held);
}

/** The primary ENI is device 0; secondaries take the lowest free index from 1. */
function lowestFreeDeviceIndex(held: readonly Eni[]): number {
  const taken = new Set(held.map((e) => e.deviceIndex));
  let n = 1;
  while (taken.has(n)) n++;
  return n;
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

export interface RequestedIp {
  ip: string;
  primary: boolean;
  description?: string;
}

export interface CreateEniInput {
  vpcId: string;
  subnetId: string;
  name: string;
  description: string;
  ips: RequestedIp[];
  secondaryCount: number;
  sgIds: string[];
  qosLevel?: string;
  /** CreateAndAttachNetworkInterface: the instance the new ENI goes to in the same task. */
  instanceId?: string;
  tags?: Tag[];
}

/** Checks that need nothing but the request (they answer before any lookup). */
function checkCreateInput(input: CreateEniInput): void {
  // Not a repeated value (each flagged address may differ): a rule of the list as a whole.
  if (input.ips.filter((i) => i.primary).length > 1) {
    fail('invalidValue', 'names more than one primary IP', { field: 'ips' });
  }
  requireDistinct(input.sgIds, 'sgIds', 'security group');
  requireDistinctIps(
    input.ips.map((i) => i.ip),
    (n) => `ips.${n}.ip`,
  );
  checkTags(input.tags ?? []);
}

export async function createNetworkInterface(deps: Deps, caller: Caller, input: CreateEniInput) {
  checkCreateInput(input);
  return withTask(
    deps,
    caller,
    input.instanceId === undefined ? 'CreateNetworkInterface' : 'CreateAndAttachNetworkInterface',
    async (tx, now) => {
      const vpc = await requireVpc(tx, caller, input.vpcId, true);
      const subnet = await requireSubnet(tx, caller, input.subnetId, { vpcId: input.vpcId, lock: true });
      const groups = await requireSecurityGroups(tx, caller, input.sgIds);
      const instance =
        input.instanceId === undefined ? undefined : await requireInstance(tx, caller, input.instanceId, true);
      const eniId = deps.ids.id('eni');
      const mac = await freshMac(tx, deps);
      const planned: Eni = {
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
        targetInstanceId: instance?.id ?? null,
        taskId: null,
        deviceIndex: null,
        qosLevel: input.qosLevel ?? 'DEFAULT',
        createdAt: now,
      };
      const deviceIndex = instance ? await requireCanHold(tx, instance, planned, subnet) : null;
      // Listed addresses first (the flagged one is primary); without a flagged one the system picks
      // the primary, and every listed address is a secondary. The IP limit answers before the IP
      // rules (in use, not in subnet) and the quotas.
      const flagged = input.ips.some((i) => i.primary);
      const total = input.ips.length + input.secondaryCount + (flagged ? 0 : 1);
      const limit = instance ? instanceLimits(instance.cpu, instance.mem).ipsPerEni : MAX_IPS_UNATTACHED_ENI;
      if (total > limit) {
        fail(
          'eniIpLimit',
          `an ENI may hold at most ${limit} private IPs${instance ? ` on ${instance.id}` : ''} (asked for ${total})`,
        );
      }
      const requested = await checkRequestedIps(
        tx,
        subnet,
        input.ips.map((i) => i.ip),
        (n) => `ips.${n}.ip`,
      );
      if ((await countEnisInVpc(tx, input.vpcId)) >= deps.config.quotas.enisPerVpc) {
        fail('eniQuota', `VPC ${input.vpcId} already holds ${deps.config.quotas.enisPerVpc} ENIs, the quota`);
      }
      const picked = await pickFreeIps(tx, subnet, total - requested.length, requested);
      const listed = input.ips.map((i, n) => ({
        ip: requested[n]!,
        primary: i.primary,
        description: i.description ?? '',
      }));
      const extra = (ips: number[]) => ips.map((ip) => ({ ip, primary: false, description: '' }));
      const chosen = flagged
        ? [...listed, ...extra(picked)]
        : [{ ip: picked[0]!, primary: true, description: '' }, ...listed, ...extra(picked.slice(1))];
      const ips: PrivateIp[] = chosen.map((c) => ({ subnetId: subnet.id, eniId, state: 'ASSIGNED', ...c }));
      const eni: Eni = { ...planned, deviceIndex };
      // What the ENI will look like, for protocols that answer with the whole object.
      const view: EniView = {
        eni,
        ips,
        groups,
        zoneId: subnet.zoneId,
        vpcName: vpc.name,
        tags: input.tags ?? [],
      };
      return {
        payload: instance ? { eniId, instanceId: instance.id } : { eniId },
        result: { eni, ips, view },
        apply: async (taskId) => {
          await insertEni(tx, { ...planned, taskId, deviceIndex });
          for (const ip of ips) await insertIp(tx, ip);
          await bindSecurityGroups(tx, eniId, input.sgIds);
          await putTags(tx, { appId: caller.appId, region: caller.region, type: 'eni', id: eniId }, input.tags ?? []);
        },
      };
    },
  );
}

export interface EniRef {
  eniId: string;
  /** v2 names the ENI's VPC; an ENI of another VPC is then not found. */
  vpcId?: string;
}

async function lockEni(tx: Queryable, caller: Caller, ref: EniRef): Promise<Eni> {
  const eni = await findEni(tx, caller, ref.eniId, { vpcId: ref.vpcId, lock: true });
  if (eni) return eni; // and so its VPC exists: a VPC with an ENI cannot be deleted
  // Not found: a VPC the caller does not have is the answer that comes first.
  if (ref.vpcId !== undefined) await requireVpc(tx, caller, ref.vpcId);
  return requireEni(tx, caller, ref.eniId, { vpcId: ref.vpcId });
}

export async function deleteNetworkInterface(deps: Deps, caller: Caller, ref: EniRef) {
  return withTask(deps, caller, 'DeleteNetworkInterface', async (tx) => {
    const eni = await lockEni(tx, caller, ref);
    requireIdle(eni);
    requireSecondary(eni, 'deleted; it goes with its instance');
    if (eni.instanceId !== null) fail('eniAttached', `ENI ${eni.id} is attached to ${eni.instanceId}; detach it first`);
    return {
      payload: { eniId: eni.id },
      result: {},
      apply: (taskId) => updateEni(tx, eni.id, { state: 'DELETING', taskId }),
    };
  });
}

export async function attachNetworkInterface(deps: Deps, caller: Caller, input: EniRef & { instanceId: string }) {
  return withTask(deps, caller, 'AttachNetworkInterface', async (tx) => {
    const eni = await lockEni(tx, caller, input);
    const instance = await requireInstance(tx, caller, input.instanceId, true);
    requireIdle(eni);
    requireSecondary(eni, 'attached');
    if (eni.instanceId !== null) fail('eniAlreadyAttached', `ENI ${eni.id} is already attached to ${eni.instanceId}`);
    const deviceIndex = await requireCanHold(tx, instance, eni, await subnetOf(tx, caller, eni));
    return {
      payload: { eniId: eni.id, instanceId: instance.id },
      result: {},
      apply: (taskId) =>
        updateEni(tx, eni.id, { state: 'ATTACHING', targetInstanceId: instance.id, deviceIndex, taskId }),
    };
  });
}

export async function detachNetworkInterface(deps: Deps, caller: Caller, input: EniRef & { instanceId: string }) {
  return withTask(deps, caller, 'DetachNetworkInterface', async (tx) => {
    const eni = await lockEni(tx, caller, input);
    const instance = await requireInstance(tx, caller, input.instanceId, true);
    requireIdle(eni);
    requireSecondary(eni, 'detached');
    if (eni.instanceId !== instance.id) fail('eniNotAttached', `ENI ${eni.id} is not attached to ${instance.id}`);
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
  /** Every address the ENI holds or is being given, primary first; `state` tells which. */
  ips: PrivateIp[];
  groups: SecurityGroup[];
  zoneId: number;
  vpcName: string;
  tags: Tag[];
}

export interface DescribeEnisInput {
  filter: EniFilter;
  /**
   * Holds a private IP found by text: one value is the start of the dotted address unless `exact`;
   * several values are each a whole address. ANDed with `filter`.
   */
  addresses?: { values: readonly string[]; exact: boolean };
  order: { field: 'createdAt' | 'name'; direction: OrderDirection };
  page: Page;
  /** Ids that must name ENIs of the caller (within `mustExist.vpcId` when given), else not found. */
  mustExist?: { vpcId?: string; eniIds?: readonly string[] };
}

export async function describeNetworkInterfaces(
  deps: Deps,
  caller: Caller,
  input: DescribeEnisInput,
): Promise<{ total: number; items: EniView[] }> {
  const q = deps.db;
  const vpcId = input.mustExist?.vpcId;
  if (vpcId !== undefined) await requireVpc(q, caller, vpcId);
  const filter: EniFilter = input.addresses
    ? { ...input.filter, ipRanges: addressRanges(input.addresses.values, input.addresses.exact) }
    : input.filter;
  const page = await listEnis(q, caller, filter, input.order, input.page);
  for (const eniId of input.mustExist?.eniIds ?? []) {
    if (!page.items.some((e) => e.id === eniId)) await requireEni(q, caller, eniId, { vpcId });
  }
  return { total: page.total, items: await viewsOf(deps, caller, page.items) };
}

/** ENIs with their addresses, groups, zone and VPC name, for the protocols to render. */
export async function viewsOf(
  deps: Deps,
  caller: Caller,
  enis: readonly Eni[],
  q: Queryable = deps.db,
): Promise<EniView[]> {
  const ids = enis.map((e) => e.id);
  const [ips, groups, tags] = await Promise.all([ipsOfEnis(q, ids), securityGroupsOfEnis(q, ids), tagsOf(q, ids)]);
  const subnets = new Map<string, Subnet>();
  const vpcNames = new Map<string, string>();
  const items: EniView[] = [];
  for (const eni of enis) {
    if (!subnets.has(eni.subnetId)) subnets.set(eni.subnetId, await subnetOf(q, caller, eni));
    if (!vpcNames.has(eni.vpcId)) vpcNames.set(eni.vpcId, (await requireVpc(q, caller, eni.vpcId)).name);
    items.push({
      eni,
      ips: ips.filter((i) => i.eniId === eni.id),
      groups: groups.filter((g) => g.eniId === eni.id),
      zoneId: subnets.get(eni.subnetId)!.zoneId,
      vpcName: vpcNames.get(eni.vpcId)!,
      tags: tags.get(eni.id) ?? [],
    });
  }
  return items;
}

/** Security groups one ENI may be bound to. */
export const MAX_SECURITY_GROUPS_PER_ENI = 5;

function requireGroupRoom(eni: Eni, sgIds: readonly string[]): void {
  if (sgIds.length > MAX_SECURITY_GROUPS_PER_ENI) {
    fail(
      'invalidValue',
      `ENI ${eni.id} would be bound to ${sgIds.length} security groups; at most ${MAX_SECURITY_GROUPS_PER_ENI} are allowed`,
      { field: 'sgIds', resource: 'securityGroup', reason: 'tooMany' },
    );
  }
}

/**
 * Renames or re-describes an ENI, or replaces its security groups (in the order given; an empty
 * list unbinds all); synchronous, and like every ENI operation refused while a task holds it.
 * Primary ENIs may be changed too (their groups are their instance's).
 */
export async function modifyNetworkInterface(
  deps: Deps,
  caller: Caller,
  input: EniRef & { name?: string; description?: string; sgIds?: string[] },
): Promise<void> {
  if (input.sgIds) requireDistinct(input.sgIds, 'sgIds', 'security group');
  await deps.db.tx(async (tx) => {
    // Groups before the ENI: the documented order of existence checks, and the one lock order
    // (groups, then ENIs) of every action that binds groups to existing ENIs.
    if (input.sgIds) await requireSecurityGroups(tx, caller, input.sgIds);
    const eni = await lockEni(tx, caller, input);
    requireIdle(eni);
    if (input.sgIds) requireGroupRoom(eni, input.sgIds);
    await updateEni(tx, eni.id, { name: input.name, description: input.description });
    if (input.sgIds) await replaceSecurityGroups(tx, eni.id, input.sgIds);
  });
}

/**
 * Row-locks every ENI of `eniIds` (repeats count once), in id order so that two batches never
 * wait for each other in a circle; the first id, in the order given, that names nothing is not
 * found. Returns the ENIs in the order given.
 */
async function lockEnis(tx: Queryable, caller: Caller, eniIds: readonly string[]): Promise<Eni[]> {
  const unique = [...new Set(eniIds)];
  const found = new Map<string, Eni>();
  for (const id of [...unique].sort()) {
    const eni = await findEni(tx, caller, id, { lock: true });
    if (eni) found.set(id, eni);
  }
  return unique.map((id) => found.get(id) ?? notFound('eni', `ENI ${id} does not exist`));
}

/**
 * Binds more security groups to each ENI, after the ones it has (a group it already has keeps its
 * place). All or nothing: one missing, busy or primary ENI, or one that would exceed the groups
 * limit, refuses the whole call.
 */
export async function associateSecurityGroups(
  deps: Deps,
  caller: Caller,
  input: { eniIds: readonly string[]; sgIds: readonly string[] },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    const sgIds = [...new Set(input.sgIds)];
    await requireSecurityGroups(tx, caller, sgIds);
    const enis = await lockEnis(tx, caller, input.eniIds);
    const bound = await securityGroupsOfEnis(
      tx,
      enis.map((e) => e.id),
    );
    const changes: Array<{ eni: Eni; sgIds: string[] }> = [];
    for (const eni of enis) {
      requireIdle(eni);
      // The primary ENI's groups are its instance's, set where the instance is.
      requireSecondary(eni, "bound to security groups here; change its instance's groups instead");
      const current = bound.filter((g) => g.eniId === eni.id).map((g) => g.id);
      const next = [...current, ...sgIds.filter((id) => !current.includes(id))];
      requireGroupRoom(eni, next);
      changes.push({ eni, sgIds: next });
    }
    for (const c of changes) await replaceSecurityGroups(tx, c.eni.id, c.sgIds);
  });
}

/**
 * Unbinds security groups from each ENI (a group it does not have is no change; an ENI may end
 * with none). All or nothing, like associateSecurityGroups.
 */
export async function disassociateSecurityGroups(
  deps: Deps,
  caller: Caller,
  input: { eniIds: readonly string[]; sgIds: readonly string[] },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    await requireSecurityGroups(tx, caller, [...new Set(input.sgIds)]);
    const enis = await lockEnis(tx, caller, input.eniIds);
    const bound = await securityGroupsOfEnis(
      tx,
      enis.map((e) => e.id),
    );
    for (const eni of enis) requireIdle(eni);
    for (const eni of enis) {
      const current = bound.filter((g) => g.eniId === eni.id).map((g) => g.id);
      const next = current.filter((id) => !input.sgIds.includes(id));
      if (next.length !== current.length) await replaceSecurityGroups(tx, eni.id, next);
    }
  });
}

/**
 * Sets the QoS level of each ENI (its addresses follow it). All or nothing on existence. A stored
 * attribute no task reads or writes, so a task in flight on the ENI does not stop it.
 */
export async function setQosLevel(
  deps: Deps,
  caller: Caller,
  input: { eniIds: readonly string[]; qosLevel?: string },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    const enis = await lockEnis(tx, caller, input.eniIds);
    if (input.qosLevel === undefined) return;
    for (const eni of enis) await updateEni(tx, eni.id, { qosLevel: input.qosLevel });
  });
}

export interface NetworkInterfaceLimit {
  /** ENIs the instance may hold, primary included (0 when asked about an ENI). */
  enis: number;
  /** Private IPs per ENI, primary included. */
  ipsPerEni: number;
}

/**
 * The limits that apply to an instance (its CPU/memory row), or to one ENI: the per-ENI figure of
 * its instance while attached, else the unattached maximum.
 */
export async function networkInterfaceLimit(
  deps: Deps,
  caller: Caller,
  of: { instanceId: string } | { eniId: string },
): Promise<NetworkInterfaceLimit> {
  if ('instanceId' in of) {
    const instance = await requireInstance(deps.db, caller, of.instanceId);
    return instanceLimits(instance.cpu, instance.mem);
  }
  const eni = await requireEni(deps.db, caller, of.eniId);
  return { enis: 0, ipsPerEni: await ipLimitOf(deps.db, caller, eni) };
}
