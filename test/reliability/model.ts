// A reference model of the ENI rules (docs/contract.md, "Business rules" to "Instances and security groups", and docs/decisions.md), written from the
// documents, independent of src/: plain data and the checks in the documented order. The model
// test runs every operation against it and against the real server and compares the answers and
// the resulting state.
//
// Ids come from the server (the model cannot guess random ids): an accepted operation's answer is
// handed back to the model, which adopts the ids it carries.

export const CODES: Record<string, number> = {
  InvalidParameter: 4000,
  InvalidParameterValue: 4000,
  InvalidNetworkInterfaceName: 4000,
  'InvalidPrivateIpAddress.NotInSubnet': 4000,
  'InvalidVpc.NotFound': 5000,
  'InvalidSubnet.NotFound': 5000,
  'InvalidZone.NotFound': 5000,
  'InvalidNetworkInterface.NotFound': 5000,
  'InvalidInstance.NotFound': 5000,
  ActionLocked: 5100,
  'InvalidNetworkInterface.IsPrimary': 5100,
  'InvalidNetworkInterface.AlreadyAssociated': 5100,
  'InvalidNetworkInterface.NotAttached': 5100,
  'InvalidNetworkInterface.CanNotDelete': 5100,
  'UnsupportedOperation.InvalidState': 5100,
  'UnsupportedOperation.VpcMismatch': 5100,
  'UnsupportedOperation.ZoneMismatch': 5100,
  'UnsupportedOperation.ResourceMismatch': 5100,
  LimitExceeded: 5100,
  PrivateIpAddressLimitExceeded: 5100,
  'InvalidPrivateIpAddress.InUse': 5100,
  'ResourceInsufficient.Subnet': 5100,
  'InvalidPrivateip.IsPrimary': 5100,
};

export const Status = { RUNNING: 2, CREATING: 3, STOPPED: 4, TERMINATING: 6, STARTING: 8, STOPPING: 9 } as const;

/** ENIs per instance and IPs per ENI by size (docs/contract.md, "Limits per instance"), for the sizes the test uses. */
export function limitsOf(cpu: number, mem: number): { enis: number; ips: number } {
  if (cpu <= 1) return mem <= 1 ? { enis: 2, ips: 2 } : { enis: 2, ips: 6 };
  if (cpu <= 2) return { enis: 2, ips: 10 };
  if (cpu <= 4) return mem <= 16 ? { enis: 4, ips: 10 } : { enis: 4, ips: 20 };
  if (cpu <= 12) return { enis: 6, ips: 20 };
  return { enis: 8, ips: 30 };
}
const UNATTACHED_IPS = 30;

export interface MSubnet {
  id: string;
  vpcId: string;
  zoneId: number;
  /** First address of the block and its size; usable: network+2 .. network+size-2. */
  network: number;
  size: number;
}

export interface MInstance {
  id: string;
  vpcId: string | null;
  subnetId: string | null;
  zoneId: number;
  cpu: number;
  mem: number;
  status: number;
}

export type IpState = 'ASSIGNED' | 'ASSIGNING' | 'UNASSIGNING' | 'MIGRATING';

export interface MEni {
  id: string;
  vpcId: string;
  subnetId: string;
  primary: boolean;
  state: 'PENDING' | 'AVAILABLE' | 'ATTACHING' | 'DETACHING' | 'DELETING';
  instanceId: string | null;
  targetInstanceId: string | null;
  busy: boolean;
  /** ip → primary?, state */
  ips: Map<number, { primary: boolean; state: IpState }>;
}

/** What the server must answer, and what accepting it changes. */
export type Expectation =
  | { error: string }
  | {
      /** Applies the transitional change; returns what finishing the task does. */
      accept(answer: Record<string, any>): Task;
    };

export interface Task {
  complete(): void;
  rollback(): void;
}

const err = (codeDesc: string): Expectation => {
  if (!(codeDesc in CODES)) throw new Error(`model: no code for ${codeDesc}`);
  return { error: codeDesc };
};

