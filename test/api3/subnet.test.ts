import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow, eni, nextMillisecond, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Answer3, type Client3, type Error3 } from '../support/sdk3.ts';

// CreateSubnet, CreateSubnets, DescribeSubnets and DeleteSubnet through the official 3.0 SDK; the
// same subnets seen and used through v2, and the reverse; another account sees none of them.

const unique = () => randomBytes(4).toString('hex');
const ZONE = 'ap-guangzhou-3';

function assertSameAsMissing(theirs: Answer3 | Error3, missing: Answer3 | Error3, theirId: string, missingId: string) {
  assert.ok('Error' in theirs && 'Error' in missing, 'both are errors');
  const t = theirs as Error3;
  const m = missing as Error3;
  assert.equal(t.Error.Code, m.Error.Code);
  assert.equal(t.Error.Message.replaceAll(theirId, 'ID'), m.Error.Message.replaceAll(missingId, 'ID'));
}

for (const backend of backends()) {
  describe(`API 3.0 subnets [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let v2: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '500' });
      c = sdk3Client(server.port);
      v2 = server.client();
    });
    after(() => server.close());

    async function vpc(cidr = '10.0.0.0/16'): Promise<string> {
      return (await c.ok('vpc', 'CreateVpc', { VpcName: 'v-' + unique(), CidrBlock: cidr })).Vpc.VpcId;
    }
    async function subnet(vpcId: string, cidr: string, extra: Record<string, unknown> = {}) {
      const r = await c.ok('vpc', 'CreateSubnet', {
        VpcId: vpcId,
        SubnetName: 's-' + unique(),
        CidrBlock: cidr,
        Zone: ZONE,
        ...extra,
      });
      return r.Subnet;
    }

    it('creates a subnet with every field of the Subnet structure', async () => {
      const vpcId = await vpc();
      const r = await c.ok('vpc', 'CreateSubnet', {
        VpcId: vpcId,
        SubnetName: 'web',
        CidrBlock: '10.0.1.0/24',
        Zone: ZONE,
        Tags: [{ Key: 'team', Value: 'net' }],
      });
      const s = r.Subnet;
      assert.match(s.SubnetId, /^subnet-[a-z0-9]{8}$/);
      assertBeijingNow(s.CreatedTime);
      assert.deepEqual(s, {
        VpcId: vpcId,
        SubnetId: s.SubnetId,
        SubnetName: 'web',
        CidrBlock: '10.0.1.0/24',
        IsDefault: false,
        EnableBroadcast: false,
        Zone: ZONE,
        RouteTableId: 'rtb-' + vpcId.slice(4),
        CreatedTime: s.CreatedTime,
        AvailableIpAddressCount: 253,
        Ipv6CidrBlock: '',
        NetworkAclId: '',
        IsRemoteVpcSnat: false,
        TotalIpAddressCount: 253,
        TagSet: [{ Key: 'team', Value: 'net' }],
        CdcId: '',
        IsCdcSubnet: 0,
      });
      const d = await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [s.SubnetId] });
      assert.deepEqual([d.TotalCount, d.SubnetSet, d.NextToken], [1, [s], '']);
      // A numeric zone id is accepted (extension); the answer names the zone.
      assert.equal((await subnet(vpcId, '10.0.2.0/28', { Zone: '100003', CdcId: '' })).Zone, ZONE);
      assert.equal((await subnet(vpcId, '10.0.4.0/28')).TotalIpAddressCount, 13);
    });

    it('refuses bad CreateSubnet input with the 3.0 codes, naming the parameter', async () => {
      const vpcId = await vpc();
      await subnet(vpcId, '10.0.1.0/24');
      const ok = { VpcId: vpcId, SubnetName: 'x', CidrBlock: '10.0.2.0/24', Zone: ZONE };
      const call = (p: Record<string, unknown>) => c.call('vpc', 'CreateSubnet', p);
      for (const name of ['VpcId', 'SubnetName', 'CidrBlock', 'Zone']) {
        isError(await call({ ...ok, [name]: undefined }), 'MissingParameter', name);
      }
      isError(await call({ ...ok, VpcId: 'vpc-123' }), 'InvalidParameterValue.Malformed', 'VpcId');
      isError(await call({ ...ok, SubnetName: '' }), 'InvalidParameterValue', 'SubnetName');
      isError(await call({ ...ok, SubnetName: 'x'.repeat(61) }), 'InvalidParameterValue.TooLong', 'SubnetName');
      isError(await call({ ...ok, CidrBlock: '10.0.2/24' }), 'InvalidParameterValue.Malformed', 'CidrBlock');
      isError(await call({ ...ok, CidrBlock: '10.0.2.1/24' }), 'InvalidParameterValue.Malformed', 'CidrBlock');
      for (const cidr of ['10.1.0.0/24', '10.0.0.0/15', '10.0.2.0/29', '10.0.0.0/8']) {
        isError(await call({ ...ok, CidrBlock: cidr }), 'InvalidParameterValue.SubnetRange', 'CidrBlock');
      }
      isError(await call({ ...ok, CidrBlock: '10.0.1.128/25' }), 'InvalidParameterValue.SubnetConflict', 'CidrBlock');
      isError(await call({ ...ok, CidrBlock: '10.0.0.0/16' }), 'InvalidParameterValue.SubnetConflict', 'CidrBlock');
      isError(await call({ ...ok, Zone: 'ap-guangzhou-9' }), 'InvalidParameterValue', 'ap-guangzhou-9');
      isError(await call({ ...ok, Zone: 'ap-shanghai-1' }), 'InvalidParameterValue', 'ap-shanghai-1');
      isError(await call({ ...ok, CdcId: 'cluster-12345678' }), 'InvalidParameterValue', 'CdcId');
      isError(await call({ ...ok, VpcId: 'vpc-0000beef' }), 'ResourceNotFound', 'vpc-0000beef');
      // The VPC is checked before the subnet's own rules.
      isError(await call({ ...ok, VpcId: 'vpc-0000beef', CidrBlock: '10.9.0.0/24' }), 'ResourceNotFound');
    });

    it('CreateSubnets: all or nothing, RouteTableId only the main table', async () => {
      const vpcId = await vpc();
      const rtb = 'rtb-' + vpcId.slice(4);
      const r = await c.ok('vpc', 'CreateSubnets', {
        VpcId: vpcId,
        Subnets: [
          { SubnetName: 'a', CidrBlock: '10.0.1.0/24', Zone: ZONE, RouteTableId: rtb },
          { SubnetName: 'b', CidrBlock: '10.0.2.0/24', Zone: 'ap-guangzhou-4' },
        ],
      });
      assert.deepEqual(
        r.SubnetSet.map((s: any) => [s.SubnetName, s.CidrBlock, s.Zone, s.RouteTableId, s.AvailableIpAddressCount]),
        [
          ['a', '10.0.1.0/24', ZONE, rtb, 253],
          ['b', '10.0.2.0/24', 'ap-guangzhou-4', rtb, 253],
        ],
      );
      const count = async () =>
        (await c.ok('vpc', 'DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })).TotalCount;
      const call = (subnets: unknown[]) => c.call('vpc', 'CreateSubnets', { VpcId: vpcId, Subnets: subnets });
      // The second overlaps the first new one: neither is created.
      isError(
        await call([
          { SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE },
          { SubnetName: 'd', CidrBlock: '10.0.3.0/25', Zone: ZONE },
        ]),
        'InvalidParameterValue.SubnetConflict',
        'Subnets.1.CidrBlock',
      );
      isError(
        await call([
          { SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE },
          { SubnetName: 'd', CidrBlock: '10.0.2.0/24', Zone: ZONE },
        ]),
        'InvalidParameterValue.SubnetConflict',
        'Subnets.1.CidrBlock',
      );
      isError(
        await call([{ SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE, RouteTableId: 'rtb-00000000' }]),
        'ResourceNotFound',
        'Subnets.0.RouteTableId',
      );
      isError(
        await call([{ SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE, RouteTableId: 'rtb-1' }]),
        'InvalidParameterValue.Malformed',
        'Subnets.0.RouteTableId',
      );
      isError(
        await call([
          { SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE },
          { SubnetName: 'd', CidrBlock: '10.7.0.0/24', Zone: ZONE },
        ]),
        'InvalidParameterValue.SubnetRange',
        'Subnets.1.CidrBlock',
      );
      isError(
        await call([{ SubnetName: 'x'.repeat(61), CidrBlock: '10.0.3.0/24', Zone: ZONE }]),
        'InvalidParameterValue.TooLong',
        'Subnets.0.SubnetName',
      );
      isError(await call([{ SubnetName: 'c', Zone: ZONE }]), 'MissingParameter', 'Subnets.0.CidrBlock');
      isError(await call([]), 'InvalidParameterValue', 'Subnets');
      isError(await c.call('vpc', 'CreateSubnets', { VpcId: vpcId }), 'MissingParameter', 'Subnets');
      isError(
        await call(
          Array.from({ length: 101 }, (_, i) => ({ SubnetName: 'n', CidrBlock: `10.0.${i + 10}.0/24`, Zone: ZONE })),
        ),
        'InvalidParameterValue.LimitExceeded',
        'Subnets',
      );
      isError(
        await c.call('vpc', 'CreateSubnets', {
          VpcId: vpcId,
          CdcId: 'cluster-1',
          Subnets: [{ SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE }],
        }),
        'InvalidParameterValue',
        'CdcId',
      );
      isError(
        await c.call('vpc', 'CreateSubnets', {
          VpcId: 'vpc-0000beef',
          Subnets: [{ SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE }],
        }),
        'ResourceNotFound',
      );
      assert.equal(await count(), 2);
    });

    it('DescribeSubnets filters: subnet-id, vpc-id, zone, subnet-name, cidr-block and the constant ones', async () => {
      const tag = unique();
      const vpcA = await vpc('172.20.0.0/16');
      const vpcB = await vpc('172.20.0.0/16');
      const s1 = await subnet(vpcA, '172.20.1.0/24', { SubnetName: `Web-${tag}` });
      await nextMillisecond();
      const s2 = await subnet(vpcA, '172.20.2.0/24', { SubnetName: `db-${tag}`, Zone: 'ap-guangzhou-2' });
      await nextMillisecond();
      const s3 = await subnet(vpcB, '172.20.1.0/24', { SubnetName: `web-${tag}-b` });
      const ids = async (filters: Array<{ Name: string; Values: string[] }>) => {
        const r = await c.ok('vpc', 'DescribeSubnets', {
          Filters: [{ Name: 'vpc-id', Values: [vpcA, vpcB] }, ...filters],
          Limit: 100,
        });
        assert.equal(r.TotalCount, r.SubnetSet.length);
        return r.SubnetSet.map((s: any) => s.SubnetId);
      };
      assert.deepEqual(await ids([]), [s3.SubnetId, s2.SubnetId, s1.SubnetId]);
      assert.deepEqual(
        (await c.ok('vpc', 'DescribeSubnets', { Filters: [{ Name: 'vpc-id', Values: [vpcA] }] })).SubnetSet.map(
          (s: any) => s.SubnetId,
        ),
        [s2.SubnetId, s1.SubnetId],
      );
      assert.deepEqual(await ids([{ Name: 'subnet-id', Values: [s1.SubnetId, 'subnet-00000000', 'junk'] }]), [
        s1.SubnetId,
      ]);
      assert.deepEqual(await ids([{ Name: 'subnet-name', Values: [`WEB-${tag}`] }]), [s3.SubnetId, s1.SubnetId]);
      assert.deepEqual(await ids([{ Name: 'zone', Values: ['ap-guangzhou-2'] }]), [s2.SubnetId]);
      assert.deepEqual(await ids([{ Name: 'zone', Values: ['100003'] }]), [s3.SubnetId, s1.SubnetId]);
      assert.deepEqual(await ids([{ Name: 'zone', Values: ['ap-shanghai-1', 'nowhere'] }]), []);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['172.20.1.0/24'] }]), [s3.SubnetId, s1.SubnetId]);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['172.20.2.0'] }]), [s2.SubnetId]);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['172.20.2.0/25'] }]), []);
      for (const name of ['is-default', 'is-remote-vpc-snat']) {
        assert.deepEqual((await ids([{ Name: name, Values: ['False'] }])).length, 3, name);
        assert.deepEqual(await ids([{ Name: name, Values: ['TRUE'] }]), [], name);
      }
      assert.deepEqual((await ids([{ Name: 'is-cdc-subnet', Values: ['0'] }])).length, 3);
      assert.deepEqual(await ids([{ Name: 'is-cdc-subnet', Values: ['1'] }]), []);
      isError(
        await c.call('vpc', 'DescribeSubnets', { Filters: [{ Name: 'is-cdc-subnet', Values: ['yes'] }] }),
        'InvalidParameterValue',
        'is-cdc-subnet',
      );
      for (const name of ['cdc-id', 'tag-key', 'tag:team', 'ipv6-cidr-block', 'isp-type', 'address-type']) {
        assert.deepEqual(await ids([{ Name: name, Values: ['x'] }]), [], name);
      }
      isError(
        await c.call('vpc', 'DescribeSubnets', { Filters: [{ Name: 'colour', Values: ['x'] }] }),
        'InvalidParameter.FilterInvalidKey',
      );
      isError(await c.call('vpc', 'DescribeSubnets', { Filters: [7] }), 'InvalidParameter.FilterNotDict');
      isError(
        await c.call('vpc', 'DescribeSubnets', { Filters: [{ Name: 'zone', Values: ZONE }] }),
        'InvalidParameter.FilterValuesNotList',
      );
      isError(
        await c.call('vpc', 'DescribeSubnets', {
          SubnetIds: [s1.SubnetId],
          Filters: [{ Name: 'zone', Values: [ZONE] }],
        }),
        'InvalidParameter.Coexist',
      );
      isError(
        await c.call('vpc', 'DescribeSubnets', { SubnetIds: [s1.SubnetId, 'subnet-0000beef'] }),
        'ResourceNotFound',
        'subnet-0000beef',
      );
      isError(
        await c.call('vpc', 'DescribeSubnets', { SubnetIds: ['subnet-x'] }),
        'InvalidParameterValue.Malformed',
        'SubnetIds.0',
      );
    });

    it('DescribeSubnets pages by Offset/Limit (strings or numbers) and by MaxResults/NextToken', async () => {
      const vpcId = await vpc();
      const made: string[] = [];
      for (let i = 1; i <= 5; i++) {
        made.unshift((await subnet(vpcId, `10.0.${i}.0/24`)).SubnetId);
        await nextMillisecond();
      }
      const filter = [{ Name: 'vpc-id', Values: [vpcId] }];
      const seen: string[] = [];
      let token: string | undefined;
      for (let round = 0; round < 5; round++) {
        const r = await c.ok('vpc', 'DescribeSubnets', {
          Filters: filter,
          MaxResults: 2,
          ...(token && { NextToken: token }),
        });
        assert.equal(r.TotalCount, 5);
        seen.push(...r.SubnetSet.map((s: any) => s.SubnetId));
        token = r.NextToken;
        if (token === '') break;
      }
      assert.deepEqual(seen, made);
      assert.equal(token, '');
      const p = await c.ok('vpc', 'DescribeSubnets', { Filters: filter, Offset: '1', Limit: '3' });
      assert.deepEqual([p.SubnetSet.map((s: any) => s.SubnetId), p.NextToken], [made.slice(1, 4), '4']);
      const last = await c.ok('vpc', 'DescribeSubnets', { Filters: filter, Offset: 3, Limit: 2 });
      assert.deepEqual([last.SubnetSet.length, last.NextToken], [2, '']);
      isError(await c.call('vpc', 'DescribeSubnets', { MaxResults: 101 }), 'InvalidParameterValue.Range', 'MaxResults');
      isError(
        await c.call('vpc', 'DescribeSubnets', { NextToken: 'abc' }),
        'InvalidParameterValue.Malformed',
        'NextToken',
      );
      isError(await c.call('vpc', 'DescribeSubnets', { Limit: '0' }), 'InvalidParameterValue.Range', 'Limit');
      isError(await c.call('vpc', 'DescribeSubnets', { Offset: 'x' }), 'InvalidParameterValue.Malformed', 'Offset');
    });

    it('counts addresses in use (ENIs made through v2) and refuses to delete a subnet holding one', async () => {
      const net = await vpcWithSubnet(v2, { cidr: '10.0.0.0/16', subnetCidr: '10.0.1.0/24' });
      const eniId = await eni(v2, net, { secondaryPrivateIpAddressCount: 2 });
      const d = await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [net.subnetId] });
      assert.deepEqual(
        [d.SubnetSet[0].TotalIpAddressCount, d.SubnetSet[0].AvailableIpAddressCount, d.SubnetSet[0].Zone],
        [253, 250, ZONE],
      );
      isError(await c.call('vpc', 'DeleteSubnet', { SubnetId: net.subnetId }), 'ResourceInUse', net.subnetId);
      await v2.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      await c.ok('vpc', 'DeleteSubnet', { SubnetId: net.subnetId });
      isError(await c.call('vpc', 'DeleteSubnet', { SubnetId: net.subnetId }), 'ResourceNotFound', net.subnetId);
      isError(await c.call('vpc', 'DeleteSubnet', {}), 'MissingParameter', 'SubnetId');
      isError(
        await c.call('vpc', 'DeleteSubnet', { SubnetId: 'subnet-1' }),
        'InvalidParameterValue.Malformed',
        'SubnetId',
      );
    });

    it('an ENI still being created counts: its address is in use, its subnet and VPC cannot go', async () => {
      const vpcId = await vpc();
      const s = await subnet(vpcId, '10.0.1.0/24');
      const hold = holdTasks(server.driver, 'CreateNetworkInterface');
      let taskId: number;
      try {
        const r = await v2.call('CreateNetworkInterface', { vpcId, subnetId: s.SubnetId, eniName: 'pending' });
        assert.equal(r.code, 0, r.message);
        taskId = r.taskId;
        const d = await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [s.SubnetId] });
        assert.equal(d.SubnetSet[0].AvailableIpAddressCount, 252);
        isError(await c.call('vpc', 'DeleteSubnet', { SubnetId: s.SubnetId }), 'ResourceInUse');
        isError(await c.call('vpc', 'DeleteVpc', { VpcId: vpcId }), 'ResourceInUse');
      } finally {
        hold.release();
      }
      assert.equal((await v2.waitTask(taskId)).data.status, 0);
      isError(await c.call('vpc', 'DeleteSubnet', { SubnetId: s.SubnetId }), 'ResourceInUse');
    });

    it('one state: made through 3.0, seen and deleted through v2; made through v2, seen through 3.0', async () => {
      const vpcId = await vpc();
      const s = await subnet(vpcId, '10.0.5.0/24', { SubnetName: 'three', Zone: 'ap-guangzhou-4' });
      const seen = await v2.call('DescribeSubnetEx', { vpcId, subnetId: s.SubnetId });
      assert.equal(seen.code, 0, seen.message);
      const w = seen.data[0];
      assert.deepEqual(
        [
          w.unSubnetId,
          w.subnetName,
          w.cidrBlock,
          w.zoneId,
          w.zone,
          w.routeTableId,
          w.totalIPNum,
          w.availableIPNum,
          w.subnetCreateTime,
        ],
        [s.SubnetId, 'three', '10.0.5.0/24', 100004, 'ap-guangzhou-4', s.RouteTableId, 253, 253, s.CreatedTime],
      );
      // v2 can put an ENI in it; 3.0 then refuses to delete it.
      const eniId = await eni(v2, { vpcId, subnetId: s.SubnetId });
      isError(await c.call('vpc', 'DeleteSubnet', { SubnetId: s.SubnetId }), 'ResourceInUse');
      await v2.run('DeleteNetworkInterface', { vpcId, networkInterfaceId: eniId });
      const del = await v2.call('DeleteSubnet', { vpcId, subnetId: s.SubnetId });
      assert.equal(del.code, 0, del.message);
      isError(await c.call('vpc', 'DescribeSubnets', { SubnetIds: [s.SubnetId] }), 'ResourceNotFound');

      const net = await vpcWithSubnet(v2, { zone: '100002' });
      const d = await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [net.subnetId] });
      assert.deepEqual(
        [d.SubnetSet[0].VpcId, d.SubnetSet[0].SubnetName, d.SubnetSet[0].Zone, d.SubnetSet[0].RouteTableId],
        [net.vpcId, 'test-subnet', 'ap-guangzhou-2', 'rtb-' + net.vpcId.slice(4)],
      );
      // The 3.0 subnet of a v2 VPC conflicts with the v2 one.
      isError(
        await c.call('vpc', 'CreateSubnet', {
          VpcId: net.vpcId,
          SubnetName: 'x',
          CidrBlock: '10.0.1.0/25',
          Zone: ZONE,
        }),
        'InvalidParameterValue.SubnetConflict',
      );
    });

    it("another account naming A's subnet gets exactly what a missing id gets", async () => {
      const vpcId = await vpc();
      const s = await subnet(vpcId, '10.0.1.0/24');
      const b = sdk3Client(server.port, { account: ACCOUNT_B });
      const missing = 'subnet-0000beef';
      for (const [action, params] of [
        ['DescribeSubnets', (id: string) => ({ SubnetIds: [id] })],
        ['DeleteSubnet', (id: string) => ({ SubnetId: id })],
      ] as const) {
        const theirs = await b.call('vpc', action, params(s.SubnetId));
        isError(theirs, 'ResourceNotFound');
        assertSameAsMissing(theirs, await b.call('vpc', action, params(missing)), s.SubnetId, missing);
      }
      for (const f of [
        { Name: 'subnet-id', Values: [s.SubnetId] },
        { Name: 'vpc-id', Values: [vpcId] },
      ]) {
        const r = await b.ok('vpc', 'DescribeSubnets', { Filters: [f] });
        assert.deepEqual([r.TotalCount, r.SubnetSet], [0, []]);
      }
      assert.equal((await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [s.SubnetId] })).TotalCount, 1);
    });
  });

  describe(`API 3.0 subnet quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_SUBNETS: '2' });
    });
    after(() => server.close());

    it('refuses subnets beyond the VPC quota with LimitExceeded, CreateSubnets all or nothing', async () => {
      const c = sdk3Client(server.port);
      const vpcId = (await c.ok('vpc', 'CreateVpc', { VpcName: 'q', CidrBlock: '10.0.0.0/16' })).Vpc.VpcId;
      await c.ok('vpc', 'CreateSubnet', { VpcId: vpcId, SubnetName: 'a', CidrBlock: '10.0.1.0/24', Zone: ZONE });
      isError(
        await c.call('vpc', 'CreateSubnets', {
          VpcId: vpcId,
          Subnets: [
            { SubnetName: 'b', CidrBlock: '10.0.2.0/24', Zone: ZONE },
            { SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE },
          ],
        }),
        'LimitExceeded',
      );
      await c.ok('vpc', 'CreateSubnet', { VpcId: vpcId, SubnetName: 'b', CidrBlock: '10.0.2.0/24', Zone: ZONE });
      isError(
        await c.call('vpc', 'CreateSubnet', { VpcId: vpcId, SubnetName: 'c', CidrBlock: '10.0.3.0/24', Zone: ZONE }),
        'LimitExceeded',
      );
      const limits = await c.ok('vpc', 'DescribeVpcLimits', { LimitTypes: ['vpc-max-subnets'] });
      assert.deepEqual(limits.VpcLimitSet, [{ LimitType: 'vpc-max-subnets', LimitValue: 2 }]);
    });
  });
}
