import type { Changes } from './ensure.ts';
import { BASE_RULE_COUNT, BASE_RULES, observeNft } from './nft.ts';
import {
  deleteNamespace,
  links,
  listNamespaces,
  namespaceBirth,
  namespaceMarker,
  nft,
  removeBroken,
  type LinkInfo,
} from './host.ts';
import type { NetnsDataPlane } from './netns-driver.ts';
import { names, parseMarker, specFromRows } from './spec.ts';

// The reconcile: makes the host match the committed database, in the order that keeps every step
// valid — VPCs and subnets, then instances, then ENIs into place, then clean-up of what the
// database no longer has (stray ENIs, instance namespaces, VPC namespaces). It only removes what
// carries this deployment's marker, or, unmarked, has its prefix and outlived the grace period. A
// resource a task holds is left to that task. Reads are one link dump per namespace and one nft
// listing per VPC, never a snapshot reused after a change.

export async function reconcile(plane: NetnsDataPlane, c: Changes, graceMs: number): Promise<void> {
  const { ops } = plane;
  const spec = specFromRows(await plane.readRows());
  const { names: present, broken } = listNamespaces();
  const markers = new Map<string, ReturnType<typeof parseMarker>>();
  for (const ns of present) {
    if (ns.startsWith(ops.prefix) || ns.startsWith('ins-')) {
      markers.set(ns, parseMarker(await namespaceMarker(ns).catch(() => '')));
    }
  }
  const ours = (ns: string, kind: string) => {
    const m = markers.get(ns);
    return m?.deployment === ops.deployment && m.kind === kind ? m : null;
  };
  // An interrupted `ip netns add` of ours leaves an empty file that blocks the name.
  for (const name of broken) {
    const instanceOfOurs = [...spec.values()].some((v) => v.instances.has(name));
    if (name.startsWith(ops.prefix) || instanceOfOurs)
      await c.make(name, 'remove broken namespace file', async () => removeBroken(name));
  }

  for (const vpc of spec.values()) {
    await plane.withVpc(vpc.id, async () => {
      const vns = ops.vpcNs(vpc.id);
      const vpcLinks = await ops.vpc(vpc, c);
      if (!c.dryRun) plane.noteBuilt(vpc);
      for (const inst of vpc.instances.values()) if (!inst.busy) await ops.instance(inst.id, c);

      // Where every ENI device of this VPC is: one link dump per namespace that may hold one.
      const where = new Map<string, { ns: string; link: LinkInfo }>();
      const dumps: Array<[string, LinkInfo[]]> = [[vns, vpcLinks]];
      for (const id of vpc.instances.keys()) {
        if (present.includes(names.instanceNs(id)))
          dumps.push([names.instanceNs(id), await links(names.instanceNs(id))]);
      }
      for (const [ns, list] of dumps)
        for (const l of list)
          if (l.ifname.startsWith('eni-') && ops.isEni(vpc.id, ns, l)) where.set(l.ifname, { ns, link: l });
      const ports = new Map(vpcLinks.filter((l) => l.ifname.startsWith('pt-')).map((l) => [l.ifname, l]));
      const nftState = await observeNft(vns);
      if (nftState.baseRules !== BASE_RULE_COUNT) {
        await c.make(vpc.id, 'write base rules', () => nft(vns, BASE_RULES));
      }

      for (const e of vpc.enis.values()) {
        if (e.busy) continue;
        const found = where.get(names.eni(e.id)) ?? null;
        await ops.eni(vpc, e, found, ports.get(names.port(e.id)) ?? null, c, nftState);
      }
      // Stray ENIs: marked ours (or left in nftables) and unknown to the database.
      const strays = new Set<string>();
      for (const [, list] of dumps) {
        for (const l of list) {
          const id = ops.owned(l, 'eni');
          if (id && !vpc.enis.has(id)) strays.add(id);
        }
      }
      for (const id of [...nftState.enis.keys(), ...nftState.routes.values()]) if (!vpc.enis.has(id)) strays.add(id);
      for (const id of strays) await ops.removeEni(vpc.id, id, c, nftState);
    });
  }

  // Instance and VPC namespaces the database no longer has.
  const instances = new Map<string, boolean>();
  for (const v of spec.values()) for (const i of v.instances.values()) instances.set(i.id, i.busy);
  for (const ns of present) {
    const inst = ours(ns, 'instance');
    if (inst && !instances.has(inst.id)) await ops.removeInstance(inst.id, c);
    const vpc = ours(ns, 'vpc');
    if (vpc && !spec.has(vpc.id)) {
      await plane.withVpc(vpc.id, async () => {
        await ops.removeVpc(vpc.id, c);
        plane.forget(vpc.id);
      });
    }
    // Unmarked with our prefix: made by a `netns add` that crashed before marking it.
    const unmarked = ns.startsWith(ops.prefix) && !markers.get(ns) && !spec.has(ns.slice(ops.prefix.length));
    if (unmarked && Date.now() - namespaceBirth(ns) > graceMs) {
      await c.make(ns, 'remove unmarked namespace', () => deleteNamespace(ns));
    }
  }
}