class Refusal extends Error {
  constructor(readonly codeDesc: string) {
    super(codeDesc);
  }
}
const refuse = (codeDesc: string): never => {
  throw new Refusal(codeDesc);
};
/** An address listed twice: the request alone decides it, before any lookup. */
const distinct = (ips: readonly number[]): void => {
  if (new Set(ips).size !== ips.length) refuse('InvalidParameterValue');
};

/** Runs the checks; a Refusal thrown by one of them becomes the expected error. */
function checked(fn: () => Expectation): Expectation {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Refusal) return err(e.codeDesc);
    throw e;
  }
}

export class Model {
  readonly vpcs = new Set<string>();
  readonly subnets = new Map<string, MSubnet>();
  readonly instances = new Map<string, MInstance>();
  readonly enis = new Map<string, MEni>();

  // ---- lookups, each failing with the documented NotFound -------------------------------------

  private vpc(id: string): string {
    return this.vpcs.has(id) ? id : refuse('InvalidVpc.NotFound');
  }
  private subnetIn(vpcId: string, id: string): MSubnet {
    const s = this.subnets.get(id);
    return s && s.vpcId === vpcId ? s : refuse('InvalidSubnet.NotFound');
  }
  private eniIn(vpcId: string, id: string): MEni {
    const e = this.enis.get(id);
    return e && e.vpcId === vpcId ? e : refuse('InvalidNetworkInterface.NotFound');
  }
  private instance(id: string): MInstance {
    return this.instances.get(id) ?? refuse('InvalidInstance.NotFound');
  }

  // ---- shared rules ----------------------------------------------------------------------------

  private idle(eni: MEni): void {
    if (eni.busy) refuse('ActionLocked');
  }
  private secondary(eni: MEni): void {
    if (eni.primary) refuse('InvalidNetworkInterface.IsPrimary');
  }
  private steady(ins: MInstance): void {
    if (ins.status !== Status.RUNNING && ins.status !== Status.STOPPED) refuse('UnsupportedOperation.InvalidState');
  }
  /** ENIs an instance's limit counts: attached, and on their way to it. */
  enisOf(instanceId: string): MEni[] {
    return [...this.enis.values()].filter((e) => e.instanceId === instanceId || e.targetInstanceId === instanceId);
  }
  private canHold(ins: MInstance, eni: MEni): void {
    this.steady(ins);
    if (ins.vpcId !== eni.vpcId) refuse('UnsupportedOperation.VpcMismatch');
    if (ins.zoneId !== this.subnets.get(eni.subnetId)!.zoneId) refuse('UnsupportedOperation.ZoneMismatch');
    const { enis, ips } = limitsOf(ins.cpu, ins.mem);
    if (this.enisOf(ins.id).filter((e) => e.id !== eni.id).length >= enis) refuse('LimitExceeded');
    if (eni.ips.size > ips) refuse('PrivateIpAddressLimitExceeded');
  }
  private ipLimit(eni: MEni): number {
    const ins = eni.instanceId === null ? undefined : this.instances.get(eni.instanceId);
    return ins ? limitsOf(ins.cpu, ins.mem).ips : UNATTACHED_IPS;
  }
  private inUse(subnetId: string, ip: number): boolean {
    for (const e of this.enis.values()) if (e.subnetId === subnetId && e.ips.has(ip)) return true;
    return false;
  }
  /** Caller-chosen addresses, already distinct (`distinct`), checked in order: inside, usable, free. */
  private requested(subnet: MSubnet, ips: readonly number[]): number[] {
    for (const ip of ips) {
      if (ip < subnet.network || ip >= subnet.network + subnet.size) refuse('InvalidPrivateIpAddress.NotInSubnet');
      if (ip < subnet.network + 2 || ip > subnet.network + subnet.size - 2) refuse('InvalidParameterValue');
      if (this.inUse(subnet.id, ip)) refuse('InvalidPrivateIpAddress.InUse');
    }
    return [...ips];
  }
  /** The lowest `count` free usable addresses, leaving out `exclude`; all or nothing. */
  private pick(subnet: MSubnet, count: number, exclude: readonly number[]): number[] {
    const out: number[] = [];
    for (let ip = subnet.network + 2; ip <= subnet.network + subnet.size - 2 && out.length < count; ip++) {
      if (!this.inUse(subnet.id, ip) && !exclude.includes(ip)) out.push(ip);
    }
    if (out.length < count) refuse('ResourceInsufficient.Subnet');
    return out;
  }
  private hold(eni: MEni, change: Partial<MEni>): void {
    Object.assign(eni, { busy: true, ...change });
  }
  private release(eni: MEni, change: Partial<MEni> = {}): void {
    Object.assign(eni, { busy: false, state: 'AVAILABLE', ...change });
  }

