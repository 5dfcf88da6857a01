import type { Queryable } from '../store/db.ts';
import {
  deleteSubnet,
  findSubnet,
  insertSubnet,
  listSubnets,
  subnetsOfVpc,
  subnetUsage,
  type SubnetUsage,
} from '../store/subnet.repo.ts';
import { parseCidr, usableRange } from './cidr.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import type { Caller, OrderDirection, Page, Subnet } from './model.ts';
import { planSubnets, requireVpc, type SubnetRequest } from './vpc.service.ts';

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
      fail('SubnetLimitExceeded', `VPC ${vpc.id} may hold at most ${deps.config.quotas.subnetsPerVpc} subnets`);
    }
    for (const s of subnets) await insertSubnet(tx, s);
    return subnets;
  });
}

export async function requireSubnet(
  q: Queryable,
  caller: Caller,
  vpcId: string,
  subnetId: string,
  lock = false,
): Promise<Subnet> {
  const subnet = await findSubnet(q, caller, vpcId, subnetId, lock);
  if (!subnet) fail('InvalidSubnet.NotFound', `subnet ${subnetId} does not exist in VPC ${vpcId}`);
  return subnet;
}

export interface SubnetView {
  subnet: Subnet;
  usage: SubnetUsage;
  totalIps: number;
}

export async function describeSubnets(
  deps: Deps,
  caller: Caller,
  input: {
    vpcId?: string;
    subnetId?: string;
    name?: string;
    zoneIds: string[];
    orderField: 'createTime' | 'subnetName';
    orderDirection: OrderDirection;
  } & Page,
): Promise<{ total: number; items: SubnetView[] }> {
  const q = deps.db;
  if (input.vpcId !== undefined) await requireVpc(q, caller, input.vpcId);
  const region = deps.catalogue.region(caller.region)!;
  const zoneIds = input.zoneIds.map((z) => {
    const zone = deps.catalogue.zone(region, z);
    if (!zone) fail('InvalidZone.NotFound', `zone ${z} does not exist in ${region.name}`);
    return zone.id;
  });
  const page = await listSubnets(
    q,
    caller,
    { vpcId: input.vpcId, subnetId: input.subnetId, name: input.name, zoneIds },
    { field: input.orderField, direction: input.orderDirection },
    input,
  );
  if (input.subnetId !== undefined && page.total === 0) {
    fail('InvalidSubnet.NotFound', `subnet ${input.subnetId} does not exist`);
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
  input: { vpcId: string; subnetId: string },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    await requireVpc(tx, caller, input.vpcId, true);
    await requireSubnet(tx, caller, input.vpcId, input.subnetId, true);
    const usage = await subnetUsage(tx, input.subnetId);
    if (usage.instances > 0 || usage.enis > 0) {
      fail(
        'InvalidSubnet.CannotDelete',
        `subnet ${input.subnetId} still holds ${usage.instances} instances and ${usage.enis} ENIs`,
      );
    }
    await deleteSubnet(tx, input.subnetId);
  });
}
