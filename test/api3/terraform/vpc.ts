import {
  ApiError,
  Again,
  arr,
  bool,
  inList,
  int,
  READ_S,
  RETRYABLE,
  str,
  tagMap,
  obj,
  type Provider,
} from './provider.ts';

// tencentcloud_vpc: CreateVpc (then a 1 s wait), DescribeVpcs by filter and the main route table
// on read, ModifyVpcAttribute on update, DeleteVpc retried on every error but ResourceNotFound.

export async function create(
  tf: Provider,
  cfg: {
    name: string;
    cidr: string;
    multicast?: boolean;
    dnsServers?: string[];
    tags?: Record<string, string>;
  },
) {
  const params: Record<string, unknown> = {
    VpcName: cfg.name,
    CidrBlock: cfg.cidr,
    EnableMulticast: String(cfg.multicast ?? false),
    EnableRouteVpcPublish: false,
    EnableRouteVpcPublishIpv6: false,
  };
  if (cfg.dnsServers?.length) params.DnsServers = cfg.dnsServers;
  if (cfg.tags && Object.keys(cfg.tags).length) {
    params.Tags = Object.entries(cfg.tags).map(([Key, Value]) => ({ Key, Value }));
  }
  const r = await tf.call('vpc', 'CreateVpc', params, { timeoutS: 180 });
  const vpc = obj(r.Vpc, 'Vpc');
  const id = str(vpc.VpcId, 'Vpc.VpcId');
  bool(vpc.IsDefault, 'Vpc.IsDefault');
  await tf.sleep(1);
  return id;
}

/** Read: DescribeVpcs by filter, in pages, then the main route table (whose errors are only logged). */
export async function read(tf: Provider, id: string) {
  return tf.retry(READ_S, async () => {
    const found: any[] = [];
    try {
      for (let offset = 0; ;) {
        const r = await tf.api('vpc', 'DescribeVpcs', {
          Filters: [{ Name: 'vpc-id', Values: [id] }],
          Limit: '100',
          Offset: String(offset),
        });
        const total = int(r.TotalCount, 'TotalCount');
        const page = arr(r.VpcSet, 'VpcSet');
        if (page.length === 0) break;
        for (const v of page) {
          if (found.some((f) => f.VpcId === v.VpcId)) throw new Error(`DescribeVpcs repeats ${v.VpcId}`);
          found.push(v);
        }
        offset += page.length;
        if (offset >= total) break;
      }
    } catch (err) {
      if (err instanceof ApiError && inList(err.code, [...RETRYABLE, 'InternalError'])) {
        throw new Again(err.message, { cause: err });
      }
      throw err;
    }
    if (found.length === 0) return null;
    if (found.length > 1) throw new Error(`DescribeVpcs found ${found.length} VPCs for ${id}`);
    const v = found[0];
    const state = {
      id: str(v.VpcId, 'VpcId'),
      name: str(v.VpcName, 'VpcName'),
      cidr_block: str(v.CidrBlock, 'CidrBlock'),
      is_multicast: bool(v.EnableMulticast, 'EnableMulticast'),
      is_default: bool(v.IsDefault, 'IsDefault'),
      create_time: str(v.CreatedTime, 'CreatedTime'),
      dns_servers: arr(v.DnsServerSet, 'DnsServerSet')
        .map((d, i) => str(d, `DnsServerSet[${i}]`))
        .sort(),
      assistant_cidrs: arr(v.AssistantCidrSet, 'AssistantCidrSet'),
      tags: tagMap(v.TagSet, 'TagSet'),
      enable_route_vpc_publish: bool(v.EnableRouteVpcPublish, 'EnableRouteVpcPublish'),
      default_route_table_id: '',
    };
    try {
      const t = await tf.api('vpc', 'DescribeRouteTables', {
        Filters: [
          { Name: 'vpc-id', Values: [id] },
          { Name: 'association.main', Values: ['true'] },
        ],
        Limit: '100',
        Offset: '0',
      });
      int(t.TotalCount, 'TotalCount');
      for (const [i, table] of arr(t.RouteTableSet, 'RouteTableSet').entries()) {
        readRouteTable(table, `RouteTableSet[${i}]`);
        if (table.Main && state.default_route_table_id === '') state.default_route_table_id = table.RouteTableId;
      }
    } catch (err) {
      // The provider only logs a DescribeRouteTables error.
      if (!(err instanceof ApiError)) throw err;
    }
    return state;
  });
}

export async function update(
  tf: Provider,
  id: string,
  cfg: { name: string; multicast?: boolean; dnsServers?: string[] },
) {
  const params: Record<string, unknown> = {
    VpcId: id,
    VpcName: cfg.name,
    EnableMulticast: String(cfg.multicast ?? false),
    EnableRouteVpcPublish: false,
    EnableRouteVpcPublishIpv6: false,
  };
  if (cfg.dnsServers?.length) params.DnsServers = cfg.dnsServers;
  await tf.call('vpc', 'ModifyVpcAttribute', params, { timeoutS: 180, also: ['InternalError'] });
}

/** Delete: every error but ResourceNotFound (done) is retried for 5 minutes. */
export function destroy(tf: Provider, id: string) {
  return tf.deleteRetrying('DeleteVpc', { VpcId: id });
}

/** What the provider reads of a route table (every field, RouteItemId included). */
function readRouteTable(t: any, at: string): void {
  str(t.CreatedTime, `${at}.CreatedTime`);
  bool(t.Main, `${at}.Main`);
  str(t.RouteTableName, `${at}.RouteTableName`);
  str(t.RouteTableId, `${at}.RouteTableId`);
  str(t.VpcId, `${at}.VpcId`);
  for (const [i, a] of arr(t.AssociationSet, `${at}.AssociationSet`).entries()) {
    str(a.SubnetId, `${at}.AssociationSet[${i}].SubnetId`);
  }
  for (const [i, r] of arr(t.RouteSet, `${at}.RouteSet`).entries()) {
    const p = `${at}.RouteSet[${i}]`;
    str(r.DestinationCidrBlock, `${p}.DestinationCidrBlock`);
    str(r.GatewayType, `${p}.GatewayType`);
    str(r.GatewayId, `${p}.GatewayId`);
    int(r.RouteId, `${p}.RouteId`);
    str(r.RouteDescription, `${p}.RouteDescription`);
    bool(r.Enabled, `${p}.Enabled`);
    str(r.RouteType, `${p}.RouteType`);
    str(r.RouteTableId, `${p}.RouteTableId`);
    str(r.DestinationIpv6CidrBlock, `${p}.DestinationIpv6CidrBlock`);
    str(r.RouteItemId, `${p}.RouteItemId`);
    bool(r.PublishedToVbc, `${p}.PublishedToVbc`);
    str(r.CreatedTime, `${p}.CreatedTime`);
  }
}