  // ---- setup ----------------------------------------------------------------------------------

  addVpc(id: string, subnets: MSubnet[]): void {
    this.vpcs.add(id);
    for (const s of subnets) this.subnets.set(s.id, s);
  }

  // ---- operations -----------------------------------------------------------------------------

  runInstances(o: {
    zoneId: number;
    cpu: number;
    mem: number;
    net: { vpcId: string; subnetId: string } | null;
    count: number;
    ip?: number;
  }): Expectation {
    return checked(() => {
      if (o.ip !== undefined && o.count > 1) refuse('InvalidParameterValue');
      let subnet: MSubnet | undefined;
      let ips: number[] = [];
      if (o.net) {
        this.vpc(o.net.vpcId);
        subnet = this.subnetIn(o.net.vpcId, o.net.subnetId);
        if (subnet.zoneId !== o.zoneId) refuse('UnsupportedOperation.ZoneMismatch');
        const requested = this.requested(subnet, o.ip === undefined ? [] : [o.ip]);
        ips = requested.length ? requested : this.pick(subnet, o.count, []);
      }
      return {
        accept: (answer) => {
          const ids = answer.data.instanceIds as string[];
          const created: MInstance[] = ids.map((id) => ({
            id,
            vpcId: o.net?.vpcId ?? null,
            subnetId: o.net?.subnetId ?? null,
            zoneId: o.zoneId,
            cpu: o.cpu,
            mem: o.mem,
            status: Status.CREATING,
          }));
          for (const i of created) this.instances.set(i.id, i);
          // The primary ENIs' ids are not in the answer: the test adopts them from Describe, by IP.
          const primaries = created.map((i, n) => ({ instance: i, ip: ips[n] }));
          this.pendingPrimaries = subnet ? primaries.map((p) => ({ instanceId: p.instance.id, ip: p.ip! })) : [];
          return {
            complete: () => {
              for (const i of created) {
                i.status = Status.RUNNING;
                for (const e of this.enisOf(i.id)) this.release(e, { instanceId: i.id, targetInstanceId: null });
              }
            },
            rollback: () => {
              for (const i of created) {
                for (const e of this.enisOf(i.id)) this.enis.delete(e.id);
                this.instances.delete(i.id);
              }
            },
          };
        },
      };
    });
  }

  /** Primary ENIs the last RunInstances created, still waiting for their ids. */
  pendingPrimaries: Array<{ instanceId: string; ip: number }> = [];

  /** Gives a pending primary ENI the id the server chose for it. */
  adoptPrimary(instanceId: string, eniId: string): void {
    const ins = this.instances.get(instanceId)!;
    const p = this.pendingPrimaries.find((x) => x.instanceId === instanceId)!;
    this.enis.set(eniId, {
      id: eniId,
      vpcId: ins.vpcId!,
      subnetId: ins.subnetId!,
      primary: true,
      state: 'PENDING',
      instanceId: null,
      targetInstanceId: instanceId,
      busy: true,
      ips: new Map([[p.ip, { primary: true, state: 'ASSIGNED' }]]),
    });
  }

