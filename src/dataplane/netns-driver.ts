import type { Task } from '../domain/model.ts';
import type { Logger } from '../log.ts';
import { hostRows, networkRows, vpcsOfResources, type HostRows } from '../store/dataplane.repo.ts';
import type { Db } from '../store/db.ts';
import { DataPlaneError, type DataPlaneDriver } from '../tasks/driver.ts';
import { taskDef } from '../tasks/registry.ts';
import { Changes, HostOps } from './ensure.ts';
import { findLink, ip, missingPrerequisites } from './host.ts';
import { reconcile } from './reconcile.ts';
import { names, specFromRows, type VpcSpec } from './spec.ts';

// DATA_PLANE=netns: VPCs, subnets, instances and ENIs become network namespaces, bridges and veth
// pairs on this host (docs/data-plane.md). A task changes the host before it succeeds; a task whose
// host change fails puts the host back and fails, and the worker rolls its database change back.

export interface NetnsOptions {
  db: Db;
  log: Logger;
  /** Prefix of this deployment's VPC namespaces, and its name in ownership markers. */
  prefix?: string;
  /** How often VPCs and subnets made or deleted through the API are built or removed. */
  sweepMs?: number;
  /** How often the whole host is reconciled with the database (it also is at start). */
  reconcileMs?: number;
  /** How old an unmarked namespace of ours must be before a reconcile removes it. */
  graceMs?: number;
}

const ROLLBACK = Symbol('rollback');

export class NetnsDataPlane implements DataPlaneDriver {
  readonly ops: HostOps;
  private readonly locks = new Map<string, Promise<unknown>>();
  /** VPCs (and their subnets) this process has built: the sweep removes those the database lost. */
  private readonly built = new Map<string, Set<string>>();
  private timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<void> | undefined;

  constructor(private readonly o: NetnsOptions) {
    const prefix = o.prefix ?? 'vpceni-';
    this.ops = new HostOps(prefix, prefix.replace(/-$/, ''));
  }

