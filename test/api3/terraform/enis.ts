import { ApiError, arr, bool, READ_S, str, tagMap, type Provider } from './provider.ts';

// The tencentcloud_enis data source: by ids, or by filters built from its arguments; Offset 0,
// Limit 100, and the next page while a page has exactly 100. ResourceNotFound is an empty list.

export async function read(
  tf: Provider,
  args: {
    ids?: string[];
    vpcId?: string;
    subnetId?: string;
    instanceId?: string;
    securityGroup?: string;
    name?: string;
    description?: string;
    ipv4?: string;
    tags?: Record<string, string>;
  },
) {
  const base: Record<string, unknown> = {};
  if (args.ids) base.NetworkInterfaceIds = args.ids;
  else {
    const filters: Array<{ Name: string; Values: string[] }> = [];
    const add = (Name: string, v: string | undefined) => v !== undefined && filters.push({ Name, Values: [v] });
    add('vpc-id', args.vpcId);
    add('subnet-id', args.subnetId);
    add('attachment.instance-id', args.instanceId);
    add('groups.security-group-id', args.securityGroup);
    add('network-interface-name', args.name);
    add('network-interface-description', args.description);
    add('address-ip', args.ipv4);
    for (const [k, v] of Object.entries(args.tags ?? {})) add(`tag:${k}`, v);
    if (filters.length) base.Filters = filters;
  }
  const found: any[] = [];
  let pages = 0;
  try {
    for (let offset = 0; ; offset += 100) {
      const r = await tf.call(
        'vpc',
        'DescribeNetworkInterfaces',
        { ...base, Offset: offset, Limit: 100 },
        { timeoutS: READ_S },
      );
      pages++;
      const page = arr(r.NetworkInterfaceSet, 'NetworkInterfaceSet');
      found.push(...page);
      if (page.length !== 100) break;
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'ResourceNotFound')) throw err;
  }
  const list = found.map((e, n) => {
    const at = `NetworkInterfaceSet[${n}]`;
    return {
      id: str(e.NetworkInterfaceId, `${at}.NetworkInterfaceId`),
      name: str(e.NetworkInterfaceName, `${at}.NetworkInterfaceName`),
      description: str(e.NetworkInterfaceDescription, `${at}.NetworkInterfaceDescription`),
      vpc_id: str(e.VpcId, `${at}.VpcId`),
      subnet_id: str(e.SubnetId, `${at}.SubnetId`),
      primary: bool(e.Primary, `${at}.Primary`),
      mac: str(e.MacAddress, `${at}.MacAddress`),
      state: str(e.State, `${at}.State`),
      create_time: str(e.CreatedTime, `${at}.CreatedTime`),
      ipv4s: arr(e.PrivateIpAddressSet, `${at}.PrivateIpAddressSet`).map((i) => ({
        ip: str(i.PrivateIpAddress, 'PrivateIpAddress'),
        primary: bool(i.Primary, 'Primary'),
      })),
      ipv6s: arr(e.Ipv6AddressSet, `${at}.Ipv6AddressSet`),
      security_groups: arr(e.GroupSet, `${at}.GroupSet`).map((g) => str(g, 'GroupSet[]')),
      tags: tagMap(e.TagSet, `${at}.TagSet`),
      cdc_id: str(e.CdcId, `${at}.CdcId`),
      instance_id: e.Attachment ? str(e.Attachment.InstanceId, `${at}.Attachment.InstanceId`) : '',
    };
  });
  return { enis: list, pages };
}
