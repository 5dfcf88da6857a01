import { lockAccount } from '../store/account.repo.ts';
import type { Queryable } from '../store/db.ts';
import { insertSubnet } from '../store/subnet.repo.ts';
import { countVpcs, deleteVpc, findVpc, insertVpc, listVpcs, vpcCounts, type VpcCounts } from '../store/vpc.repo.ts';
import { formatCidr, isValidSubnetCidr, isValidVpcCidr, overlaps, parseCidr, type Cidr } from './cidr.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import type { Caller, OrderDirection, Page, Subnet, Vpc } from './model.ts';

export interface SubnetRequest {
  name: string;
  cidr: string;
  /** Numeric zone id or zone name. */
  zone: string;
}

export async function createVpc(
  deps: Deps,
  caller: Caller,
  input: { name: string; cidr: string; subnets: SubnetRequest[] },
): Promise<{ vpc: Vpc; subnets: Subnet[] }> {
  const cidr = parseCidr(input.cidr);
  if (!cidr || !isValidVpcCidr(cidr)) {
    fail(
      'InvalidVpcCidr',
      `cidrBlock ${input.cidr} must be a block of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask from /16 to /28`,
    );
  }
  const vpcId = deps.ids.id('vpc');
  const now = deps.now();
  const subnets = planSubnets(deps, caller, { id: vpcId, cidr }, [], input.subnets, now);
  return deps.db.tx(async (tx) => {
    await lockAccount(tx, caller.appId);
    if ((await countVpcs(tx, caller)) >= deps.config.quotas.vpcsPerRegion) {
      fail(
        'VpcLimitExceeded',
        `this account already has ${deps.config.quotas.vpcsPerRegion} VPCs in ${caller.region}, the quota`,
      );
    }
    if (subnets.length > deps.config.quotas.subnetsPerVpc) {
      fail('SubnetLimitExceeded', `a VPC may hold at most ${deps.config.quotas.subnetsPerVpc} subnets`);
    }
    const vpc: Vpc = {
      id: vpcId,
      appId: caller.appId,
      region: caller.region,
      name: input.name,
      cidr: input.cidr,
      createdAt: now,
    };
    await insertVpc(tx, vpc);
    for (const s of subnets) await insertSubnet(tx, s);
    return { vpc, subnets };
  });
}

/**
 * Turns subnet requests into subnets of the VPC: zones exist, blocks lie inside the VPC, and
 * overlap neither the VPC's existing subnets nor each other.
 */
export function planSubnets(
  deps: Deps,
  caller: Caller,
  vpc: { id: string; cidr: Cidr },
  existing: readonly Subnet[],
  requests: readonly SubnetRequest[],
  now: number,
): Subnet[] {
  const region = deps.catalogue.region(caller.region)!;
  const taken = existing.map((s) => ({ id: s.id, cidr: parseCidr(s.cidr)! }));
  const out: Subnet[] = [];
  for (const [i, r] of requests.entries()) {
    const cidr = parseCidr(r.cidr);
    if (!cidr || !isValidSubnetCidr(vpc.cidr, cidr)) {
      fail(
        'InvalidSubnetCidr',
        `subnetSet.${i}.cidrBlock ${r.cidr} must lie inside the VPC's ${formatCidr(vpc.cidr)} with a mask from /16 to /28`,
      );
    }
    const zone = deps.catalogue.zone(region, r.zone);
    if (!zone) fail('InvalidZone.NotFound', `zone ${r.zone} does not exist in ${region.name}`);
    const clash = taken.find((t) => overlaps(t.cidr, cidr));
    if (clash) fail('InvalidSubnet.Conflict', `subnetSet.${i}.cidrBlock ${r.cidr} overlaps ${clash.id}`);
    const id = deps.ids.id('subnet');
    taken.push({ id, cidr });
    out.push({
      id,
      appId: caller.appId,
      region: caller.region,
      vpcId: vpc.id,
      zoneId: zone.id,
      name: r.name,
      cidr: r.cidr,
      createdAt: now,
    });
  }
  return out;
}

export async function requireVpc(q: Queryable, caller: Caller, vpcId: string, lock = false): Promise<Vpc> {
  const vpc = await findVpc(q, caller, vpcId, lock);
  if (!vpc) fail('InvalidVpc.NotFound', `VPC ${vpcId} does not exist`);
  return vpc;
}

export async function describeVpcs(
  deps: Deps,
  caller: Caller,
  input: { vpcId?: string; name?: string; orderField: 'createTime' | 'vpcName'; orderDirection: OrderDirection } & Page,
): Promise<{ total: number; items: Array<{ vpc: Vpc; counts: VpcCounts }> }> {
  const q = deps.db;
  if (input.vpcId !== undefined) await requireVpc(q, caller, input.vpcId);
  const page = await listVpcs(
    q,
    caller,
    { vpcId: input.vpcId, name: input.name },
    { field: input.orderField, direction: input.orderDirection },
    input,
  );
  const items = [];
  for (const vpc of page.items) items.push({ vpc, counts: await vpcCounts(q, vpc.id) });
  return { total: page.total, items };
}

/** Deletes an empty VPC; its subnets go with it as long as they hold no instance or ENI. */
export async function removeVpc(deps: Deps, caller: Caller, vpcId: string): Promise<void> {
  await deps.db.tx(async (tx) => {
    await requireVpc(tx, caller, vpcId, true);
    const counts = await vpcCounts(tx, vpcId);
    if (counts.instances > 0 || counts.enis > 0) {
      fail('InvalidVpc.CannotDelete', `VPC ${vpcId} still holds ${counts.instances} instances and ${counts.enis} ENIs`);
    }
    await deleteVpc(tx, vpcId);
  });
}
