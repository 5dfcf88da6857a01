import { usedIps } from '../store/ip.repo.ts';
import { findSubnet, subnetsOfVpc } from '../store/subnet.repo.ts';
import type { TagCondition } from '../store/tag.repo.ts';
import { findVpc, listVpcs } from '../store/vpc.repo.ts';
import { containsIp, formatCidr, parseCidr, parseIp } from './cidr.ts';
import type { Deps } from './deps.ts';
import { fail, notFound } from './errors.ts';
import { requireSubnet, requireVpc } from './lookup.ts';
import type { Caller, OrderDirection, Page, PrivateIp, Vpc } from './model.ts';
import { mainRouteTableId } from './vpc.service.ts';

// Read-only views of a VPC's network: its route table and the addresses in use.
//
// Every VPC has exactly one route table, its main one, created and deleted with it and associated
// with every subnet of the VPC; it holds one local route, for the VPC's block. Route tables are not
// stored: each is derived from its VPC, and so is its id (mainRouteTableId), which is therefore
// stable for the VPC's life.

export interface RouteTable {
  id: string;
  vpc: Vpc;
  /** The subnets associated with it: all of the VPC's, oldest first. */
  subnetIds: string[];
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface RouteTableFilter {
  routeTableIds?: readonly string[];
  vpcIds?: readonly string[];
  names?: readonly string[];
  /** Associated with one of these subnets. */
  subnetIds?: readonly string[];
  main?: boolean;
  tags?: readonly TagCondition[];
}

/** Every route table is the main one of its VPC, named `default`. */
export const ROUTE_TABLE_NAME = 'default';

/** The VPC a route-table id can belong to (the inverse of mainRouteTableId), if any. */
const vpcIdOf = (routeTableId: string) =>
  /^rtb-[a-z0-9]{8}$/.test(routeTableId) ? 'vpc-' + routeTableId.slice('rtb-'.length) : undefined;

const intersect = (a: readonly string[] | undefined, b: readonly string[]) => (a ? a.filter((x) => b.includes(x)) : b);

export async function describeRouteTables(
  deps: Deps,
  caller: Caller,
  input: {
    filter: RouteTableFilter;
    order: { field: 'createdAt'; direction: OrderDirection };
    page: Page;
    /** Ids that must name route tables of the caller, else not found. */
    mustExist?: readonly string[];
  },
): Promise<{ total: number; items: RouteTable[] }> {
  const q = deps.db;
  for (const id of input.mustExist ?? []) {
    const vpcId = vpcIdOf(id);
    if (vpcId === undefined || !(await findVpc(q, caller, vpcId))) notFound('vpc', `route table ${id} does not exist`);
  }
  const f = input.filter;
  let vpcIds = f.vpcIds;
  if (f.routeTableIds)
    vpcIds = intersect(
      vpcIds,
      f.routeTableIds.flatMap((id) => vpcIdOf(id) ?? []),
    );
  if (f.subnetIds) {
    const owners: string[] = [];
    for (const id of f.subnetIds) {
      const subnet = await findSubnet(q, caller, id);
      if (subnet) owners.push(subnet.vpcId);
    }
    vpcIds = intersect(vpcIds, owners);
  }
  // Route tables carry no tags here, and none is anything but the main table named `default`.
  const nothing =
    f.tags !== undefined || f.main === false || (f.names !== undefined && !f.names.includes(ROUTE_TABLE_NAME));
  const page = await listVpcs(q, caller, { vpcIds: nothing ? [] : vpcIds }, input.order, input.page);
  const items: RouteTable[] = [];
  for (const vpc of page.items) {
    const subnets = await subnetsOfVpc(q, vpc.id);
    subnets.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    items.push({ id: mainRouteTableId(vpc.id), vpc, subnetIds: subnets.map((s) => s.id) });
  }
  return { total: page.total, items };
}

/**
 * The addresses held in a VPC (or one of its subnets), by subnet then address: every address
 * belongs to an ENI (an instance's through its primary ENI). `ips` asks about addresses, which must
 * lie in the subnet, or the VPC; `matching` (a filter) narrows to addresses, wherever they are;
 * `eniIds` to the addresses of those ENIs.
 */
export async function usedIpAddresses(
  deps: Deps,
  caller: Caller,
  input: {
    vpcId: string;
    subnetId?: string;
    ips?: readonly string[];
    matching?: readonly number[];
    eniIds?: readonly string[];
    page: Page;
  },
): Promise<{ total: number; items: PrivateIp[] }> {
  const q = deps.db;
  const vpc = await requireVpc(q, caller, input.vpcId);
  const subnet =
    input.subnetId === undefined ? undefined : await requireSubnet(q, caller, input.subnetId, { vpcId: vpc.id });
  const scope = parseCidr(subnet?.cidr ?? vpc.cidr)!;
  const ips = input.ips?.map((text, i) => {
    const ip = parseIp(text)!;
    if (!containsIp(scope, ip)) {
      fail(
        'ipNotInSubnet',
        `${text} is not in ${subnet ? `subnet ${subnet.id}` : `VPC ${vpc.id}`} (${formatCidr(scope)})`,
        {
          field: `ips.${i}`,
        },
      );
    }
    return ip;
  });
  return usedIps(
    q,
    { vpcId: vpc.id, subnetId: subnet?.id, ips: ips ?? input.matching, eniIds: input.eniIds },
    input.page,
  );
}
