import { nftJson, type NftObject } from './host.ts';
import { names, type EniSpec } from './spec.ts';

// The nftables of one VPC namespace, two tables named `vpceni`:
//  - bridge: a prerouting chain sends each port's frames to its ENI's chain (a verdict map by
//    port), which drops what the ENI may not send (anti-spoofing). Stateless: the bridge family has
//    no connection tracking on this kernel.
//  - inet: the forward hook, which bridged traffic passes too (bridge netfilter is on in every
//    namespace) and where connections are tracked. After `ct state established,related accept`,
//    the source address leads to the sending ENI's egress chain and the destination address to the
//    receiving ENI's ingress chain (verdict maps by address; anti-spoofing makes the source honest);
//    each jumps to the chains of the ENI's security groups, in order. A group's chains are where its
//    rules will go; the API has none yet, so they are empty and everything passes.
// Each ENI's entries are written as one transaction stating all of them, so a write is atomic and
// idempotent. nft 1.0.6 has no `destroy`: an idempotent delete adds the object first.

export const TABLE = 'vpceni';

/** The tables, maps and base chains: declared (idempotently) by every ENI's transaction, so it
 *  applies even where they are missing. */
const DECLARE = `add table bridge ${TABLE}
add map bridge ${TABLE} ports { type ifname : verdict; }
add table inet ${TABLE}
add map inet ${TABLE} from-eni { type ipv4_addr : verdict; }
add map inet ${TABLE} to-eni { type ipv4_addr : verdict; }
`;

/** Everything of the VPC's own, written when its namespace is made (and by the reconcile). */
export const BASE_RULES = `add table bridge ${TABLE}
add map bridge ${TABLE} ports { type ifname : verdict; }
add chain bridge ${TABLE} pre { type filter hook prerouting priority -200; policy accept; }
flush chain bridge ${TABLE} pre
add rule bridge ${TABLE} pre iifname vmap @ports
add table inet ${TABLE}
add map inet ${TABLE} from-eni { type ipv4_addr : verdict; }
add map inet ${TABLE} to-eni { type ipv4_addr : verdict; }
add chain inet ${TABLE} forward { type filter hook forward priority 0; policy accept; }
flush chain inet ${TABLE} forward
add rule inet ${TABLE} forward ct state established,related accept
add rule inet ${TABLE} forward ip saddr vmap @from-eni
add rule inet ${TABLE} forward ip daddr vmap @to-eni
`;

const short = (id: string) => id.slice(id.indexOf('-') + 1);

/** nftables names of one ENI and of one security group. */
export const nftNames = (eniId: string) => ({
  chain: eniId,
  set: `ips-${short(eniId)}`,
  port: names.port(eniId),
  ingress: `in-${short(eniId)}`,
  egress: `out-${short(eniId)}`,
});
const groupChains = (sgId: string) => ({ ingress: `gin-${short(sgId)}`, egress: `gout-${short(sgId)}` });

/** What one VPC namespace's nftables hold: per ENI, its port mapping, anti-spoofing addresses and
 *  groups; and which ENI each routed address leads to. */
export interface NftView {
  enis: Map<string, { mapped: boolean; ips: string[]; groups: string[] }>;
  routes: Map<string, string>;
  /** Rules in the base chains (bridge prerouting, inet forward): 1 + 3 when whole. */
  baseRules: number;
}

export const BASE_RULE_COUNT = 4;

const emptyView = (): NftView => ({ enis: new Map(), routes: new Map(), baseRules: 0 });

/** One `nft -j list ruleset` in the VPC namespace (nothing yet: an empty view). */
export async function observeNft(vns: string): Promise<NftView> {
  let objects: NftObject[];
  try {
    objects = await nftJson(vns, 'list', 'ruleset');
  } catch {
    return emptyView();
  }
  return viewOf(objects);
}

/** Only which ENI each address leads to: what a task needs to move addresses between ENIs. */
export async function observeRoutes(vns: string): Promise<NftView> {
  try {
    return viewOf(await nftJson(vns, 'list', 'map', 'inet', TABLE, 'to-eni'));
  } catch {
    return emptyView();
  }
}

function viewOf(objects: NftObject[]): NftView {
  const view = emptyView();
  const entry = (s: string) => {
    const id = `eni-${s}`;
    const e = view.enis.get(id) ?? { mapped: false, ips: [], groups: [] };
    view.enis.set(id, e);
    return e;
  };
  const target = (v: unknown) => (v as { jump?: { target?: string } } | null)?.jump?.target ?? '';
  for (const o of objects) {
    if (o.set?.name.startsWith('ips-')) entry(o.set.name.slice(4)).ips = (o.set.elem ?? []).map(String);
    if (o.map?.name === 'ports' && o.map.family === 'bridge') {
      for (const [port] of o.map.elem ?? []) entry(String(port).slice(3)).mapped = true;
    }
    if (o.map?.name === 'to-eni') {
      for (const [addr, verdict] of o.map.elem ?? []) view.routes.set(String(addr), `eni-${target(verdict).slice(3)}`);
    }
    if (
      (o.rule?.family === 'bridge' && o.rule.chain === 'pre') ||
      (o.rule?.family === 'inet' && o.rule.chain === 'forward')
    ) {
      view.baseRules++;
    }
    if (o.rule?.family === 'inet' && o.rule.chain.startsWith('in-')) {
      const jump = target(o.rule.expr?.[0]);
      if (jump.startsWith('gin-')) entry(o.rule.chain.slice(3)).groups.push(`sg-${jump.slice(4)}`);
    }
  }
  return view;
}