  changeInstances(action: 'StartInstances' | 'StopInstances' | 'TerminateInstances', ids: string[]): Expectation {
    return checked(() => {
      if (new Set(ids).size !== ids.length) refuse('InvalidParameterValue');
      const list = [...ids].sort().map((id) => this.instance(id));
      for (const ins of list) {
        if (this.enisOf(ins.id).some((e) => e.busy && e.state !== 'PENDING')) refuse('ActionLocked');
      }
      const rule = {
        StartInstances: { from: [Status.STOPPED], via: Status.STARTING, to: Status.RUNNING },
        StopInstances: { from: [Status.RUNNING], via: Status.STOPPING, to: Status.STOPPED },
        TerminateInstances: { from: [Status.RUNNING, Status.STOPPED], via: Status.TERMINATING, to: -1 },
      }[action];
      for (const ins of list)
        if (!(rule.from as number[]).includes(ins.status)) refuse('UnsupportedOperation.InvalidState');
      return {
        accept: () => {
          const previous = list.map((i) => i.status);
          for (const ins of list) ins.status = rule.via;
          return {
            complete: () => {
              for (const ins of list) {
                if (rule.to !== -1) {
                  ins.status = rule.to;
                  continue;
                }
                for (const e of this.enisOf(ins.id)) {
                  if (e.primary) this.enis.delete(e.id);
                  else e.instanceId = null;
                }
                this.instances.delete(ins.id);
              }
            },
            rollback: () => list.forEach((ins, n) => (ins.status = previous[n]!)),
          };
        },
      };
    });
  }

  createNetworkInterface(o: {
    vpcId: string;
    subnetId: string;
    ips: Array<{ ip: number; primary: boolean }>;
    secondaryCount: number;
  }): Expectation {
    return checked(() => {
      const flagged = o.ips.filter((i) => i.primary).length;
      if (flagged > 1) refuse('InvalidParameterValue');
      distinct(o.ips.map((i) => i.ip));
      this.vpc(o.vpcId);
      const subnet = this.subnetIn(o.vpcId, o.subnetId);
      // The limit answers before the address rules (docs/contract.md, "Business rules and their order": limits, then IP rules).
      const total = o.ips.length + o.secondaryCount + (flagged ? 0 : 1);
      if (total > UNATTACHED_IPS) refuse('PrivateIpAddressLimitExceeded');
      const requested = this.requested(
        subnet,
        o.ips.map((i) => i.ip),
      );
      const picked = this.pick(subnet, total - requested.length, requested);
      const ips: Array<[number, boolean]> = flagged
        ? [
            ...o.ips.map((i): [number, boolean] => [i.ip, i.primary]),
            ...picked.map((ip): [number, boolean] => [ip, false]),
          ]
        : [
            [picked[0]!, true],
            ...requested.map((ip): [number, boolean] => [ip, false]),
            ...picked.slice(1).map((ip): [number, boolean] => [ip, false]),
          ];
      return {
        accept: (answer) => {
          const id = answer.data.networkInterfaceId as string;
          const eni: MEni = {
            id,
            vpcId: o.vpcId,
            subnetId: subnet.id,
            primary: false,
            state: 'PENDING',
            instanceId: null,
            targetInstanceId: null,
            busy: true,
            ips: new Map(ips.map(([ip, primary]) => [ip, { primary, state: 'ASSIGNED' as IpState }])),
          };
          this.enis.set(id, eni);
          return { complete: () => this.release(eni), rollback: () => this.enis.delete(id) };
        },
      };
    });
  }

  deleteNetworkInterface(vpcId: string, eniId: string): Expectation {
    return checked(() => {
      this.vpc(vpcId);
      const eni = this.eniIn(vpcId, eniId);
      this.idle(eni);
      this.secondary(eni);
      if (eni.instanceId !== null) refuse('InvalidNetworkInterface.CanNotDelete');
      return {
        accept: () => {
          this.hold(eni, { state: 'DELETING' });
          return { complete: () => this.enis.delete(eni.id), rollback: () => this.release(eni) };
        },
      };
    });
  }

