import { lockAccount } from '../store/account.repo.ts';
import { insertSubnet } from '../store/subnet.repo.ts';
import { putTags, tagsOf } from '../store/tag.repo.ts';
import {
  countVpcs,
  deleteVpc,
  insertVpc,
  listVpcs,
  updateVpc,
  vpcCounts,
  type VpcCounts,
  type VpcFilter,
} from '../store/vpc.repo.ts';
import { formatCidr, isValidSubnetCidr, isValidVpcCidr, overlaps, parseCidr, type Cidr } from './cidr.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import { MAX_IPS_UNATTACHED_ENI } from './limits.ts';
import { requireVpc, requireZone } from './lookup.ts';
import type { Caller, OrderDirection, Page, Subnet, Tag, Vpc } from './model.ts';
import { checkTags } from './tag.service.ts';

export interface SubnetRequest {
  name: string;
  cidr: string;
  /** Numeric zone id or zone name. */
  zone: string;
  /** The route table to associate, when the request names one: only the VPC's main table exists. */
  routeTableId?: string;
  attributes?: Record<string, unknown>;
}

/** VPC settings that are stored and echoed back with no rule attached (the VPC's `attributes`). */
export interface VpcSettings {
  multicast: boolean;
  /** DNS servers handed out by DHCP; empty when none were given (the front door shows its default). */
  dnsServers: string[];
  domainName: string;
  routeVpcPublish: boolean;
  routeVpcPublishIpv6: boolean;
}

const NO_SETTINGS: VpcSettings = {
  multicast: false,
  dnsServers: [],
  domainName: '',
  routeVpcPublish: false,
  routeVpcPublishIpv6: false,
};

/** A VPC's settings, defaults filled in (VPCs made through v2 have none stored). */
export function vpcSettings(vpc: Vpc): VpcSettings {
  return { ...NO_SETTINGS, ...(vpc.attributes as Partial<VpcSettings>) };
}

/**
 * Every VPC has exactly one route table, its main one, created and deleted with it. Route tables
 * are not stored: the id is derived from the VPC's.
 */
export function mainRouteTableId(vpcId: string): string {
  return 'rtb-' + vpcId.slice('vpc-'.length);
}

export interface CreateVpcInput {
  name: string;
  cidr: string;
  subnets: SubnetRequest[];
  /** Masks from /12 in the 10/8 and 172.16/12 ranges (API 3.0); v2 starts at /16. */
  wideMasks?: boolean;
  settings?: Partial<VpcSettings>;
  /** Tags of the new VPC (API 3.0). */
  tags?: Tag[];
}

export async function createVpc(
  deps: Deps,
  caller: Caller,
  input: CreateVpcInput,
): Promise<{ vpc: Vpc; subnets: Subnet[] }> {
  const cidr = parseCidr(input.cidr);
  if (!cidr || !isValidVpcCidr(cidr, input.wideMasks)) {
    const masks = input.wideMasks ? '/12 (/16 for 192.168.0.0/16)' : '/16';
    fail(
      'invalidVpcCidr',
      `${input.cidr} must be a block of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask from ${masks} to /28`,
      { field: 'cidr', reason: cidr ? 'range' : 'malformed' },
    );
  }
  checkSubnetRequests(input.subnets);
  checkTags(input.tags ?? []);
  const vpcId = deps.ids.id('vpc');
  const now = deps.now();
  const subnets = planSubnets(deps, caller, { id: vpcId, cidr }, [], input.subnets, now);
  return deps.db.tx(async (tx) => {
    await lockAccount(tx, caller.appId);
    if ((await countVpcs(tx, caller)) >= deps.config.quotas.vpcsPerRegion) {
      fail(
        'vpcQuota',
        `this account already has ${deps.config.quotas.vpcsPerRegion} VPCs in ${caller.region}, the quota`,
      );
    }
    if (subnets.length > deps.config.quotas.subnetsPerVpc) {
      fail('subnetQuota', `a VPC may hold at most ${deps.config.quotas.subnetsPerVpc} subnets`);
    }
    const vpc: Vpc = {
      id: vpcId,
      appId: caller.appId,
      region: caller.region,
      name: input.name,
      cidr: input.cidr,
      createdAt: now,
      attributes: { ...input.settings },
    };
    await insertVpc(tx, vpc);
    await putTags(tx, { appId: caller.appId, region: caller.region, type: 'vpc', id: vpcId }, input.tags ?? []);
    for (const s of subnets) await insertSubnet(tx, s);
    return { vpc, subnets };
  });
}

/**
 * What the request alone decides about new subnets, so it answers before any lookup: each block is
 * a network address with a mask from /16 to /28, and no two requested blocks overlap.
 */
