import {
  deleteSubnet,
  insertSubnet,
  listSubnets,
  subnetsOfVpc,
  subnetUsage,
  type SubnetFilter,
  type SubnetUsage,
} from '../store/subnet.repo.ts';
import { parseCidr, usableRange } from './cidr.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import { requireSubnet, requireVpc } from './lookup.ts';
import type { Caller, OrderDirection, Page, Subnet } from './model.ts';
import { planSubnets, type SubnetRequest } from './vpc.service.ts';

export async function createSubnets(
  deps: Deps,
  caller: Caller,
  input: { vpcId: string; subnets: SubnetRequest[] },
): Promise<Subnet[]> {
  const now = deps.now();
  return deps.db.tx(async (tx) => {
    const vpc = await requireVpc(tx, caller, input.vpcId, true);
    const existing = await subnetsOfVpc(tx, vpc.id);
    const subnets = planSubnets(deps, caller, { id: vpc.id, cidr: parseCidr(vpc.cidr)! }, existing, input.subnets, now);
    if (existing.length + subnets.length > deps.config.quotas.subnetsPerVpc) {
      fail('subnetQuota', `VPC ${vpc.id} may hold at most ${deps.config.quotas.subnetsPerVpc} subnets`);
    }
    for (const s of subnets) await insertSubnet(tx, s);
    return subnets;
  });
}

export interface SubnetView {
  subnet: Subnet;
  usage: SubnetUsage;
  totalIps: number;
}

/** A subnet just created: nothing in it yet. */
export function newSubnetView(subnet: Subnet): SubnetView {
  return {
    subnet,
    usage: { instances: 0, enis: 0, usedIps: 0 },
    totalIps: usableRange(parseCidr(subnet.cidr)!).count,
  };
}

/** Subnet settings stored and echoed back with no rule attached (the subnet's `attributes`). */
export function subnetSettings(subnet: Subnet): { broadcast: boolean } {
  return { broadcast: subnet.attributes.broadcast === true };
}

export async function describeSubnets(
  deps: Deps,
  caller: Caller,
  input: {
    filter: SubnetFilter;
    order: { field: 'createdAt' | 'name'; direction: OrderDirection };
    page: Page;
    /** Ids that must name resources of the caller, else not found. */
    mustExist?: { vpcId?: string; subnetIds?: readonly string[] };
  },
): Promise<{ total: number; items: SubnetView[] }> {
  const q = deps.db;
  if (input.mustExist?.vpcId !== undefined) await requireVpc(q, caller, input.mustExist.vpcId);
  const page = await listSubnets(q, caller, input.filter, input.order, input.page);
  for (const id of input.mustExist?.subnetIds ?? []) {
    if (!page.items.some((s) => s.id === id)) await requireSubnet(q, caller, id, { vpcId: input.mustExist?.vpcId });
  }
  const items: SubnetView[] = [];
  for (const subnet of page.items) {
    items.push({
      subnet,
      usage: await subnetUsage(q, subnet.id),
      totalIps: usableRange(parseCidr(subnet.cidr)!).count,
    });
  }
  return { total: page.total, items };
}

export async function removeSubnet(
  deps: Deps,
  caller: Caller,
  input: { vpcId?: string; subnetId: string },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    if (input.vpcId !== undefined) await requireVpc(tx, caller, input.vpcId, true);
    await requireSubnet(tx, caller, input.subnetId, { vpcId: input.vpcId, lock: true });
    const usage = await subnetUsage(tx, input.subnetId);
    if (usage.instances > 0 || usage.enis > 0) {
      fail('inUse', `subnet ${input.subnetId} still holds ${usage.instances} instances and ${usage.enis} ENIs`, {
        resource: 'subnet',
      });
    }
    await deleteSubnet(tx, input.subnetId);
  });
}