  attachNetworkInterface(vpcId: string, eniId: string, instanceId: string): Expectation {
    return checked(() => {
      this.vpc(vpcId);
      const eni = this.eniIn(vpcId, eniId);
      const ins = this.instance(instanceId);
      this.idle(eni);
      this.secondary(eni);
      if (eni.instanceId !== null) refuse('InvalidNetworkInterface.AlreadyAssociated');
      this.canHold(ins, eni);
      return {
        accept: () => {
          this.hold(eni, { state: 'ATTACHING', targetInstanceId: ins.id });
          return {
            complete: () => this.release(eni, { instanceId: ins.id, targetInstanceId: null }),
            rollback: () => this.release(eni, { targetInstanceId: null }),
          };
        },
      };
    });
  }

  detachNetworkInterface(vpcId: string, eniId: string, instanceId: string): Expectation {
    return checked(() => {
      this.vpc(vpcId);
      const eni = this.eniIn(vpcId, eniId);
      const ins = this.instance(instanceId);
      this.idle(eni);
      this.secondary(eni);
      if (eni.instanceId !== ins.id) refuse('InvalidNetworkInterface.NotAttached');
      this.steady(ins);
      return {
        accept: () => {
          this.hold(eni, { state: 'DETACHING' });
          return { complete: () => this.release(eni, { instanceId: null }), rollback: () => this.release(eni) };
        },
      };
    });
  }

  migrateNetworkInterface(vpcId: string, eniId: string, oldId: string, newId: string): Expectation {
    return checked(() => {
      this.vpc(vpcId);
      const eni = this.eniIn(vpcId, eniId);
      const oldIns = this.instance(oldId);
      const newIns = this.instance(newId);
      this.idle(eni);
      this.secondary(eni);
      if (eni.instanceId === newIns.id) refuse('InvalidNetworkInterface.AlreadyAssociated');
      if (eni.instanceId !== oldIns.id) refuse('InvalidNetworkInterface.NotAttached');
      this.steady(oldIns);
      this.canHold(newIns, eni);
      return {
        accept: () => {
          this.hold(eni, { state: 'ATTACHING', targetInstanceId: newIns.id });
          return {
            complete: () => this.release(eni, { instanceId: newIns.id, targetInstanceId: null }),
            rollback: () => this.release(eni, { targetInstanceId: null }),
          };
        },
      };
    });
  }

  assignPrivateIpAddresses(vpcId: string, eniId: string, ips: number[], count: number): Expectation {
    return checked(() => {
      if (ips.length === 0 && count === 0) refuse('InvalidParameter');
      distinct(ips);
      this.vpc(vpcId);
      const eni = this.eniIn(vpcId, eniId);
      const ins = eni.instanceId === null ? undefined : this.instances.get(eni.instanceId);
      this.idle(eni);
      if (ins) this.steady(ins);
      if (eni.ips.size + ips.length + count > this.ipLimit(eni)) refuse('PrivateIpAddressLimitExceeded');
      const subnet = this.subnets.get(eni.subnetId)!;
      const requested = this.requested(subnet, ips);
      const all = [...requested, ...this.pick(subnet, count, requested)];
      return {
        accept: () => {
          for (const ip of all) eni.ips.set(ip, { primary: false, state: 'ASSIGNING' });
          this.hold(eni, {});
          const settle = (keep: boolean) => {
            for (const ip of all) {
              if (keep) eni.ips.set(ip, { primary: false, state: 'ASSIGNED' });
              else eni.ips.delete(ip);
            }
            this.release(eni);
          };
          return { complete: () => settle(true), rollback: () => settle(false) };
        },
      };
    });
  }

