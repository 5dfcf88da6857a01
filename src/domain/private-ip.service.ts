import type { Queryable } from '../store/db.ts';
import { findEni, updateEni } from '../store/eni.repo.ts';
import { findInstance } from '../store/instance.repo.ts';
import { countIpsOfEni, findIp, insertIp, setIpDescription, setIpState } from '../store/ip.repo.ts';
import { findSubnet } from '../store/subnet.repo.ts';
import type { IpTaskPayload } from '../tasks/assign-private-ip-addresses.task.ts';
import { parseIp } from './cidr.ts';
import { withTask, type Deps } from './deps.ts';
import { ipLimitOf, requireIdle, requireSteadyInstance, type EniRef, type RequestedIp } from './eni.service.ts';
import { fail, notFound } from './errors.ts';
import { checkRequestedIps, pickFreeIps, requireDistinctIps } from './ip-allocation.ts';
import { requireEni, requireVpc } from './lookup.ts';
import type { Caller, Eni, Instance, PrivateIp, Subnet } from './model.ts';

// Secondary private IPs: assign, unassign, and move one between two ENIs of a subnet. Each is a
// task; its addresses sit in a transitional state (ASSIGNING, UNASSIGNING, MIGRATING) and its ENIs
// are held (busy) until the worker completes or rolls it back; changing descriptions is synchronous.
// Checks follow docs/decisions.md: VPC (where named), ENI(s), busy, the attached instance's status,
// the per-ENI limit, then the IP rules. Row locks follow the store's one order: subnet, ENIs by id,
// instances by id.

export async function assignPrivateIpAddresses(
  deps: Deps,
  caller: Caller,
  input: EniRef & { ips: RequestedIp[]; count: number },
) {
  if (input.ips.length === 0 && input.count === 0) {
    fail('invalidParameter', 'name the addresses to assign, or how many the system should pick', {
      field: 'ipsOrCount',
      reason: 'missing',
    });
  }
  const primary = input.ips.findIndex((i) => i.primary);
  if (primary >= 0) {
    fail('invalidValue', 'must be false: an ENI keeps the primary IP it was created with', {
      field: `ips.${primary}.primary`,
    });
  }
  requireDistinctIps(
    input.ips.map((i) => i.ip),
    (n) => `ips.${n}.ip`,
  );
  return withTask(deps, caller, 'AssignPrivateIpAddresses', async (tx) => {
    if (input.vpcId !== undefined) await requireVpc(tx, caller, input.vpcId);
    const { eni, subnet } = await lockEniAndSubnet(tx, caller, input);
    const instance = await lockInstanceOf(tx, caller, eni);
    requireIdle(eni);
    if (instance) requireSteadyInstance(instance);
    const limit = await ipLimitOf(tx, caller, eni);
    const held = await countIpsOfEni(tx, eni.id);
    const asked = input.ips.length + input.count;
    if (held + asked > limit) {
      fail(
        'eniIpLimit',
        `ENI ${eni.id} holds ${held} private IPs and may hold ${limit}${instance ? ` on instance ${instance.id}` : ''}; ${asked} more do not fit`,
      );
    }
    const requested = await checkRequestedIps(
      tx,
      subnet,
      input.ips.map((i) => i.ip),
      (n) => `ips.${n}.ip`,
    );
    const picked = await pickFreeIps(tx, subnet, input.count, requested);
    const rows: PrivateIp[] = [...requested, ...picked].map((ip, n) => ({
      subnetId: subnet.id,
      ip,
      eniId: eni.id,
      primary: false,
      state: 'ASSIGNING',
      description: input.ips[n]?.description ?? '',
    }));
    const payload: IpTaskPayload = { subnetId: subnet.id, ips: rows.map((r) => r.ip), eniId: eni.id };
    return {
      payload,
      // The new addresses follow the ENI's QoS level (levels are kept per ENI).
      result: { ips: rows, qosLevel: eni.qosLevel },
      apply: async (taskId) => {
        // The rows reserve the addresses now; they become the ENI's once the task succeeds.
        for (const row of rows) await insertIp(tx, row);
        await updateEni(tx, eni.id, { taskId });
      },
    };
  });
}

