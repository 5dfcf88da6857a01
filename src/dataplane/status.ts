import type { NetnsDataPlane } from './netns-driver.ts';
import { names, specFromRows } from './spec.ts';

// `vpc-eni dataplane status`: every resource of the database with where the host must hold it, and
// what differs there. The differences are a dry-run reconcile's plan, so status and reconcile can
// never disagree; what the host holds and the database does not shows up as a stray.

export interface StatusRow {
  kind: 'vpc' | 'subnet' | 'instance' | 'eni' | 'stray';
  id: string;
  /** Where the host must hold it: a namespace, a bridge in one, a device in one. */
  host: string;
  differences: string[];
}

export async function statusOf(plane: NetnsDataPlane): Promise<StatusRow[]> {
  const spec = specFromRows(await plane.readRows());
  const plan = await plane.reconcile(true);
  const byResource = new Map<string, string[]>();
  for (const { resource, change } of plan.done) byResource.set(resource, [...(byResource.get(resource) ?? []), change]);
  const rows: StatusRow[] = [];
  const row = (kind: StatusRow['kind'], id: string, host: string) => {
    rows.push({ kind, id, host, differences: byResource.get(id) ?? [] });
    byResource.delete(id);
  };
  for (const vpc of spec.values()) {
    const vns = plane.ops.vpcNs(vpc.id);
    row('vpc', vpc.id, `netns ${vns}`);
    for (const s of vpc.subnets.values()) row('subnet', s.id, `${names.bridge(s.id)} in ${vns}`);
    for (const i of vpc.instances.values()) row('instance', i.id, `netns ${i.id}${i.running ? '' : ' (stopped)'}`);
    for (const e of vpc.enis.values()) {
      const where = e.instanceId ? names.instanceNs(e.instanceId) : `${vns} (parked)`;
      row('eni', e.id, `${names.eni(e.id)} in ${where}`);
    }
  }
  for (const [id, differences] of byResource) rows.push({ kind: 'stray', id, host: 'on the host only', differences });
  return rows;
}
