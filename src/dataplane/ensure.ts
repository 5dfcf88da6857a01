import { spawn } from 'node:child_process';
import { parseCidr } from '../domain/cidr.ts';
import {
  deleteNamespace,
  ensureNamespace,
  findLink,
  HostError,
  inNs,
  ip,
  ipBatch,
  ipJson,
  ipv4Of,
  isUp,
  links,
  nft,
  NETNS_DIR,
  type LinkInfo,
} from './host.ts';
import {
  afterWrite,
  BASE_RULES,
  eniScript,
  observeNft,
  observeRoutes,
  removeScript,
  sameNft,
  type NftView,
} from './nft.ts';
import { marker, names, type EniSpec, type SubnetSpec, type VpcSpec } from './spec.ts';

// The host operations, each an *ensure*: observe, compare with the spec, change only the
// difference. Run twice, the second run changes nothing; interrupted anywhere (a crash, a kill of
// `ip` half-way), the next run finishes the job. Every change goes through `Changes`, which
// records it (the reconcile's report, `dataplane status`) and, in a dry run, only records it.

export class Changes {
  readonly done: Array<{ resource: string; change: string }> = [];
  constructor(readonly dryRun = false) {}

  async make(resource: string, change: string, fn: () => Promise<unknown>): Promise<void> {
    this.done.push({ resource, change });
    if (!this.dryRun) await fn();
  }
}

/** The routing table of the ENI at device index d inside an instance (policy routing per ENI). */
const eniTable = (deviceIndex: number) => 100 + deviceIndex;

export class HostOps {
  constructor(
    readonly prefix: string,
    /** The deployment named in ownership markers. */
    readonly deployment: string,
  ) {}

  vpcNs(vpcId: string): string {
    return names.vpcNs(this.prefix, vpcId);
  }