export async function unassignPrivateIpAddresses(
  deps: Deps,
  caller: Caller,
  input: EniRef & { ips: string[]; instanceId?: string },
) {
  if (input.ips.length === 0) {
    fail('invalidParameter', 'name at least one private IP to release', { field: 'ips', reason: 'missing' });
  }
  requireDistinctIps(input.ips, (n) => `ips.${n}`);
  return withTask(deps, caller, 'UnassignPrivateIpAddresses', async (tx) => {
    if (input.vpcId !== undefined) await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.eniId, { vpcId: input.vpcId, lock: true });
    const instance = await lockInstanceOf(tx, caller, eni);
    requireIdle(eni);
    if (instance) requireSteadyInstance(instance);
    if (input.instanceId !== undefined && input.instanceId !== eni.instanceId) {
      fail('eniNotAttached', `ENI ${eni.id} is not attached to ${input.instanceId}`);
    }
    const rows: PrivateIp[] = [];
    for (const [n, text] of input.ips.entries()) {
      const row = await secondaryIpOf(tx, eni, text, `ips.${n}`, 'released');
      rows.push(row);
    }
    const payload: IpTaskPayload = { subnetId: eni.subnetId, ips: rows.map((r) => r.ip), eniId: eni.id };
    return {
      payload,
      result: {},
      apply: async (taskId) => {
        // The addresses stay the ENI's (and shown) until the task succeeds.
        for (const r of rows) await setIpState(tx, r.subnetId, r.ip, 'UNASSIGNING');
        await updateEni(tx, eni.id, { taskId });
      },
    };
  });
}

export async function migratePrivateIpAddress(
  deps: Deps,
  caller: Caller,
  input: { vpcId?: string; ip: string; oldEniId: string; newEniId: string },
) {
  if (input.oldEniId === input.newEniId) {
    // Not a repeated list item (no reason tag): the pair as a whole makes no move.
    fail('invalidValue', 'names the same ENI as the source; there is nowhere to move the IP', {
      field: 'newEniId',
    });
  }
  return withTask(deps, caller, 'MigratePrivateIpAddress', async (tx) => {
    if (input.vpcId !== undefined) await requireVpc(tx, caller, input.vpcId);
    const { from, to } = await lockEniPair(tx, caller, input.vpcId, input.oldEniId, input.newEniId);
    const instances = await lockInstancesOf(tx, caller, [from, to]);
    requireIdle(from);
    requireIdle(to);
    for (const instance of instances) requireSteadyInstance(instance);
    const limit = await ipLimitOf(tx, caller, to);
    const held = await countIpsOfEni(tx, to.id);
    if (held + 1 > limit) {
      fail(
        'eniIpLimit',
        `ENI ${to.id} already holds ${held} private IPs, its maximum${to.instanceId ? ` on instance ${to.instanceId}` : ''}`,
      );
    }
    if (from.subnetId !== to.subnetId) {
      fail(
        'subnetMismatch',
        `ENI ${from.id} is in subnet ${from.subnetId} and ENI ${to.id} in ${to.subnetId}; an IP moves only within its subnet`,
      );
    }
    const row = await secondaryIpOf(tx, from, input.ip, 'ip', 'migrated');
    const payload: IpTaskPayload & { newEniId: string } = {
      subnetId: row.subnetId,
      ips: [row.ip],
      eniId: from.id,
      newEniId: to.id,
    };
    return {
      payload,
      result: {},
      apply: async (taskId) => {
        // The IP stays on the old ENI (committed state) until the task succeeds.
        await setIpState(tx, row.subnetId, row.ip, 'MIGRATING');
        await updateEni(tx, from.id, { taskId });
        await updateEni(tx, to.id, { taskId });
      },
    };
  });
}

/**
 * Changes the descriptions of addresses an ENI holds (an absent description keeps its value; a
 * repeated address takes its last one). Synchronous and allowed while a task holds the ENI: a task
 * never reads or writes a description. Only committed addresses qualify; one still being assigned
 * (or on an ENI being created), released or moved is refused. Locks only the address rows, in
 * ascending order, so it never waits for an ENI lock while holding one of theirs.
 */
