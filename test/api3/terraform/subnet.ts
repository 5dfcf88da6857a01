import { arr, bool, int, obj, READ_S, str, type Provider } from './provider.ts';

// tencentcloud_subnet: CreateSubnet, then always ModifySubnetAttribute (name and broadcast), and
// tags through the tag service; every read asks the tag service too, tags or not.

export async function create(
  tf: Provider,
  cfg: {
    vpcId: string;
    name: string;
    cidr: string;
    zone: string;
    broadcast?: boolean;
    tags?: Record<string, string>;
  },
) {
  const params: Record<string, unknown> = {
    VpcId: cfg.vpcId,
    SubnetName: cfg.name,
    CidrBlock: cfg.cidr,
    Zone: cfg.zone,
  };
  if (cfg.tags && Object.keys(cfg.tags).length) {
    params.Tags = Object.entries(cfg.tags).map(([Key, Value]) => ({ Key, Value }));
  }
  const r = await tf.call('vpc', 'CreateSubnet', params, { timeoutS: 180 });
  const id = str(obj(r.Subnet, 'Subnet').SubnetId, 'Subnet.SubnetId');
  // Always, right after the create.
  await tf.call(
    'vpc',
    'ModifySubnetAttribute',
    { SubnetId: id, SubnetName: cfg.name, EnableBroadcast: String(cfg.broadcast ?? false) },
    { timeoutS: 180, also: ['InternalError'] },
  );
  if (cfg.tags && Object.keys(cfg.tags).length) await tf.modifyTags('vpc', 'subnet', id, cfg.tags);
  return id;
}

export async function read(tf: Provider, id: string) {
  const r = await tf.call(
    'vpc',
    'DescribeSubnets',
    { Filters: [{ Name: 'subnet-id', Values: [id] }], Limit: '100', Offset: '0' },
    { timeoutS: READ_S, also: ['InternalError'] },
  );
  int(r.TotalCount, 'TotalCount');
  const set = arr(r.SubnetSet, 'SubnetSet');
  if (set.length === 0) return null;
  const s = set[0];
  const state = {
    id: str(s.SubnetId, 'SubnetId'),
    vpc_id: str(s.VpcId, 'VpcId'),
    name: str(s.SubnetName, 'SubnetName'),
    cidr_block: str(s.CidrBlock, 'CidrBlock'),
    availability_zone: str(s.Zone, 'Zone'),
    is_multicast: bool(s.EnableBroadcast, 'EnableBroadcast'),
    is_default: bool(s.IsDefault, 'IsDefault'),
    route_table_id: str(s.RouteTableId, 'RouteTableId'),
    cdc_id: str(s.CdcId, 'CdcId'),
    available_ip_count: int(s.AvailableIpAddressCount, 'AvailableIpAddressCount'),
    create_time: str(s.CreatedTime, 'CreatedTime'),
    tags: await tf.describeTags('vpc', 'subnet', id),
  };
  return state;
}

export function destroy(tf: Provider, id: string) {
  return tf.deleteRetrying('DeleteSubnet', { SubnetId: id });
}