  unassignPrivateIpAddresses(vpcId: string, eniId: string, ips: number[]): Expectation {
    return checked(() => {
      distinct(ips);
      this.vpc(vpcId);
      const eni = this.eniIn(vpcId, eniId);
      const ins = eni.instanceId === null ? undefined : this.instances.get(eni.instanceId);
      this.idle(eni);
      if (ins) this.steady(ins);
      for (const ip of ips) {
        const held = eni.ips.get(ip);
        if (!held) refuse('InvalidParameterValue');
        if (held!.primary) refuse('InvalidPrivateip.IsPrimary');
      }
      return {
        accept: () => {
          for (const ip of ips) eni.ips.set(ip, { primary: false, state: 'UNASSIGNING' });
          this.hold(eni, {});
          const settle = (drop: boolean) => {
            for (const ip of ips) {
              if (drop) eni.ips.delete(ip);
              else eni.ips.set(ip, { primary: false, state: 'ASSIGNED' });
            }
            this.release(eni);
          };
          return { complete: () => settle(true), rollback: () => settle(false) };
        },
      };
    });
  }

  migratePrivateIpAddress(vpcId: string, ip: number, fromId: string, toId: string): Expectation {
    return checked(() => {
      if (fromId === toId) refuse('InvalidParameterValue');
      this.vpc(vpcId);
      const from = this.eniIn(vpcId, fromId);
      const to = this.eniIn(vpcId, toId);
      this.idle(from);
      this.idle(to);
      for (const e of [from, to]) {
        const ins = e.instanceId === null ? undefined : this.instances.get(e.instanceId);
        if (ins) this.steady(ins);
      }
      if (to.ips.size + 1 > this.ipLimit(to)) refuse('PrivateIpAddressLimitExceeded');
      if (from.subnetId !== to.subnetId) refuse('UnsupportedOperation.ResourceMismatch');
      const held = from.ips.get(ip);
      if (!held) refuse('InvalidParameterValue');
      if (held!.primary) refuse('InvalidPrivateip.IsPrimary');
      return {
        accept: () => {
          from.ips.set(ip, { primary: false, state: 'MIGRATING' });
          this.hold(from, {});
          this.hold(to, {});
          return {
            complete: () => {
              from.ips.delete(ip);
              to.ips.set(ip, { primary: false, state: 'ASSIGNED' });
              this.release(from);
              this.release(to);
            },
            rollback: () => {
              from.ips.set(ip, { primary: false, state: 'ASSIGNED' });
              this.release(from);
              this.release(to);
            },
          };
        },
      };
    });
  }

  // ---- what Describe must show ----------------------------------------------------------------

  /** DescribeNetworkInterfaces of one VPC, as comparable rows sorted by id. */
  describeEnis(vpcId: string): EniRow[] {
    return [...this.enis.values()]
      .filter((e) => e.vpcId === vpcId)
      .map((e) => ({
        id: e.id,
        subnetId: e.subnetId,
        primary: e.primary,
        state: e.state,
        instanceId: e.instanceId ?? '',
        // Committed addresses only: those still being assigned are not shown.
        ips: [...e.ips.entries()]
          .filter(([, v]) => v.state !== 'ASSIGNING')
          .sort(([a, x], [b, y]) => Number(y.primary) - Number(x.primary) || a - b)
          .map(([ip, v]) => `${ip}${v.primary ? '*' : ''}`),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** DescribeInstances of the given ids, as comparable rows sorted by id. */
  describeInstances(ids: string[]): InstanceRow[] {
    return ids
      .flatMap((id) => (this.instances.has(id) ? [this.instances.get(id)!] : []))
      .map((i) => {
        const primary = this.enisOf(i.id).find((e) => e.primary);
        const lanIp = primary ? [...primary.ips.entries()].find(([, v]) => v.primary)?.[0] : undefined;
        const row: InstanceRow = {
          id: i.id,
          status: i.status,
          vpcId: i.vpcId ?? 0,
          subnetId: i.subnetId ?? 0,
          lanIp: lanIp ?? null,
        };
        return row;
      })
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}

export interface EniRow {
  id: string;
  subnetId: string;
  primary: boolean;
  state: string;
  instanceId: string;
  ips: string[];
}

export interface InstanceRow {
  id: string;
  status: number;
  vpcId: string | 0;
  subnetId: string | 0;
  lanIp: number | null;
}
