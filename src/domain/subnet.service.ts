import {
  deleteSubnet,
  insertSubnet,
  listSubnets,
  subnetsOfVpc,
  subnetUsage,
  updateSubnet,
  type SubnetFilter,
  type SubnetUsage,
} from '../store/subnet.repo.ts';
import { putTags, tagsOf } from '../store/tag.repo.ts';
import { parseCidr, usableRange } from './cidr.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import { requireSubnet, requireVpc } from './lookup.ts';
import type { Caller, OrderDirection, Page, Subnet, Tag } from './model.ts';
import { checkTags } from './tag.service.ts';
import { checkSubnetRequests, planSubnets, type SubnetRequest } from './vpc.service.ts';

export async function createSubnets(
  deps: Deps,
  caller: Caller,
  /** `tags`: every new subnet gets them (API 3.0). */
  input: { vpcId: string; subnets: SubnetRequest[]; tags?: Tag[] },
): Promise<Subnet[]> {
  checkSubnetRequests(input.subnets);
  checkTags(input.tags ?? []);
  const now = deps.now();
  return deps.db.tx(async (tx) => {
    const vpc = await requireVpc(tx, caller, input.vpcId, true);
    const existing = await subnetsOfVpc(tx, vpc.id);
    const subnets = planSubnets(deps, caller, { id: vpc.id, cidr: parseCidr(vpc.cidr)! }, existing, input.subnets, now);
    if (existing.length + subnets.length > deps.config.quotas.subnetsPerVpc) {
      fail('subnetQuota', `VPC ${vpc.id} may hold at most ${deps.config.quotas.subnetsPerVpc} subnets`);
    }
    for (const s of subnets) {
      await insertSubnet(tx, s);
      await putTags(tx, { appId: caller.appId, region: caller.region, type: 'subnet', id: s.id }, input.tags ?? []);
    }
    return subnets;
  });
}

export interface SubnetView {
  subnet: Subnet;
  usage: SubnetUsage;
  totalIps: number;
  tags: Tag[];
}

/** A subnet just created: nothing in it yet but the tags it was created with. */
export function newSubnetView(subnet: Subnet, tags: Tag[] = []): SubnetView {
  return {
    subnet,
    usage: { instances: 0, enis: 0, usedIps: 0 },
    totalIps: usableRange(parseCidr(subnet.cidr)!).count,
    tags,
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
  const tags = await tagsOf(
    q,
    page.items.map((s) => s.id),
  );
  const items: SubnetView[] = [];
  for (const subnet of page.items) {
    items.push({
      subnet,
      usage: await subnetUsage(q, subnet.id),
      totalIps: usableRange(parseCidr(subnet.cidr)!).count,
      tags: tags.get(subnet.id) ?? [],
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

/** Renames a subnet and/or turns broadcast on or off; absent fields keep their value. */
export async function modifySubnet(
  deps: Deps,
  caller: Caller,
  input: { subnetId: string; name?: string; broadcast?: boolean },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    const subnet = await requireSubnet(tx, caller, input.subnetId, { lock: true });
    const attributes = input.broadcast === undefined ? undefined : { ...subnet.attributes, broadcast: input.broadcast };
    await updateSubnet(tx, subnet.id, { name: input.name, attributes });
  });
}
