import {
  describeRouteTables,
  ROUTE_TABLE_NAME,
  type RouteTable,
  type RouteTableFilter,
} from '../../../../domain/network.service.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { defineAction, NEWEST_FIRST, pageOf } from '../../action.ts';
import { bool, filters, list, type Filters } from '../../schema.ts';
import { DESCRIBE_CODES, keepsAll, refuseCoexist, routeTableId, tagConditions, textPaging } from './params.wire.ts';

// Read-only: each VPC's main route table (network.service.ts). Terraform reads it on every VPC
// read (`association.main` = "true") and only logs an error, but dereferences every field it gets.

const FILTERS = [
  'route-table-id',
  'route-table-name',
  'vpc-id',
  'association.main',
  'association.subnet-id',
  'tag-key',
  'next-hop-type',
] as const;

/** The filters in domain terms. */
function tableFilter(f: Filters): RouteTableFilter {
  const main = f.get('association.main');
  // Every route is the local one: a next-hop type other than LOCAL matches nothing.
  const hops = f.get('next-hop-type');
  const local = hops === undefined || hops.some((h) => h.toUpperCase() === 'LOCAL');
  return {
    routeTableIds: local ? f.get('route-table-id') : [],
    vpcIds: f.get('vpc-id'),
    names: f.get('route-table-name'),
    subnetIds: f.get('association.subnet-id'),
    main: main === undefined ? undefined : keepsAll('association.main', main, 'true'),
    tags: tagConditions(f),
  };
}

function routeTableToWire(t: RouteTable) {
  const suffix = t.id.slice('rtb-'.length);
  const created = beijingTime(t.vpc.createdAt);
  return {
    VpcId: t.vpc.id,
    RouteTableId: t.id,
    RouteTableName: ROUTE_TABLE_NAME,
    AssociationSet: t.subnetIds.map((s) => ({ SubnetId: s, RouteTableId: t.id })),
    // The one route: the VPC's own block, delivered by the system.
    RouteSet: [
      {
        DestinationCidrBlock: t.vpc.cidr,
        GatewayType: 'LOCAL',
        GatewayId: 'Local',
        RouteId: 0,
        RouteDescription: 'local route of the VPC',
        Enabled: true,
        RouteType: 'NETD',
        RouteTableId: t.id,
        DestinationIpv6CidrBlock: '',
        RouteItemId: 'rti-' + suffix,
        PublishedToVbc: false,
        CreatedTime: created,
        CdcId: '',
      },
    ],
    Main: true,
    CreatedTime: created,
    TagSet: [],
    LocalCidrForCcn: [],
  };
}

export default defineAction({
  product: 'vpc',
  name: 'DescribeRouteTables',
  summary: "Each VPC's main route table (read-only): associated with all its subnets, one local route",
  async: false,
  params: {
    RouteTableIds: list(routeTableId().required(), { max: 100 }),
    Filters: filters({ names: FILTERS, tagPrefix: true, maxFilters: 10, maxValues: 100 }),
    ...textPaging(),
    // Every table's routes are always listed.
    NeedRouterInfo: bool(),
  },
  codes: DESCRIBE_CODES,
  async handle({ deps, caller }, p) {
    refuseCoexist(p.RouteTableIds, 'RouteTableIds', p.Filters);
    const ids = p.RouteTableIds?.length ? p.RouteTableIds : undefined;
    const page = await describeRouteTables(deps, caller, {
      filter: ids ? { routeTableIds: ids } : tableFilter(p.Filters ?? new Map()),
      order: NEWEST_FIRST,
      page: pageOf(p),
      mustExist: ids,
    });
    return { TotalCount: page.total, RouteTableSet: page.items.map(routeTableToWire) };
  },
});
