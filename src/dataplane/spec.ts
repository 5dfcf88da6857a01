import { createHash } from 'node:crypto';
import { formatIp, parseCidr } from '../domain/cidr.ts';
import { InstanceStatus } from '../domain/model.ts';
import type { HostRows } from '../store/dataplane.repo.ts';

// What the host must hold, derived from database rows, and the names things get there. Nothing
// here touches the host: the driver and the reconcile compare this with what they observe.

/** Device names are limited to 15 characters: `br-`/`pt-` + the 8 characters of an id (11), and
 *  the ENI's own id (12). Deployments differ by the prefix of their VPC namespaces instead. */
export const names = {
  vpcNs: (prefix: string, vpcId: string) => `${prefix}${vpcId}`,
  /** An instance's namespace is its id, so `ip netns exec ins-… <command>` works as users expect. */
  instanceNs: (instanceId: string) => instanceId,
  bridge: (subnetId: string) => `br-${suffix(subnetId)}`,
  port: (eniId: string) => `pt-${suffix(eniId)}`,
  eni: (eniId: string) => eniId,
};

const suffix = (id: string) => id.slice(id.indexOf('-') + 1);

/** Ownership markers, stored in the kernel objects themselves (interface aliases). */
export const marker = (deployment: string, kind: 'vpc' | 'subnet' | 'instance' | 'eni', id: string) =>
  `vpc-eni:${deployment}:${kind}:${id}`;

export function parseMarker(text: string): { deployment: string; kind: string; id: string } | null {
  const m = /^vpc-eni:([^:]+):(vpc|subnet|instance|eni):([a-z]+-[a-z0-9]+)$/.exec(text);
  return m ? { deployment: m[1]!, kind: m[2]!, id: m[3]! } : null;
}

export interface SubnetSpec {
  id: string;
  vpcId: string;
  /** The gateway address with the subnet's prefix length, e.g. 10.0.1.1/24. */
  gateway: string;
  gatewayIp: string;
  cidr: string;
  /** Fixed, so the gateway's MAC does not change as bridge ports come and go. */
  mac: string;
}

export interface InstanceSpec {
  id: string;
  vpcId: string;
  running: boolean;
  /** In a lifecycle transition: a task holds it, the reconcile leaves it to that task. */
  busy: boolean;
}

export interface EniSpec {
  id: string;
  vpcId: string;
  subnetId: string;
  mac: string;
  primary: boolean;
  /** Primary address first. */
  ips: string[];
  /** Its security groups, in order. */
  groups: string[];
  /** Where it is attached; null: parked, switched off, in its VPC's namespace. */
  instanceId: string | null;
  deviceIndex: number;
  /** A task holds it: the reconcile leaves it to that task. */
  busy: boolean;
}

export interface VpcSpec {
  id: string;
  subnets: Map<string, SubnetSpec>;
  instances: Map<string, InstanceSpec>;
  enis: Map<string, EniSpec>;
}

const TRANSITIONS: readonly number[] = [
  InstanceStatus.CREATING,
  InstanceStatus.STARTING,
  InstanceStatus.STOPPING,
  InstanceStatus.REBOOTING,
  InstanceStatus.TERMINATING,
];

export function subnetSpec(id: string, vpcId: string, cidr: string): SubnetSpec {
  const c = parseCidr(cidr)!;
  const gatewayIp = formatIp(c.network + 1);
  const h = createHash('sha256').update(id).digest();
  // 02: a locally administered unicast address.
  const mac = ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
  return { id, vpcId, gateway: `${gatewayIp}/${c.prefix}`, gatewayIp, cidr, mac };
}

/** The host as these rows say it must be, per VPC. An address being assigned is not on the host
 *  yet (its task puts it there); one being unassigned or moved still is, until its task is done. */
export function specFromRows(rows: HostRows): Map<string, VpcSpec> {
  const vpcs = new Map<string, VpcSpec>();
  for (const v of rows.vpcs) vpcs.set(v.id, { id: v.id, subnets: new Map(), instances: new Map(), enis: new Map() });
  for (const s of rows.subnets) vpcs.get(s.vpcId)?.subnets.set(s.id, subnetSpec(s.id, s.vpcId, s.cidr));
  for (const i of rows.instances) {
    vpcs.get(i.vpcId)?.instances.set(i.id, {
      id: i.id,
      vpcId: i.vpcId,
      running: i.status === InstanceStatus.RUNNING,
      busy: TRANSITIONS.includes(i.status),
    });
  }
  const ips = new Map<string, string[]>();
  for (const p of rows.ips) {
    if (p.state === 'ASSIGNING') continue;
    const list = ips.get(p.eniId) ?? [];
    list.push(formatIp(p.ip));
    ips.set(p.eniId, list);
  }
  const groups = new Map<string, string[]>();
  for (const g of rows.groups) groups.set(g.eniId, [...(groups.get(g.eniId) ?? []), g.sgId]);
  for (const e of rows.enis) {
    const vpc = vpcs.get(e.vpcId);
    if (!vpc) continue;
    const attached = e.instanceId !== null && vpc.instances.has(e.instanceId);
    vpc.enis.set(e.id, {
      id: e.id,
      vpcId: e.vpcId,
      subnetId: e.subnetId,
      mac: e.mac.toLowerCase(),
      primary: e.primary === 1,
      ips: ips.get(e.id) ?? [],
      groups: groups.get(e.id) ?? [],
      instanceId: attached ? e.instanceId : null,
      deviceIndex: e.deviceIndex ?? (e.primary === 1 ? 0 : 1),
      busy: e.taskId !== null,
    });
  }
  return vpcs;
}