export function checkSubnetRequests(requests: readonly SubnetRequest[]): void {
  const blocks: Cidr[] = [];
  for (const [i, r] of requests.entries()) {
    const cidr = parseCidr(r.cidr);
    if (!cidr || cidr.prefix < 16 || cidr.prefix > 28) {
      fail('invalidSubnetCidr', `${r.cidr} must be a network address with a mask from /16 to /28`, {
        field: `subnets.${i}.cidr`,
        reason: cidr ? 'range' : 'malformed',
      });
    }
    const clash = blocks.findIndex((b) => overlaps(b, cidr));
    if (clash >= 0) {
      fail('subnetConflict', `${r.cidr} overlaps ${requests[clash]!.cidr}, requested in the same call`, {
        field: `subnets.${i}.cidr`,
      });
    }
    blocks.push(cidr);
  }
}

/**
 * Turns subnet requests, already checked (checkSubnetRequests), into subnets of the VPC: zones exist,
 * blocks lie inside the VPC, and overlap neither the VPC's existing subnets nor each other.
 */
export function planSubnets(
  deps: Deps,
  caller: Caller,
  vpc: { id: string; cidr: Cidr },
  existing: readonly Subnet[],
  requests: readonly SubnetRequest[],
  now: number,
): Subnet[] {
  const taken = existing.map((s) => ({ id: s.id, cidr: parseCidr(s.cidr)! }));
  const out: Subnet[] = [];
  for (const [i, r] of requests.entries()) {
    const cidr = parseCidr(r.cidr);
    if (!cidr || !isValidSubnetCidr(vpc.cidr, cidr)) {
      fail(
        'invalidSubnetCidr',
        `${r.cidr} must lie inside the VPC's ${formatCidr(vpc.cidr)} with a mask from /16 to /28`,
        {
          field: `subnets.${i}.cidr`,
          reason: cidr ? 'range' : 'malformed',
        },
      );
    }
    const zone = requireZone(deps, caller, r.zone);
    if (r.routeTableId !== undefined && r.routeTableId !== mainRouteTableId(vpc.id)) {
      // Only the main table exists: naming another names a missing resource (of the VPC, as
      // route tables are not a resource of their own here).
      fail('notFound', `route table ${r.routeTableId} does not exist in VPC ${vpc.id}`, {
        field: `subnets.${i}.routeTableId`,
        resource: 'vpc',
      });
    }
    const clash = taken.find((t) => overlaps(t.cidr, cidr));
    if (clash) fail('subnetConflict', `${r.cidr} overlaps ${clash.id}`, { field: `subnets.${i}.cidr` });
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
      attributes: r.attributes ?? {},
    });
  }
  return out;
}

export async function describeVpcs(
  deps: Deps,
  caller: Caller,
  input: {
    filter: VpcFilter;
    order: { field: 'createdAt' | 'name'; direction: OrderDirection };
    page: Page;
    /** Ids that must name VPCs of the caller, else not found. */
    mustExist?: readonly string[];
  },
): Promise<{ total: number; items: Array<{ vpc: Vpc; counts: VpcCounts; tags: Tag[] }> }> {
  const q = deps.db;
  for (const id of input.mustExist ?? []) await requireVpc(q, caller, id);
  const page = await listVpcs(q, caller, input.filter, input.order, input.page);
  const tags = await tagsOf(
    q,
    page.items.map((v) => v.id),
  );
  const items = [];
  for (const vpc of page.items) {
    items.push({ vpc, counts: await vpcCounts(q, vpc.id), tags: tags.get(vpc.id) ?? [] });
  }
  return { total: page.total, items };
}

/** The quotas that bound the VPC side, as configured for this deployment. */
export function vpcLimits(deps: Deps): {
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  enisPerVpc: number;
  ipsPerEni: number;
} {
  const q = deps.config.quotas;
  return {
    vpcsPerRegion: q.vpcsPerRegion,
    subnetsPerVpc: q.subnetsPerVpc,
    enisPerVpc: q.enisPerVpc,
    ipsPerEni: MAX_IPS_UNATTACHED_ENI,
  };
}

/** Deletes an empty VPC; its subnets go with it as long as they hold no instance or ENI. */
export async function removeVpc(deps: Deps, caller: Caller, vpcId: string): Promise<void> {
  await deps.db.tx(async (tx) => {
    await requireVpc(tx, caller, vpcId, true);
    const counts = await vpcCounts(tx, vpcId);
    if (counts.instances > 0 || counts.enis > 0) {
      fail('inUse', `VPC ${vpcId} still holds ${counts.instances} instances and ${counts.enis} ENIs`, {
        resource: 'vpc',
      });
    }
    await deleteVpc(tx, vpcId);
  });
}

/**
 * Renames a VPC and/or changes its stored settings (multicast, DNS servers, domain name, route
 * publishing); absent fields keep their value. Synchronous: no task touches these.
 */
export async function modifyVpc(
  deps: Deps,
  caller: Caller,
  input: { vpcId: string; name?: string; settings: Partial<VpcSettings> },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    const vpc = await requireVpc(tx, caller, input.vpcId, true);
    const given = Object.fromEntries(Object.entries(input.settings).filter(([, v]) => v !== undefined));
    await updateVpc(tx, vpc.id, { name: input.name, attributes: { ...vpc.attributes, ...given } });
  });
}