  /** Refuses to start without what it needs, then makes the host match the database. */
  async start(): Promise<void> {
    const missing = await missingPrerequisites();
    if (missing.length) throw new Error(`DATA_PLANE=netns needs ${missing.join(', ')}`);
    const changes = await this.reconcile();
    if (changes.done.length) this.o.log.info({ changes: changes.done.length }, 'data plane reconciled at start');
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(
        () => void fn().catch((err: unknown) => this.o.log.warn({ err }, 'data plane pass failed')),
        ms,
      );
      t.unref();
      this.timers.push(t);
    };
    every(this.o.sweepMs ?? 2000, () => this.sweep());
    every(this.o.reconcileMs ?? 300_000, () => this.reconcile());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.sweeping;
    await Promise.all([...this.locks.values()].map((p) => p.catch(() => undefined)));
  }

  /** Makes the host match the database (dry run: only says what it would change). */
  async reconcile(dryRun = false): Promise<Changes> {
    const changes = new Changes(dryRun);
    await reconcile(this, changes, this.o.graceMs ?? 60_000);
    return changes;
  }

  /** The committed rows the host must reflect (one consistent read). */
  readRows(vpcIds?: readonly string[]): Promise<HostRows> {
    return this.o.db.tx((tx) => hostRows(tx, vpcIds));
  }

  /** Runs `fn` holding the VPC: one change at a time per VPC namespace, tasks and reconcile alike. */
  withVpc<T>(vpcId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(vpcId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.locks.set(vpcId, tail);
    void tail.then(() => {
      if (this.locks.get(vpcId) === tail) this.locks.delete(vpcId);
    });
    return next;
  }

  noteBuilt(vpc: VpcSpec): void {
    this.built.set(vpc.id, new Set(vpc.subnets.keys()));
  }

  forget(vpcId: string): void {
    this.built.delete(vpcId);
  }

  async apply(task: Task): Promise<void> {
    const def = taskDef(task.type);
    if (!def) return;
    const payload = JSON.parse(task.payload) as Record<string, unknown>;
    const ids = Object.values(payload)
      .flat()
      .filter((v): v is string => typeof v === 'string' && /^(eni|ins)-/.test(v));
    // The host as the database will be once the task is done, and as it will be if the task is
    // rolled back: each read by running the task's own completion (or rollback) in a transaction
    // that is then undone. One definition of each task's effect, the one the worker commits.
    const project = async (which: 'complete' | 'rollback') => {
      let rows: HostRows | undefined;
      await this.o.db
        .tx(async (tx) => {
          const vpcIds = await vpcsOfResources(tx, ids);
          await def[which](tx, payload, Date.now());
          rows = await hostRows(tx, vpcIds);
          throw ROLLBACK;
        })
        .catch((err: unknown) => {
          if (err !== ROLLBACK) throw err;
        });
      return specFromRows(rows!);
    };
    const after = await project('complete');
    const before = await project('rollback');
    const all = scopeOf(ids, before, after);
    // A task may span VPCs (TerminateInstances of several instances): each VPC converges its own
    // part; a failure in one puts back every VPC touched so far.
    const touched: string[] = [];
    try {
      for (const vpcId of [...new Set([...before.keys(), ...after.keys()])].sort()) {
        touched.push(vpcId);
        const scope = within(all, before.get(vpcId), after.get(vpcId));
        await this.withVpc(vpcId, async () => {
          if (task.type === 'RebootInstances') await this.bounce(after.get(vpcId), scope.instances);
          await this.converge(after.get(vpcId), scope, new Changes(), before.get(vpcId));
        });
      }
    } catch (err) {
      this.o.log.warn({ err, taskId: task.id }, 'data plane change failed: putting the host back');
      for (const vpcId of touched) {
        this.forget(vpcId);
        const scope = within(all, before.get(vpcId), after.get(vpcId));
        await this.withVpc(vpcId, () => this.converge(before.get(vpcId), scope, new Changes(), after.get(vpcId))).catch(
          (e: unknown) =>
            this.o.log.error({ err: e, taskId: task.id }, 'could not put the host back; the reconcile will'),
        );
      }
      throw new DataPlaneError(`host change failed: ${(err as Error).message}`);
    }
  }

  /** Makes the scope's instances and ENIs in one VPC match `vpc`; what `vpc` lacks is removed.
   *  `other`: the view on the other side of the task, where each ENI is looked for first. */
  private async converge(vpc: VpcSpec | undefined, scope: Scope, c: Changes, other?: VpcSpec): Promise<void> {
    if (!vpc) return;
    const known = this.built.get(vpc.id);
    if (!known || [...vpc.subnets.keys()].some((s) => !known.has(s))) {
      await this.ops.vpc(vpc, c);
      this.noteBuilt(vpc);
    }
    for (const id of scope.instances) if (vpc.instances.has(id)) await this.ops.instance(id, c);
    const vns = this.ops.vpcNs(vpc.id);
    const candidates = [...scope.instances].map(names.instanceNs);
    for (const id of scope.enis) {
      const e = vpc.enis.get(id);
      if (!e) {
        await this.ops.removeEni(vpc.id, id, c);
        continue;
      }
      const target = e.instanceId ? names.instanceNs(e.instanceId) : vns;
      const was = other?.enis.get(id);
      const hint = was ? (was.instanceId ? names.instanceNs(was.instanceId) : vns) : target;
      const found = await this.ops.locate(vpc.id, id, [hint, target, ...candidates, vns]);
      await this.ops.eni(vpc, e, found, await findLink(vns, names.port(id)), c);
    }
    for (const id of scope.instances) if (!vpc.instances.has(id)) await this.ops.removeInstance(id, c);
  }

  /** A reboot takes the instance's links down; the convergence that follows brings them up. */
  private async bounce(vpc: VpcSpec | undefined, instances: ReadonlySet<string>): Promise<void> {
    for (const e of vpc?.enis.values() ?? []) {
      if (e.instanceId && instances.has(e.instanceId)) {
        await ip(names.instanceNs(e.instanceId), 'link', 'set', names.eni(e.id), 'down').catch(() => undefined);
      }
    }
  }

  /** Builds the VPCs and subnets the database has and removes those it lost, within seconds of the
   *  API call (they have no task to carry the change). */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const rows = await this.o.db.tx((tx) => networkRows(tx));
    const specs = specFromRows({ ...rows, instances: [], enis: [], ips: [], groups: [] });
    for (const vpcId of [...this.built.keys()]) {
      if (!specs.has(vpcId)) {
        await this.withVpc(vpcId, async () => {
          await this.ops.removeVpc(vpcId, new Changes());
          this.forget(vpcId);
        });
      }
    }
    for (const vpc of specs.values()) {
      const known = this.built.get(vpc.id);
      const same = known && known.size === vpc.subnets.size && [...vpc.subnets.keys()].every((s) => known.has(s));
      if (!same) {
        await this.withVpc(vpc.id, async () => {
          await this.ops.vpc(vpc, new Changes());
          this.noteBuilt(vpc);
        });
      }
    }
  }
}

interface Scope {
  enis: Set<string>;
  instances: Set<string>;
}

/** The part of a scope that lives in one VPC, before or after the task. */
function within(scope: Scope, ...views: Array<VpcSpec | undefined>): Scope {
  const here = (kind: 'enis' | 'instances') =>
    new Set([...scope[kind]].filter((id) => views.some((v) => v?.[kind].has(id))));
  return { enis: here('enis'), instances: here('instances') };
}

/** What a task touches: the ENIs and instances its payload names, and every ENI those instances
 *  hold before or after it. */
function scopeOf(ids: readonly string[], ...views: Array<Map<string, VpcSpec>>): Scope {
  const instances = new Set(ids.filter((id) => id.startsWith('ins-')));
  const enis = new Set(ids.filter((id) => id.startsWith('eni-')));
  for (const view of views) {
    for (const vpc of view.values()) {
      for (const e of vpc.enis.values()) if (e.instanceId && instances.has(e.instanceId)) enis.add(e.id);
    }
  }
  return { enis, instances };
}