export async function modifyPrivateIpAddresses(
  deps: Deps,
  caller: Caller,
  input: EniRef & { ips: Array<{ ip: string; description?: string }> },
): Promise<void> {
  if (input.ips.length === 0) {
    fail('invalidParameter', 'name at least one private IP to change', { field: 'ips', reason: 'missing' });
  }
  await deps.db.tx(async (tx) => {
    if (input.vpcId !== undefined) await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.eniId, { vpcId: input.vpcId });
    const nums = input.ips.map((i) => parseIp(i.ip)!);
    const rows = new Map<number, PrivateIp | undefined>();
    for (const n of [...new Set(nums)].sort((a, b) => a - b)) rows.set(n, await findIp(tx, eni.subnetId, n, true));
    for (const [k, spec] of input.ips.entries()) {
      const row = rows.get(nums[k]!);
      const field = `ips.${k}.ip`;
      if (!row || row.eniId !== eni.id) {
        fail('invalidValue', `${spec.ip} is not a private IP of ENI ${eni.id}`, { field, reason: 'notOnEni' });
      }
      const state = eni.state === 'PENDING' ? 'ASSIGNING' : row.state;
      if (state !== 'ASSIGNED') {
        // The one kind every door answers as an invalid state; here it is the address's state.
        fail('instanceState', `${spec.ip} of ENI ${eni.id} is in flight (${state}); retry when its task has finished`, {
          field,
          resource: 'privateIp',
          state,
        });
      }
    }
    for (const [k, spec] of input.ips.entries()) {
      if (spec.description !== undefined) await setIpDescription(tx, eni.subnetId, nums[k]!, spec.description);
    }
  });
}

/** A secondary IP the ENI holds; `field` names the domain field that gave it. */
async function secondaryIpOf(q: Queryable, eni: Eni, text: string, field: string, verb: string): Promise<PrivateIp> {
  const row = await findIp(q, eni.subnetId, parseIp(text)!);
  if (!row || row.eniId !== eni.id) {
    fail('invalidValue', `${text} is not a private IP of ENI ${eni.id}`, { field, reason: 'notOnEni' });
  }
  if (row.primary) fail('ipIsPrimary', `${text} is the primary IP of ENI ${eni.id} and cannot be ${verb}`);
  return row;
}

/**
 * The ENI and its subnet, both row-locked, subnet first (the store's lock order; the subnet lock
 * serialises address allocation). The first read only learns which subnet: an ENI never changes it.
 */
async function lockEniAndSubnet(tx: Queryable, caller: Caller, ref: EniRef): Promise<{ eni: Eni; subnet: Subnet }> {
  const seen = await requireEni(tx, caller, ref.eniId, { vpcId: ref.vpcId });
  const subnet = (await findSubnet(tx, caller, seen.subnetId, { lock: true }))!;
  return { eni: await requireEni(tx, caller, ref.eniId, { vpcId: ref.vpcId, lock: true }), subnet };
}

/** Both ENIs row-locked in id order; a missing old ENI is reported before a missing new one. */
async function lockEniPair(
  tx: Queryable,
  caller: Caller,
  vpcId: string | undefined,
  oldId: string,
  newId: string,
): Promise<{ from: Eni; to: Eni }> {
  const found = new Map<string, Eni | undefined>();
  for (const id of [oldId, newId].sort()) found.set(id, await findEni(tx, caller, id, { vpcId, lock: true }));
  for (const id of [oldId, newId]) {
    if (!found.get(id)) notFound('eni', `ENI ${id} does not exist${vpcId === undefined ? '' : ` in VPC ${vpcId}`}`);
  }
  const from = found.get(oldId)!;
  const to = found.get(newId)!;
  return { from, to };
}

/**
 * The instance an ENI is attached to, row-locked: Start/Stop/Terminate lock it too, so an IP change
 * and a status change of that instance never pass their checks at the same time.
 */
async function lockInstanceOf(tx: Queryable, caller: Caller, eni: Eni): Promise<Instance | undefined> {
  return eni.instanceId === null ? undefined : findInstance(tx, caller, eni.instanceId, true);
}

async function lockInstancesOf(tx: Queryable, caller: Caller, enis: Eni[]): Promise<Instance[]> {
  const ids = [...new Set(enis.flatMap((e) => (e.instanceId === null ? [] : [e.instanceId])))].sort();
  const out: Instance[] = [];
  for (const id of ids) {
    const instance = await findInstance(tx, caller, id, true);
    if (instance) out.push(instance);
  }
  return out;
}
