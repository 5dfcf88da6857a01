import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';

// The VPC actions Terraform needs beyond create/describe/delete: ModifyVpcAttribute,
// ModifySubnetAttribute, ModifySecurityGroupAttribute, DescribeSecurityGroupAssociationStatistics,
// DescribeUsedIpAddress and DescribeRouteTables (each VPC's main table, read-only).

const unique = () => randomBytes(4).toString('hex');
const ZONE = 'ap-guangzhou-3';

for (const backend of backends()) {
  describe(`API 3.0 VPC attributes and lookups [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let b: Client3;
    let v2: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '500' });
      c = sdk3Client(server.port);
      b = sdk3Client(server.port, { account: ACCOUNT_B });
      v2 = server.client();
    });
    after(() => server.close());

    async function network(cidr = '10.0.0.0/16', subnetCidr = '10.0.1.0/24') {
      const vpc = (await c.ok('vpc', 'CreateVpc', { VpcName: 'v-' + unique(), CidrBlock: cidr })).Vpc;
      const subnet = (
        await c.ok('vpc', 'CreateSubnet', { VpcId: vpc.VpcId, SubnetName: 's', CidrBlock: subnetCidr, Zone: ZONE })
      ).Subnet;
      return { vpc, subnet, vpcId: vpc.VpcId as string, subnetId: subnet.SubnetId as string };
    }
    async function eni(net: { vpcId: string; subnetId: string }, extra: Record<string, unknown> = {}) {
      const r = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: net.vpcId,
        SubnetId: net.subnetId,
        NetworkInterfaceName: 'e',
        ...extra,
      });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      return r.NetworkInterface;
    }
    const describeVpc = async (id: string) => (await c.ok('vpc', 'DescribeVpcs', { VpcIds: [id] })).VpcSet[0];

    it('ModifyVpcAttribute changes what it is given and keeps the rest', async () => {
      const { vpcId, vpc } = await network();
      const r = await c.ok('vpc', 'ModifyVpcAttribute', {
        VpcId: vpcId,
        VpcName: 'renamed',
        EnableMulticast: 'true',
        DnsServers: ['1.1.1.1'],
        DomainName: 'corp.example',
        EnableRouteVpcPublish: false,
        EnableCdcPublish: false,
        EnableRouteVpcPublishIpv6: true,
      });
      assert.deepEqual(Object.keys(r), ['RequestId']);
      assert.deepEqual(await describeVpc(vpcId), {
        ...vpc,
        VpcName: 'renamed',
        EnableMulticast: true,
        DnsServerSet: ['1.1.1.1'],
        DomainName: 'corp.example',
        EnableRouteVpcPublishIpv6: true,
      });
      // Only the name (Terraform sends it every time): the settings stay; an empty DNS list too.
      await c.ok('vpc', 'ModifyVpcAttribute', { VpcId: vpcId, VpcName: 'again', DnsServers: [] });
      const now = await describeVpc(vpcId);
      assert.equal(now.VpcName, 'again');
      assert.equal(now.EnableMulticast, true);
      assert.deepEqual(now.DnsServerSet, ['1.1.1.1']);
      await c.ok('vpc', 'ModifyVpcAttribute', { VpcId: vpcId, EnableMulticast: false });
      assert.equal((await describeVpc(vpcId)).EnableMulticast, false);
      // The new name is the one v2 shows and both protocols search.
      const seen = await v2.call('DescribeVpcEx', { vpcId });
      assert.equal(seen.data[0].vpcName, 'again');
      const byName = await c.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-name', Values: ['AGAI'] }] });
      assert.ok(byName.VpcSet.some((v: any) => v.VpcId === vpcId));
      const old = await c.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-name', Values: ['renamed'] }] });
      assert.ok(!old.VpcSet.some((v: any) => v.VpcId === vpcId));
    });

    it('ModifyVpcAttribute refusals', async () => {
      const { vpcId } = await network();
      const modify = (p: Record<string, unknown>) => c.call('vpc', 'ModifyVpcAttribute', { VpcId: vpcId, ...p });
      isError(await c.call('vpc', 'ModifyVpcAttribute', {}), 'MissingParameter', 'VpcId');
      isError(await modify({ VpcId: 'vpc-1' }), 'InvalidParameterValue.Malformed', 'VpcId');
      isError(await modify({ VpcId: 'vpc-00000000' }), 'ResourceNotFound', 'vpc-00000000');
      isError(await b.call('vpc', 'ModifyVpcAttribute', { VpcId: vpcId, VpcName: 'x' }), 'ResourceNotFound', vpcId);
      isError(await modify({ VpcName: '' }), 'InvalidParameterValue', 'VpcName');
      isError(await modify({ VpcName: 'x'.repeat(61) }), 'InvalidParameterValue.TooLong', 'VpcName');
      isError(await modify({ EnableMulticast: 'maybe' }), 'InvalidParameterValue', 'EnableMulticast');
      isError(
        await modify({ DnsServers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5'] }),
        'InvalidParameterValue.LimitExceeded',
        'DnsServers',
      );
      isError(await modify({ DnsServers: ['dns.example'] }), 'InvalidParameterValue.Malformed', 'DnsServers.0');
      isError(await modify({ EnableRouteVpcPublish: 'sometimes' }), 'InvalidParameter', 'EnableRouteVpcPublish');
      // Nothing changed.
      assert.equal((await describeVpc(vpcId)).EnableMulticast, false);
    });

    it('ModifySubnetAttribute renames and switches broadcast', async () => {
      const { subnetId, subnet } = await network();
      assert.equal(subnet.EnableBroadcast, false);
      // What Terraform sends after every CreateSubnet.
      await c.ok('vpc', 'ModifySubnetAttribute', { SubnetId: subnetId, SubnetName: 'web', EnableBroadcast: 'true' });
      const read = async () => (await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [subnetId] })).SubnetSet[0];
      assert.deepEqual(await read(), { ...subnet, SubnetName: 'web', EnableBroadcast: true });
      await c.ok('vpc', 'ModifySubnetAttribute', { SubnetId: subnetId, EnableBroadcast: 'FALSE' });
      assert.deepEqual(await read(), { ...subnet, SubnetName: 'web', EnableBroadcast: false });
      const v2view = await v2.call('DescribeSubnetEx', { subnetId });
      assert.equal(v2view.data[0].subnetName, 'web');
      const modify = (p: Record<string, unknown>) =>
        c.call('vpc', 'ModifySubnetAttribute', { SubnetId: subnetId, ...p });
      isError(await c.call('vpc', 'ModifySubnetAttribute', {}), 'MissingParameter', 'SubnetId');
      isError(await modify({ SubnetId: 'subnet-x' }), 'InvalidParameterValue.Malformed', 'SubnetId');
      isError(await modify({ SubnetId: 'subnet-00000000' }), 'ResourceNotFound', 'subnet-00000000');
      isError(await b.call('vpc', 'ModifySubnetAttribute', { SubnetId: subnetId }), 'ResourceNotFound', subnetId);
      isError(await modify({ SubnetName: '' }), 'InvalidParameterValue', 'SubnetName');
      isError(await modify({ SubnetName: 'x'.repeat(61) }), 'InvalidParameterValue.TooLong', 'SubnetName');
      isError(await modify({ EnableBroadcast: 'on' }), 'InvalidParameterValue', 'EnableBroadcast');
    });

    it('ModifySecurityGroupAttribute renames and re-describes; UpdateTime moves', async () => {
      const created = (
        await c.ok('vpc', 'CreateSecurityGroup', { GroupName: 'g', GroupDescription: 'first', ProjectId: '3' })
      ).SecurityGroup;
      const sgId = created.SecurityGroupId;
      const read = async () =>
        (await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [sgId] })).SecurityGroupSet[0];
      await c.ok('vpc', 'ModifySecurityGroupAttribute', { SecurityGroupId: sgId, GroupName: 'web' });
      const renamed = await read();
      assert.deepEqual({ ...renamed, UpdateTime: created.UpdateTime }, { ...created, SecurityGroupName: 'web' });
      assertBeijingNow(renamed.UpdateTime);
      await c.ok('vpc', 'ModifySecurityGroupAttribute', { SecurityGroupId: sgId, GroupDescription: '' });
      assert.equal((await read()).SecurityGroupDesc, '');
      assert.equal((await read()).SecurityGroupName, 'web');
      assert.equal((await v2.call('DescribeSecurityGroupEx', { sgId })).data.detail[0].sgName, 'web');
      const modify = (p: Record<string, unknown>) =>
        c.call('vpc', 'ModifySecurityGroupAttribute', { SecurityGroupId: sgId, ...p });
      isError(await c.call('vpc', 'ModifySecurityGroupAttribute', {}), 'MissingParameter', 'SecurityGroupId');
      isError(await modify({ SecurityGroupId: 'sg-1' }), 'InvalidParameterValue.Malformed', 'SecurityGroupId');
      isError(await modify({ SecurityGroupId: 'sg-00000000' }), 'ResourceNotFound', 'sg-00000000');
      isError(await b.call('vpc', 'ModifySecurityGroupAttribute', { SecurityGroupId: sgId }), 'ResourceNotFound', sgId);
      isError(await modify({ GroupName: '' }), 'InvalidParameterValue', 'GroupName');
      isError(await modify({ GroupName: 'x'.repeat(61) }), 'InvalidParameterValue.TooLong', 'GroupName');
      isError(await modify({ GroupDescription: 'x'.repeat(101) }), 'InvalidParameterValue.TooLong', 'GroupDescription');
    });

    it('DescribeSecurityGroupAssociationStatistics counts instances and ENIs bound to each group', async () => {
      const net = await network();
      const sg = async () =>
        (await c.ok('vpc', 'CreateSecurityGroup', { GroupName: 'g', GroupDescription: '' })).SecurityGroup
          .SecurityGroupId as string;
      const [used, idle] = [await sg(), await sg()];
      const e1 = await eni(net, { SecurityGroupIds: [used] });
      await eni(net, { SecurityGroupIds: [idle, used] });
      const run = await c.ok('cvm', 'RunInstances', {
        Placement: { Zone: ZONE },
        ImageId: 'img-00000000',
        VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId },
        SecurityGroupIds: [used],
      });
      const stats = async (ids: string[]) =>
        (await c.ok('vpc', 'DescribeSecurityGroupAssociationStatistics', { SecurityGroupIds: ids }))
          .SecurityGroupAssociationStatisticsSet;
      // An instance being created already holds its group.
      assert.deepEqual(await stats([used, idle, used]), [
        {
          SecurityGroupId: used,
          CVM: 1,
          CDB: 0,
          ENI: 2,
          SG: 0,
          CLB: 0,
          InstanceStatistics: [
            { InstanceType: 'CVM', InstanceCount: 1 },
            { InstanceType: 'ENI', InstanceCount: 2 },
          ],
          TotalCount: 3,
        },
        {
          SecurityGroupId: idle,
          CVM: 0,
          CDB: 0,
          ENI: 1,
          SG: 0,
          CLB: 0,
          InstanceStatistics: [
            { InstanceType: 'CVM', InstanceCount: 0 },
            { InstanceType: 'ENI', InstanceCount: 1 },
          ],
          TotalCount: 1,
        },
      ]);
      await c.waitTask(run.RequestId);
      // Every count is 0 exactly when the group can be deleted.
      isError(await c.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: used }), 'ResourceInUse');
      await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', {
        NetworkInterfaceId: e1.NetworkInterfaceId,
        SecurityGroupIds: [],
      });
      await c.waitTask((await c.ok('cvm', 'TerminateInstances', { InstanceIds: run.InstanceIdSet })).RequestId);
      const left = (await stats([used]))[0];
      assert.deepEqual([left.CVM, left.ENI, left.TotalCount], [0, 1, 1]);
      const fresh = await sg();
      assert.equal((await stats([fresh]))[0].TotalCount, 0);
      await c.ok('vpc', 'DeleteSecurityGroup', { SecurityGroupId: fresh });

      isError(
        await c.call('vpc', 'DescribeSecurityGroupAssociationStatistics', {}),
        'MissingParameter',
        'SecurityGroupIds',
      );
      isError(
        await c.call('vpc', 'DescribeSecurityGroupAssociationStatistics', { SecurityGroupIds: [] }),
        'InvalidParameterValue',
        'SecurityGroupIds',
      );
      isError(
        await c.call('vpc', 'DescribeSecurityGroupAssociationStatistics', { SecurityGroupIds: ['sg-1'] }),
        'InvalidParameterValue.Malformed',
        'SecurityGroupIds.0',
      );
      isError(
        await c.call('vpc', 'DescribeSecurityGroupAssociationStatistics', { SecurityGroupIds: [used, 'sg-00000000'] }),
        'ResourceNotFound',
        'sg-00000000',
      );
      isError(
        await b.call('vpc', 'DescribeSecurityGroupAssociationStatistics', { SecurityGroupIds: [used] }),
        'ResourceNotFound',
        used,
      );
      isError(
        await c.call('vpc', 'DescribeSecurityGroupAssociationStatistics', {
          SecurityGroupIds: Array.from({ length: 101 }, () => used),
        }),
        'InvalidParameterValue.LimitExceeded',
        'SecurityGroupIds',
      );
    });

    it('DescribeUsedIpAddress lists the addresses held in a VPC or subnet, and which ENI holds each', async () => {
      const net = await network('10.1.0.0/16', '10.1.1.0/24');
      const other = (
        await c.ok('vpc', 'CreateSubnet', { VpcId: net.vpcId, SubnetName: 'o', CidrBlock: '10.1.2.0/24', Zone: ZONE })
      ).Subnet.SubnetId;
      const a = await eni(net, { PrivateIpAddresses: [{ PrivateIpAddress: '10.1.1.10', Primary: true }] });
      const b2 = await eni({ vpcId: net.vpcId, subnetId: other }, { SecondaryPrivateIpAddressCount: 1 });
      const used = (p: Record<string, unknown>) => c.ok('vpc', 'DescribeUsedIpAddress', { VpcId: net.vpcId, ...p });
      const row = (subnetId: string, ip: string, eniId: string) => ({
        VpcId: net.vpcId,
        SubnetId: subnetId,
        IpAddress: ip,
        ResourceType: 'ENI',
        ResourceId: eniId,
      });
      const bIps = b2.PrivateIpAddressSet.map((i: any) => i.PrivateIpAddress).sort();
      const all = [
        row(net.subnetId, '10.1.1.10', a.NetworkInterfaceId),
        ...bIps.map((ip: string) => row(other, ip, b2.NetworkInterfaceId)),
      ].sort((x, y) => (x.SubnetId < y.SubnetId ? -1 : x.SubnetId > y.SubnetId ? 1 : 0));
      const everything = await used({});
      assert.deepEqual(everything, { IpAddressStates: all, TotalCount: 3, RequestId: everything.RequestId });
      assert.deepEqual(
        (await used({ SubnetId: other })).IpAddressStates,
        all.filter((x) => x.SubnetId === other),
      );
      // The question Terraform asks after an instance is gone: are its addresses free?
      assert.deepEqual(
        (await used({ SubnetId: net.subnetId, IpAddresses: ['10.1.1.10', '10.1.1.11'] })).IpAddressStates,
        [row(net.subnetId, '10.1.1.10', a.NetworkInterfaceId)],
      );
      assert.equal((await used({ SubnetId: net.subnetId, IpAddresses: ['10.1.1.11'] })).TotalCount, 0);
      assert.deepEqual(
        (await used({ Filters: [{ Name: 'resource-id', Values: [b2.NetworkInterfaceId] }] })).TotalCount,
        2,
      );
      assert.deepEqual(
        (await used({ Filters: [{ Name: 'ip-addresses', Values: ['10.1.1.10', 'not-an-ip', '192.168.9.9'] }] }))
          .IpAddressStates,
        [row(net.subnetId, '10.1.1.10', a.NetworkInterfaceId)],
      );
      const p1 = await used({ Limit: 2 });
      const p2 = await used({ Limit: 2, Offset: 2 });
      assert.deepEqual([...p1.IpAddressStates, ...p2.IpAddressStates], all);
      assert.equal(p2.TotalCount, 3);

      const call = (p: Record<string, unknown>) => c.call('vpc', 'DescribeUsedIpAddress', { VpcId: net.vpcId, ...p });
      isError(await c.call('vpc', 'DescribeUsedIpAddress', {}), 'MissingParameter', 'VpcId');
      isError(await call({ VpcId: 'vpc-x' }), 'InvalidParameterValue.Malformed', 'VpcId');
      isError(await call({ IpAddresses: ['10.1.1'] }), 'InvalidParameterValue.Malformed', 'IpAddresses.0');
      isError(
        await call({ IpAddresses: ['10.1.1.10', '10.9.0.1'] }),
        'InvalidParameterValue.ParameterMismatch',
        'IpAddresses.1',
      );
      isError(
        await call({ SubnetId: other, IpAddresses: ['10.1.1.10'] }),
        'InvalidParameterValue.ParameterMismatch',
        'IpAddresses.0',
      );
      isError(
        await call({ IpAddresses: ['10.1.1.10'], Filters: [{ Name: 'resource-id', Values: ['x'] }] }),
        'InvalidParameterValue.ParameterMismatch',
      );
      isError(await call({ VpcId: 'vpc-00000000' }), 'ResourceNotFound', 'vpc-00000000');
      isError(await call({ SubnetId: 'subnet-00000000' }), 'ResourceNotFound', 'subnet-00000000');
      isError(await b.call('vpc', 'DescribeUsedIpAddress', { VpcId: net.vpcId }), 'ResourceNotFound', net.vpcId);
      isError(await call({ Filters: [{ Name: 'owner', Values: ['x'] }] }), 'InvalidParameter.FilterInvalidKey');
      isError(await call({ Limit: 101 }), 'InvalidParameterValue.Range', 'Limit');
    });

    it("DescribeRouteTables answers each VPC's main route table, with a stable id", async () => {
      const net = await network('10.2.0.0/16', '10.2.1.0/24');
      const second = (
        await c.ok('vpc', 'CreateSubnet', { VpcId: net.vpcId, SubnetName: 'o', CidrBlock: '10.2.2.0/24', Zone: ZONE })
      ).Subnet.SubnetId;
      const rtb = net.subnet.RouteTableId as string;
      assert.match(rtb, /^rtb-[a-z0-9]{8}$/);
      // What Terraform's VPC read asks.
      const r = await c.ok('vpc', 'DescribeRouteTables', {
        Filters: [
          { Name: 'vpc-id', Values: [net.vpcId] },
          { Name: 'association.main', Values: ['true'] },
        ],
        Limit: '100',
        Offset: '0',
      });
      assert.equal(r.TotalCount, 1);
      const table = r.RouteTableSet[0];
      assert.deepEqual(table, {
        VpcId: net.vpcId,
        RouteTableId: rtb,
        RouteTableName: 'default',
        AssociationSet: [
          { SubnetId: net.subnetId, RouteTableId: rtb },
          { SubnetId: second, RouteTableId: rtb },
        ],
        RouteSet: [
          {
            DestinationCidrBlock: '10.2.0.0/16',
            GatewayType: 'LOCAL',
            GatewayId: 'Local',
            RouteId: 0,
            RouteDescription: 'local route of the VPC',
            Enabled: true,
            RouteType: 'NETD',
            RouteTableId: rtb,
            DestinationIpv6CidrBlock: '',
            RouteItemId: 'rti-' + rtb.slice(4),
            PublishedToVbc: false,
            CreatedTime: net.vpc.CreatedTime,
            CdcId: '',
          },
        ],
        Main: true,
        CreatedTime: net.vpc.CreatedTime,
        TagSet: [],
        LocalCidrForCcn: [],
      });
      // The same table by id, by subnet, by name; every subnet names it; it stays the same.
      const ids = async (p: Record<string, unknown>) =>
        (await c.ok('vpc', 'DescribeRouteTables', p)).RouteTableSet.map((t: any) => t.RouteTableId);
      assert.deepEqual(await ids({ RouteTableIds: [rtb] }), [rtb]);
      assert.deepEqual(await ids({ Filters: [{ Name: 'route-table-id', Values: [rtb, 'rtb-00000000', 'x'] }] }), [rtb]);
      assert.deepEqual(await ids({ Filters: [{ Name: 'association.subnet-id', Values: [second] }] }), [rtb]);
      assert.deepEqual(
        await ids({
          Filters: [
            { Name: 'route-table-name', Values: ['default'] },
            { Name: 'vpc-id', Values: [net.vpcId] },
            { Name: 'next-hop-type', Values: ['LOCAL'] },
          ],
        }),
        [rtb],
      );
      const subnets = await c.ok('vpc', 'DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }] });
      assert.deepEqual(
        subnets.SubnetSet.map((s: any) => s.RouteTableId),
        [rtb, rtb],
      );
      // No other table exists: not main, another name, another next hop or a tag match nothing.
      const only = (f: { Name: string; Values: string[] }) =>
        ids({ Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }, f] });
      assert.deepEqual(await only({ Name: 'association.main', Values: ['false'] }), []);
      assert.deepEqual(await only({ Name: 'route-table-name', Values: ['custom'] }), []);
      assert.deepEqual(await only({ Name: 'next-hop-type', Values: ['NAT'] }), []);
      assert.deepEqual(await only({ Name: 'tag-key', Values: ['x'] }), []);
      // Paging, newest VPC first.
      const other = await network('10.3.0.0/16', '10.3.1.0/24');
      const both = { Filters: [{ Name: 'vpc-id', Values: [net.vpcId, other.vpcId] }] };
      assert.deepEqual(await ids(both), [other.subnet.RouteTableId, rtb]);
      assert.deepEqual(await ids({ ...both, Limit: 1, Offset: 1 }), [rtb]);
      // Another account's table is missing; so is one that never existed.
      isError(
        await c.call('vpc', 'DescribeRouteTables', { RouteTableIds: ['rtb-00000000'] }),
        'ResourceNotFound',
        'rtb-00000000',
      );
      isError(await b.call('vpc', 'DescribeRouteTables', { RouteTableIds: [rtb] }), 'ResourceNotFound', rtb);
      assert.equal(
        (await b.ok('vpc', 'DescribeRouteTables', { Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }] })).TotalCount,
        0,
      );
      isError(
        await c.call('vpc', 'DescribeRouteTables', { RouteTableIds: ['rtb-1'] }),
        'InvalidParameterValue.Malformed',
        'RouteTableIds.0',
      );
      isError(
        await c.call('vpc', 'DescribeRouteTables', {
          RouteTableIds: [rtb],
          Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }],
        }),
        'InvalidParameter.Coexist',
      );
      isError(
        await c.call('vpc', 'DescribeRouteTables', { Filters: [{ Name: 'gateway', Values: ['x'] }] }),
        'InvalidParameter.FilterInvalidKey',
      );
      isError(
        await c.call('vpc', 'DescribeRouteTables', { Filters: [{ Name: 'association.main', Values: ['yes'] }] }),
        'InvalidParameterValue',
      );
      isError(await c.call('vpc', 'DescribeRouteTables', { Limit: '101' }), 'InvalidParameterValue.Range', 'Limit');
      // It goes with its VPC.
      await c.ok('vpc', 'DeleteVpc', { VpcId: other.vpcId });
      isError(
        await c.call('vpc', 'DescribeRouteTables', { RouteTableIds: [other.subnet.RouteTableId] }),
        'ResourceNotFound',
      );
    });
  });
}