/** Records in `view` what a write of `eniScript(e)` (or, with e null, `removeScript`) changed, so the
 *  next ENI of the same pass sees the ruleset as it is now, not as it was. */
export function afterWrite(view: NftView, eniId: string, e: EniSpec | null): void {
  for (const [addr, owner] of [...view.routes]) if (owner === eniId) view.routes.delete(addr);
  if (!e) {
    view.enis.delete(eniId);
    return;
  }
  for (const addr of e.ips) view.routes.set(addr, eniId);
  view.enis.set(eniId, { mapped: true, ips: [...e.ips], groups: [...e.groups] });
}

/** Whether nftables already hold what `e` needs. */
export function sameNft(view: NftView, e: EniSpec): boolean {
  const s = view.enis.get(e.id);
  const sorted = (a: readonly string[]) => [...a].sort().join();
  return (
    s !== undefined &&
    s.mapped &&
    sorted(s.ips) === sorted(e.ips) &&
    s.groups.join() === e.groups.join() &&
    e.ips.every((a) => view.routes.get(a) === e.id) &&
    [...view.routes].every(([a, owner]) => owner !== e.id || e.ips.includes(a))
  );
}

/** The transaction that makes nftables hold exactly what `e` needs. An address that led to another
 *  ENI (it moved) is taken over; addresses the ENI lost are unrouted. */
export function eniScript(e: EniSpec, view: NftView): string {
  const n = nftNames(e.id);
  const b = `bridge ${TABLE}`;
  const i = `inet ${TABLE}`;
  const lines = [
    DECLARE,
    // Anti-spoofing: frames from the port carry its MAC, and its addresses in ARP and IPv4; nothing
    // else (IPv6 included) leaves it.
    `add set ${b} ${n.set} { type ipv4_addr; }`,
    `flush set ${b} ${n.set}`,
    ...(e.ips.length ? [`add element ${b} ${n.set} { ${e.ips.join(', ')} }`] : []),
    `add chain ${b} ${n.chain}`,
    `flush chain ${b} ${n.chain}`,
    `add rule ${b} ${n.chain} ether saddr != ${e.mac} drop`,
    `add rule ${b} ${n.chain} ether type arp arp saddr ether != ${e.mac} drop`,
    `add rule ${b} ${n.chain} ether type arp arp saddr ip != @${n.set} drop`,
    `add rule ${b} ${n.chain} ether type ip ip saddr != @${n.set} drop`,
    `add rule ${b} ${n.chain} ether type != { arp, ip } drop`,
    `add element ${b} ports { "${n.port}" : jump ${n.chain} }`,
    // Security groups.
    `add chain ${i} ${n.ingress}`,
    `flush chain ${i} ${n.ingress}`,
    `add chain ${i} ${n.egress}`,
    `flush chain ${i} ${n.egress}`,
  ];
  for (const sg of e.groups) {
    const g = groupChains(sg);
    lines.push(`add chain ${i} ${g.ingress}`, `add chain ${i} ${g.egress}`);
    lines.push(`add rule ${i} ${n.ingress} jump ${g.ingress}`, `add rule ${i} ${n.egress} jump ${g.egress}`);
  }
  for (const [addr, owner] of view.routes) {
    if ((owner === e.id && !e.ips.includes(addr)) || (owner !== e.id && e.ips.includes(addr))) {
      lines.push(`delete element ${i} to-eni { ${addr} }`, `delete element ${i} from-eni { ${addr} }`);
    }
  }
  for (const addr of e.ips) {
    if (view.routes.get(addr) !== e.id) {
      lines.push(
        `add element ${i} to-eni { ${addr} : jump ${n.ingress} }`,
        `add element ${i} from-eni { ${addr} : jump ${n.egress} }`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** The transaction that removes every entry of an ENI, whatever of it exists. */
export function removeScript(eniId: string, view: NftView): string {
  const n = nftNames(eniId);
  const b = `bridge ${TABLE}`;
  const i = `inet ${TABLE}`;
  const lines = [DECLARE];
  for (const [addr, owner] of view.routes) {
    if (owner === eniId)
      lines.push(`delete element ${i} to-eni { ${addr} }`, `delete element ${i} from-eni { ${addr} }`);
  }
  lines.push(
    `add chain ${b} ${n.chain}`,
    `add element ${b} ports { "${n.port}" : jump ${n.chain} }`,
    `delete element ${b} ports { "${n.port}" }`,
    `flush chain ${b} ${n.chain}`,
    `delete chain ${b} ${n.chain}`,
    `add set ${b} ${n.set} { type ipv4_addr; }`,
    `delete set ${b} ${n.set}`,
  );
  for (const chain of [n.ingress, n.egress])
    lines.push(`add chain ${i} ${chain}`, `flush chain ${i} ${chain}`, `delete chain ${i} ${chain}`);
  return lines.join('\n') + '\n';
}
