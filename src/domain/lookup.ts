import type { Queryable } from '../store/db.ts';
import { findEni } from '../store/eni.repo.ts';
import { findInstance } from '../store/instance.repo.ts';
import { findSecurityGroup } from '../store/sg.repo.ts';
import { findSubnet } from '../store/subnet.repo.ts';
import { findVpc } from '../store/vpc.repo.ts';
import type { Deps } from './deps.ts';
import { fail, notFound } from './errors.ts';
import type { Caller, Eni, Instance, SecurityGroup, Subnet, Vpc } from './model.ts';
import type { Region, Zone } from './regions.ts';

// Every "this id must name a resource of the caller" lookup, in one place. A resource of another
// account or region is indistinguishable from none. `lock` takes the row lock the rules need
// (docs/decisions.md, "Locks"); `vpcId`, where a protocol names one, narrows the search to that VPC
// (v2 answers NotFound for an ENI or subnet in another VPC; API 3.0 names no VPC at all).

export async function requireVpc(q: Queryable, caller: Caller, vpcId: string, lock = false): Promise<Vpc> {
  const vpc = await findVpc(q, caller, vpcId, lock);
  if (!vpc) notFound('vpc', `VPC ${vpcId} does not exist`);
  return vpc;
}

export interface Scope {
  vpcId?: string;
  lock?: boolean;
}

const inVpc = (vpcId: string | undefined) => (vpcId === undefined ? '' : ` in VPC ${vpcId}`);

export async function requireSubnet(q: Queryable, caller: Caller, subnetId: string, o: Scope = {}): Promise<Subnet> {
  const subnet = await findSubnet(q, caller, subnetId, o);
  if (!subnet) notFound('subnet', `subnet ${subnetId} does not exist${inVpc(o.vpcId)}`);
  return subnet;
}

export async function requireEni(q: Queryable, caller: Caller, eniId: string, o: Scope = {}): Promise<Eni> {
  const eni = await findEni(q, caller, eniId, o);
  if (!eni) notFound('eni', `ENI ${eniId} does not exist${inVpc(o.vpcId)}`);
  return eni;
}

export async function requireInstance(
  q: Queryable,
  caller: Caller,
  instanceId: string,
  lock = false,
): Promise<Instance> {
  const instance = await findInstance(q, caller, instanceId, lock);
  if (!instance) notFound('instance', `instance ${instanceId} does not exist`);
  return instance;
}

/** The groups, row-locked (DeleteSecurityGroup locks them too), in the order given. */
export async function requireSecurityGroups(
  q: Queryable,
  caller: Caller,
  sgIds: readonly string[],
): Promise<SecurityGroup[]> {
  const out: SecurityGroup[] = [];
  for (const sgId of sgIds) {
    const sg = await findSecurityGroup(q, caller, sgId, true);
    if (!sg) notFound('securityGroup', `security group ${sgId} does not exist`);
    out.push(sg);
  }
  return out;
}

/** Refuses a list that names one id twice; `field` is the list's domain name. */
export function requireDistinct(ids: readonly string[], field: string, what: string): void {
  const twice = ids.findIndex((id, n) => ids.indexOf(id) !== n);
  if (twice >= 0)
    fail('invalidValue', `${what} ${ids[twice]} is listed twice`, { field: `${field}.${twice}`, reason: 'duplicate' });
}

/** The subnet an ENI lives in (it never changes, so it always exists while the ENI does). */
export async function subnetOf(q: Queryable, caller: Caller, eni: Eni, lock = false): Promise<Subnet> {
  return (await findSubnet(q, caller, eni.subnetId, { lock }))!;
}

export function callerRegion(deps: Deps, caller: Caller): Region {
  return deps.catalogue.region(caller.region)!;
}

/** A zone of the caller's region, by name or numeric id. */
export function requireZone(deps: Deps, caller: Caller, zone: string): Zone {
  const region = callerRegion(deps, caller);
  const found = deps.catalogue.zone(region, zone);
  if (!found) notFound('zone', `zone ${zone} does not exist in ${region.name}`);
  return found;
}