  /** The VPC's namespace, routing between its subnets, its base rules and one bridge per subnet;
   *  bridges of subnets that are gone are removed. */
  async vpc(spec: VpcSpec, c: Changes): Promise<LinkInfo[]> {
    const ns = this.vpcNs(spec.id);
    const m = marker(this.deployment, 'vpc', spec.id);
    const lo = await findLink(ns, 'lo');
    if (lo?.ifalias !== m || !lo || !isUp(lo)) {
      // Marked last: a namespace marked ours has its forwarding and base rules.
      await c.make(spec.id, lo ? 'mark namespace' : `create namespace ${ns}`, () =>
        ensureNamespace(ns, m, async () => {
          await inNs(ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
          await nft(ns, BASE_RULES);
        }),
      );
    }
    const observed = c.dryRun && !lo ? [] : await links(ns);
    for (const subnet of spec.subnets.values()) {
      await this.bridge(ns, subnet, observed.find((l) => l.ifname === names.bridge(subnet.id)) ?? null, c);
    }
    for (const l of observed) {
      const owner = this.owned(l, 'subnet');
      if (owner && !spec.subnets.has(owner)) {
        await c.make(owner, `remove bridge ${l.ifname}`, () => deleteLink(ns, l.ifname));
      }
    }
    return observed;
  }

  /** The id a link of ours of `kind` belongs to, by its marker; null when it is not ours. */
  owned(l: LinkInfo, kind: 'subnet' | 'eni'): string | null {
    const head = `vpc-eni:${this.deployment}:${kind}:`;
    return l.ifalias?.startsWith(head) ? l.ifalias.slice(head.length) : null;
  }

  private async bridge(ns: string, s: SubnetSpec, l: LinkInfo | null, c: Changes): Promise<void> {
    const br = names.bridge(s.id);
    const fix: string[] = [];
    if (!l) fix.push(`link add ${br} address ${s.mac} type bridge`);
    else if (l.address !== s.mac) fix.push(`link set ${br} address ${s.mac}`);
    if (l?.ifalias !== marker(this.deployment, 'subnet', s.id)) {
      fix.push(`link set ${br} alias ${marker(this.deployment, 'subnet', s.id)}`);
    }
    if (!l || !ipv4Of(l).includes(s.gateway)) fix.push(`addr replace ${s.gateway} dev ${br}`);
    if (!l || !isUp(l)) fix.push(`link set ${br} up`);
    if (fix.length) await c.make(s.id, l ? `repair bridge ${br}` : `create bridge ${br}`, () => ipBatch(ns, fix));
  }

  async removeVpc(vpcId: string, c: Changes): Promise<void> {
    const ns = this.vpcNs(vpcId);
    if (await findLink(ns, 'lo')) await c.make(vpcId, `remove namespace ${ns}`, () => deleteNamespace(ns));
  }

  /** An instance's namespace, marked ours. */
  async instance(instanceId: string, c: Changes): Promise<void> {
    const ns = names.instanceNs(instanceId);
    const m = marker(this.deployment, 'instance', instanceId);
    const lo = await findLink(ns, 'lo');
    if (lo?.ifalias !== m || !lo || !isUp(lo)) {
      await c.make(instanceId, lo ? 'mark namespace' : `create namespace ${ns}`, () => ensureNamespace(ns, m));
    }
  }

  /** Terminate's last step, never followed by a failure: the namespace and whatever runs in it. */
  async removeInstance(instanceId: string, c: Changes): Promise<void> {
    const ns = names.instanceNs(instanceId);
    if (await findLink(ns, 'lo')) await c.make(instanceId, `remove namespace ${ns}`, () => deleteNamespace(ns));
  }

  /** Where the ENI's device is among `candidates` (namespaces), or null when in none. In the VPC's
   *  namespace every such device is ours (a crash may have left it unmarked); in an instance's, only a
   *  marked one is: anything else there is the user's, never taken for ours. */
  async locate(
    vpcId: string,
    eniId: string,
    candidates: readonly string[],
  ): Promise<{ ns: string; link: LinkInfo } | null> {
    for (const ns of new Set(candidates)) {
      const link = await findLink(ns, names.eni(eniId));
      if (link && this.isEni(vpcId, ns, link)) return { ns, link };
    }
    return null;
  }

  isEni(vpcId: string, ns: string, link: LinkInfo): boolean {
    return ns === this.vpcNs(vpcId) || link.ifalias === marker(this.deployment, 'eni', link.ifname);
  }

  /**
   * One ENI as its spec says: a veth pair whose `pt-` end is a port of its subnet's bridge and whose
   * other end (named after the ENI, carrying its MAC) sits in its instance's namespace with its
   * addresses, up while the instance runs, or parked down and bare in the VPC's namespace.
   * `found`: where the device is now (observed by the caller), null when it exists nowhere.
   */
  async eni(
    vpc: VpcSpec,
    e: EniSpec,
    found: { ns: string; link: LinkInfo } | null,
    port: LinkInfo | null,
    c: Changes,
    nftView?: NftView,
  ): Promise<void> {
    const vns = this.vpcNs(e.vpcId);
    const subnet = vpc.subnets.get(e.subnetId);
    if (!subnet) throw new Error(`subnet ${e.subnetId} of ${e.id} is not in ${e.vpcId}`);
    const dev = names.eni(e.id);
    const pt = names.port(e.id);
    const br = names.bridge(e.subnetId);
    const m = marker(this.deployment, 'eni', e.id);
    const target = e.instanceId ? names.instanceNs(e.instanceId) : vns;

    // 1. The pair. A port without its device is half a pair left by a crash: made again whole.
    if (!found) {
      const lines = port ? [`link del ${pt}`] : [];
      lines.push(`link add ${dev} address ${e.mac} type veth peer name ${pt}`, `link set ${dev} alias ${m}`);
      await c.make(e.id, `create ${dev}/${pt}`, () => ipBatch(vns, lines));
      found = { ns: vns, link: { ifname: dev, address: e.mac, ifalias: m, flags: [] } };
      port = { ifname: pt, flags: [] };
    }
    const portFix: string[] = [];
    if (port!.ifalias !== m) portFix.push(`link set ${pt} alias ${m}`);
    if (port!.master !== br) portFix.push(`link set ${pt} master ${br}`);
    if (!isUp(port!)) portFix.push(`link set ${pt} up`);
    if (portFix.length) {
      await c.make(e.id, `attach ${pt} to ${br}`, () =>
        ipBatch(vns, portFix).catch((err: unknown) => {
          // The kernel's limit of ports per bridge (1023).
          if (err instanceof HostError && /Exchange full/.test(err.stderr)) {
            throw new HostError(`subnet ${e.subnetId}`, `its bridge ${br} is full (1023 ports)`);
          }
          throw err;
        }),
      );
    }
    // A task writes the ENI's rules whatever they are (one idempotent transaction), knowing only
    // which ENI each address leads to; the reconcile has observed them all and writes what differs.
    const view = nftView ?? (await observeRoutes(vns));
    if (!nftView || !sameNft(nftView, e)) {
      const script = eniScript(e, view);
      afterWrite(view, e.id, e);
      await c.make(e.id, 'write rules (anti-spoofing, security groups)', () => nft(vns, script));
    }

    // 2. Into place. Moving a link wipes its addresses and routes and brings it down. It is marked
    // before it leaves: in an instance's namespace only a marked device is taken for ours.
    let link = found.link;
    if (found.ns !== target) {
      const from = found.ns;
      const lines = [`link set ${dev} alias ${m}`, `link set ${dev} down`, `link set ${dev} netns ${target}`];
      await c.make(e.id, `move ${dev} to ${target}`, () =>
        ipBatch(from, lines).catch((err: unknown) => {
          if (err instanceof HostError && /exists/.test(err.stderr)) {
            throw new HostError(
              `move ${dev} to ${target}`,
              `${target} already has a device named ${dev} that is not this ENI`,
            );
          }
          throw err;
        }),
      );
      link = { ...link, ifalias: m, flags: [], addr_info: [] };
    }
    const fix: string[] = [];
    if (link.address !== e.mac) fix.push(`link set ${dev} address ${e.mac}`);
    if (link.ifalias !== m) fix.push(`link set ${dev} alias ${m}`);
    const instance = e.instanceId ? vpc.instances.get(e.instanceId) : undefined;
    const wanted = instance ? addresses(e, subnet) : [];
    const have = ipv4Of(link);
    const added = wanted.filter((a) => !have.includes(a));
    for (const a of have.filter((x) => !wanted.includes(x))) fix.push(`addr del ${a} dev ${dev}`);
    for (const a of added) fix.push(`addr add ${a} dev ${dev}`);
    const up = instance?.running ?? false;
    if (up !== isUp(link)) fix.push(`link set ${dev} ${up ? 'up' : 'down'}`);
    if (fix.length) await c.make(e.id, `configure ${dev} in ${target}`, () => ipBatch(target, fix));

    // 3. Routes (they vanish while a link is down) and gratuitous ARP for addresses that appeared.
    if (up && instance) {
      // A dry run cannot look inside a namespace it only planned to create or move into.
      if (c.dryRun && found.ns !== target) c.done.push({ resource: e.id, change: `route ${dev}` });
      else await this.routes(target, e, subnet, c);
      const fresh = found.ns !== target || !isUp(link) ? wanted : added;
      if (fresh.length && !c.dryRun) announce(target, dev, fresh);
    }
  }

  /** Policy routing per ENI, as a cloud's guest agent sets it up: replies leave by the ENI their
   *  address belongs to (else anti-spoofing drops them); the primary ENI holds the default route. */
  private async routes(ns: string, e: EniSpec, s: SubnetSpec, c: Changes): Promise<void> {
    const dev = names.eni(e.id);
    const table = eniTable(e.deviceIndex);
    const [primary] = e.ips;
    if (!primary) return;
    const routes = await ipJson<{ dst: string; gateway?: string; dev?: string; table?: string }>(
      ns,
      'route',
      'show',
      'table',
      'all',
    );
    const hasRoute = (dst: string, t: string, gw?: string) =>
      routes.some((r) => r.dst === dst && r.dev === dev && (r.table ?? 'main') === t && r.gateway === gw);
    const lines: string[] = [];
    if (!hasRoute(s.cidr, String(table)))
      lines.push(`route replace ${s.cidr} dev ${dev} src ${primary} table ${table}`);
    if (!hasRoute('default', String(table), s.gatewayIp)) {
      lines.push(`route replace default via ${s.gatewayIp} dev ${dev} table ${table}`);
    }
    if (e.primary && !hasRoute('default', 'main', s.gatewayIp))
      lines.push(`route replace default via ${s.gatewayIp} dev ${dev}`);
    const rules = await ipJson<{ src?: string; table?: string }>(ns, 'rule', 'show');
    const mine = rules.filter((r) => r.table === String(table)).map((r) => r.src ?? '');
    for (const src of mine.filter((x) => !e.ips.includes(x))) lines.push(`rule del from ${src} table ${table}`);
    for (const src of e.ips.filter((x) => !mine.includes(x))) lines.push(`rule add from ${src} table ${table}`);
    if (lines.length) await c.make(e.id, `route ${dev}`, () => ipBatch(ns, lines));
  }

  /** Deletes an ENI: its rules first, then its port (which takes the whole pair, wherever the other
   *  end is): the port is what a clean-up looks for, so it goes last. `view`: the VPC's nftables as
   *  a reconcile observed them (else observed here). */
  async removeEni(vpcId: string, eniId: string, c: Changes, view?: NftView): Promise<void> {
    const vns = this.vpcNs(vpcId);
    const port = await findLink(vns, names.port(eniId));
    view ??= await observeNft(vns);
    const inNft = view.enis.has(eniId) || [...view.routes.values()].includes(eniId);
    if (!port && !inNft) return;
    const script = removeScript(eniId, view);
    afterWrite(view, eniId, null);
    await c.make(eniId, 'remove', async () => {
      await nft(vns, script);
      if (port) await deleteLink(vns, names.port(eniId));
    });
  }
}

/** Deletes a link; one already gone counts as deleted (a pair whose other end was in a deleted
 *  namespace vanishes a moment later, when the kernel frees that namespace). */
async function deleteLink(ns: string, dev: string): Promise<void> {
  await ip(ns, 'link', 'del', dev).catch((err: unknown) => {
    if (!(err instanceof HostError && /Cannot find device/.test(err.stderr))) throw err;
  });
}

/** The addresses an attached ENI carries: the primary with its subnet's prefix, the others /32 (so
 *  removing one never takes the others with it, as secondaries of one prefix would be). */
function addresses(e: EniSpec, s: SubnetSpec): string[] {
  const prefix = parseCidr(s.cidr)!.prefix;
  return e.ips.map((a, n) => (n === 0 ? `${a}/${prefix}` : `${a}/32`));
}

/** Gratuitous ARP: the gateway and neighbours learn at once where an address now is (else the first
 *  packets wait for an ARP entry to expire). Best effort, not awaited: arping sends at once but then
 *  waits a second for replies that never come, which no task should wait for; `-w 1` bounds it. */
function announce(ns: string, dev: string, addrs: readonly string[]): void {
  for (const a of addrs) {
    const child = spawn(
      'nsenter',
      [`--net=${NETNS_DIR}/${ns}`, 'arping', '-q', '-U', '-c', '1', '-w', '1', '-I', dev, a.split('/')[0]!],
      {
        stdio: 'ignore',
      },
    );
    child.on('error', () => undefined);
    child.unref();
  }
}
