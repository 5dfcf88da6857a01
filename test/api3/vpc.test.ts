import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow, eni, nextMillisecond, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { isError, sdk3Client, type Answer3, type Client3, type Error3 } from '../support/sdk3.ts';

// CreateVpc, DescribeVpcs, DeleteVpc and DescribeVpcLimits through the official 3.0 SDK; the
// same VPCs seen and used through v2, and the reverse; another account sees none of them.

const unique = () => randomBytes(4).toString('hex');

/** The answer to another account's id is the answer to an id that never existed. */
function assertSameAsMissing(theirs: Answer3 | Error3, missing: Answer3 | Error3, theirId: string, missingId: string) {
  assert.ok('Error' in theirs && 'Error' in missing, 'both are errors');
  const t = theirs as Error3;
  const m = missing as Error3;
  assert.equal(t.Error.Code, m.Error.Code);
  assert.equal(t.Error.Message.replaceAll(theirId, 'ID'), m.Error.Message.replaceAll(missingId, 'ID'));
}

for (const backend of backends()) {
  describe(`API 3.0 VPCs [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let v2: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '500' });
      c = sdk3Client(server.port);
      v2 = server.client();
    });
    after(() => server.close());

    async function vpc(params: Record<string, unknown> = {}) {
      const r = await c.ok('vpc', 'CreateVpc', { VpcName: 'v-' + unique(), CidrBlock: '10.0.0.0/16', ...params });
      return r.Vpc;
    }

    it('creates a VPC with every field of the Vpc structure', async () => {
      const name = 'full-' + unique();
      const r = await c.ok('vpc', 'CreateVpc', {
        VpcName: name,
        CidrBlock: '10.16.0.0/12',
        EnableMulticast: 'true',
        DnsServers: ['1.1.1.1', '8.8.8.8'],
        DomainName: 'corp.example',
        EnableRouteVpcPublish: true,
        Tags: [{ Key: 'team', Value: 'net' }],
      });
      assert.match(r.RequestId, /^[0-9a-f-]{36}$/);
      const v = r.Vpc;
      assert.match(v.VpcId, /^vpc-[a-z0-9]{8}$/);
      assertBeijingNow(v.CreatedTime);
      assert.deepEqual(v, {
        VpcName: name,
        VpcId: v.VpcId,
        CidrBlock: '10.16.0.0/12',
        IsDefault: false,
        EnableMulticast: true,
        CreatedTime: v.CreatedTime,
        DnsServerSet: ['1.1.1.1', '8.8.8.8'],
        DomainName: 'corp.example',
        DhcpOptionsId: '',
        EnableDhcp: true,
        Ipv6CidrBlock: '',
        TagSet: [{ Key: 'team', Value: 'net' }],
        AssistantCidrSet: [],
        EnableRouteVpcPublish: true,
        EnableRouteVpcPublishIpv6: false,
        Ipv6CidrBlockSet: [],
      });
      // DescribeVpcs answers the same structure.
      const d = await c.ok('vpc', 'DescribeVpcs', { VpcIds: [v.VpcId] });
      assert.equal(d.TotalCount, 1);
      assert.deepEqual(d.VpcSet, [v]);
      // Defaults: multicast off, the service's DNS servers, no domain name.
      const plain = await vpc({ EnableMulticast: 'false' });
      assert.equal(plain.EnableMulticast, false);
      assert.deepEqual(plain.DnsServerSet, ['183.60.83.19', '183.60.82.98']);
      assert.equal(plain.DomainName, '');
      assert.equal((await vpc()).EnableMulticast, false);
    });

    it('accepts masks /12–/28 in 10/8 and 172.16/12, /16–/28 in 192.168/16', async () => {
      for (const cidr of ['10.0.0.0/12', '172.16.0.0/12', '192.168.0.0/16', '10.1.2.0/28', '172.31.0.0/16']) {
        assert.equal((await vpc({ CidrBlock: cidr })).CidrBlock, cidr);
      }
      for (const cidr of ['10.0.0.0/11', '10.0.0.0/8', '192.168.0.0/15', '10.0.0.0/29', '11.0.0.0/16']) {
        isError(
          await c.call('vpc', 'CreateVpc', { VpcName: 'x', CidrBlock: cidr }),
          'InvalidParameterValue',
          'CidrBlock',
        );
      }
      for (const cidr of ['10.0.0/16', 'nonsense', '10.0.0.1/16', '10.0.0.0/33']) {
        isError(
          await c.call('vpc', 'CreateVpc', { VpcName: 'x', CidrBlock: cidr }),
          'InvalidParameterValue.Malformed',
          'CidrBlock',
        );
      }
    });

    it('refuses bad CreateVpc input with the 3.0 codes, naming the parameter', async () => {
      const ok = { VpcName: 'x', CidrBlock: '10.0.0.0/16' };
      isError(await c.call('vpc', 'CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'MissingParameter', 'VpcName');
      isError(await c.call('vpc', 'CreateVpc', { VpcName: 'x' }), 'MissingParameter', 'CidrBlock');
      isError(await c.call('vpc', 'CreateVpc', { ...ok, VpcName: '' }), 'InvalidParameterValue', 'VpcName');
      isError(
        await c.call('vpc', 'CreateVpc', { ...ok, VpcName: 'x'.repeat(61) }),
        'InvalidParameterValue.TooLong',
        'VpcName',
      );
      // 60 characters, counted as characters (not bytes).
      assert.equal((await vpc({ VpcName: '网'.repeat(60) })).VpcName, '网'.repeat(60));
      isError(
        await c.call('vpc', 'CreateVpc', { ...ok, EnableMulticast: 'yes' }),
        'InvalidParameterValue',
        'EnableMulticast',
      );
      isError(
        await c.call('vpc', 'CreateVpc', {
          ...ok,
          DnsServers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5'],
        }),
        'InvalidParameterValue.LimitExceeded',
        'DnsServers',
      );
      isError(
        await c.call('vpc', 'CreateVpc', { ...ok, DnsServers: ['1.1.1.1', 'dns.example'] }),
        'InvalidParameterValue.Malformed',
        'DnsServers.1',
      );
      isError(await c.call('vpc', 'CreateVpc', { ...ok, DnsServers: '1.1.1.1' }), 'InvalidParameter', 'DnsServers');
      isError(await c.call('vpc', 'CreateVpc', { ...ok, VpcName: ['x'] }), 'InvalidParameter', 'VpcName');
    });

    it('DescribeVpcs: ids or filters, never both; unknown ids are ResourceNotFound', async () => {
      const a = await vpc();
      isError(
        await c.call('vpc', 'DescribeVpcs', { VpcIds: [a.VpcId], Filters: [{ Name: 'vpc-id', Values: [a.VpcId] }] }),
        'InvalidParameter.Coexist',
        'VpcIds',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', { VpcIds: [a.VpcId, 'vpc-00000000'] }),
        'ResourceNotFound',
        'vpc-00000000',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', { VpcIds: ['vpc-1'] }),
        'InvalidParameterValue.Malformed',
        'VpcIds.0',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', { VpcIds: Array.from({ length: 101 }, () => a.VpcId) }),
        'InvalidParameterValue.LimitExceeded',
        'VpcIds',
      );
      // Empty lists count as absent.
      const both = await c.ok('vpc', 'DescribeVpcs', { VpcIds: [a.VpcId], Filters: [] });
      assert.deepEqual(
        both.VpcSet.map((v: any) => v.VpcId),
        [a.VpcId],
      );
      // An id filter naming nothing just matches nothing.
      const none = await c.ok('vpc', 'DescribeVpcs', {
        Filters: [{ Name: 'vpc-id', Values: ['vpc-00000000', 'junk'] }],
      });
      assert.deepEqual([none.TotalCount, none.VpcSet], [0, []]);
    });

    it('DescribeVpcs filters: vpc-name, vpc-id, cidr-block, is-default, tags and IPv6 (AND across, OR within)', async () => {
      const tag = unique();
      const one = await vpc({ VpcName: `Alpha-${tag}`, CidrBlock: '10.8.0.0/16' });
      await nextMillisecond();
      const two = await vpc({ VpcName: `alpha-${tag}-b`, CidrBlock: '10.8.0.0/20' });
      await nextMillisecond();
      const three = await vpc({ VpcName: `beta-${tag}`, CidrBlock: '192.168.0.0/16' });
      const ids = async (filters: Array<{ Name: string; Values: string[] }>) => {
        const r = await c.ok('vpc', 'DescribeVpcs', {
          Filters: [{ Name: 'vpc-name', Values: [tag] }, ...filters],
          Limit: 100,
        });
        assert.equal(r.TotalCount, r.VpcSet.length);
        return r.VpcSet.map((v: any) => v.VpcId);
      };
      // Newest first.
      assert.deepEqual(await ids([]), [three.VpcId, two.VpcId, one.VpcId]);
      const alpha = await c.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-name', Values: [`ALPHA-${tag}`] }] });
      assert.deepEqual(
        alpha.VpcSet.map((v: any) => v.VpcId),
        [two.VpcId, one.VpcId],
      );
      assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [one.VpcId, three.VpcId] }]), [three.VpcId, one.VpcId]);
      // With a mask: that block exactly; without: any block starting at that address.
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['10.8.0.0/16'] }]), [one.VpcId]);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['10.8.0.0'] }]), [two.VpcId, one.VpcId]);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['10.8.0.0/16', '192.168.0.0'] }]), [
        three.VpcId,
        one.VpcId,
      ]);
      assert.deepEqual(await ids([{ Name: 'cidr-block', Values: ['10.8.%'] }]), []);
      assert.deepEqual(await ids([{ Name: 'is-default', Values: ['FALSE'] }]), [three.VpcId, two.VpcId, one.VpcId]);
      assert.deepEqual(await ids([{ Name: 'is-default', Values: ['true'] }]), []);
      isError(
        await c.call('vpc', 'DescribeVpcs', { Filters: [{ Name: 'is-default', Values: ['maybe'] }] }),
        'InvalidParameterValue',
        'is-default',
      );
      // None of these VPCs has a tag x, and no VPC has IPv6 blocks or ISP addresses: nothing matches.
      for (const name of ['tag-key', 'tag:team', 'ipv6-cidr-block', 'isp-type', 'address-type']) {
        assert.deepEqual(await ids([{ Name: name, Values: ['x'] }]), [], name);
      }
      // A filter with no values matches nothing.
      assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [] }]), []);
      // The same through GET (flattened Filters.N.Values.M, 1-based as CVM documents them).
      const get = sdk3Client(server.port, { method: 'GET' });
      const g = await get.ok('vpc', 'DescribeVpcs', {
        Filters: [
          { Name: 'vpc-name', Values: [tag] },
          { Name: 'cidr-block', Values: ['10.8.0.0'] },
        ],
      });
      assert.deepEqual(
        g.VpcSet.map((v: any) => v.VpcId),
        [two.VpcId, one.VpcId],
      );
    });

    it('DescribeVpcs filter errors: unknown name, not an object, Values not a list, too many', async () => {
      isError(
        await c.call('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-colour', Values: ['red'] }] }),
        'InvalidParameter.FilterInvalidKey',
        'vpc-colour',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', { Filters: ['vpc-name'] }),
        'InvalidParameter.FilterNotDict',
        'Filters.0',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-name', Values: 'x' }] }),
        'InvalidParameter.FilterValuesNotList',
        'Filters.0.Values',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', {
          Filters: Array.from({ length: 11 }, () => ({ Name: 'vpc-name', Values: ['x'] })),
        }),
        'InvalidParameterValue.LimitExceeded',
        'Filters',
      );
      isError(
        await c.call('vpc', 'DescribeVpcs', {
          Filters: [{ Name: 'vpc-name', Values: Array.from({ length: 101 }, (_, i) => String(i)) }],
        }),
        'InvalidParameterValue.LimitExceeded',
        'Filters.0.Values',
      );
    });

    it('DescribeVpcs pages with Offset/Limit as strings or numbers; out of range is .Range, not a number .Malformed', async () => {
      const tag = unique();
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        made.unshift((await vpc({ VpcName: `page-${tag}-${i}` })).VpcId);
        await nextMillisecond();
      }
      const filter = [{ Name: 'vpc-name', Values: [`page-${tag}`] }];
      const p1 = await c.ok('vpc', 'DescribeVpcs', { Filters: filter, Offset: '0', Limit: '2' });
      const p2 = await c.ok('vpc', 'DescribeVpcs', { Filters: filter, Offset: 2, Limit: 2 });
      const p3 = await c.ok('vpc', 'DescribeVpcs', { Filters: filter, Offset: '4', Limit: 2 });
      assert.deepEqual([p1.TotalCount, p2.TotalCount, p3.TotalCount], [5, 5, 5]);
      assert.deepEqual(
        [...p1.VpcSet, ...p2.VpcSet, ...p3.VpcSet].map((v: any) => v.VpcId),
        made,
      );
      // The default page is 20.
      const all = await c.ok('vpc', 'DescribeVpcs', {});
      assert.equal(all.VpcSet.length, Math.min(20, all.TotalCount));
      // Ids with paging (Terraform combines them).
      const some = await c.ok('vpc', 'DescribeVpcs', { VpcIds: made, Offset: 1, Limit: 2 });
      assert.deepEqual([some.TotalCount, some.VpcSet.map((v: any) => v.VpcId)], [5, made.slice(1, 3)]);
      isError(await c.call('vpc', 'DescribeVpcs', { Limit: '0' }), 'InvalidParameterValue.Range', 'Limit');
      isError(await c.call('vpc', 'DescribeVpcs', { Limit: 101 }), 'InvalidParameterValue.Range', 'Limit');
      isError(await c.call('vpc', 'DescribeVpcs', { Offset: '-1' }), 'InvalidParameterValue.Range', 'Offset');
      isError(await c.call('vpc', 'DescribeVpcs', { Offset: 'ten' }), 'InvalidParameterValue.Malformed', 'Offset');
      isError(await c.call('vpc', 'DescribeVpcs', { Limit: '2.5' }), 'InvalidParameterValue.Malformed', 'Limit');
    });

    it('DeleteVpc: empty subnets go with it; a VPC holding an ENI is ResourceInUse; then ResourceNotFound', async () => {
      const v = await vpc();
      const s = await c.ok('vpc', 'CreateSubnet', {
        VpcId: v.VpcId,
        SubnetName: 's',
        CidrBlock: '10.0.1.0/24',
        Zone: 'ap-guangzhou-3',
      });
      await c.ok('vpc', 'DeleteVpc', { VpcId: v.VpcId });
      isError(await c.call('vpc', 'DescribeVpcs', { VpcIds: [v.VpcId] }), 'ResourceNotFound', v.VpcId);
      isError(await c.call('vpc', 'DescribeSubnets', { SubnetIds: [s.Subnet.SubnetId] }), 'ResourceNotFound');
      isError(await c.call('vpc', 'DeleteVpc', { VpcId: v.VpcId }), 'ResourceNotFound', v.VpcId);
      isError(await c.call('vpc', 'DeleteVpc', {}), 'MissingParameter', 'VpcId');
      isError(await c.call('vpc', 'DeleteVpc', { VpcId: 'vpc-XYZ' }), 'InvalidParameterValue.Malformed', 'VpcId');
      // An ENI (made through v2) keeps the VPC.
      const net = await vpcWithSubnet(v2);
      const eniId = await eni(v2, net);
      isError(await c.call('vpc', 'DeleteVpc', { VpcId: net.vpcId }), 'ResourceInUse', net.vpcId);
      await v2.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      await c.ok('vpc', 'DeleteVpc', { VpcId: net.vpcId });
    });

    it('one state: made through 3.0, seen and deleted through v2; made through v2, seen through 3.0', async () => {
      const name = 'cross-' + unique();
      const v = await vpc({ VpcName: name, CidrBlock: '172.16.0.0/12', EnableMulticast: 'true' });
      // v2 sees the /12 it could not have created itself.
      const seen = await v2.call('DescribeVpcEx', { vpcId: v.VpcId });
      assert.equal(seen.code, 0, seen.message);
      assert.equal(seen.totalCount, 1);
      assert.deepEqual(
        [seen.data[0].unVpcId, seen.data[0].vpcName, seen.data[0].cidrBlock, seen.data[0].createTime],
        [v.VpcId, name, '172.16.0.0/12', v.CreatedTime],
      );
      const made2 = await v2.call('CreateVpc', { vpcName: 'x', cidrBlock: '172.16.0.0/12' });
      assert.equal(made2.codeDesc, 'InvalidVpcCidr', 'v2 keeps /16–/28');
      const del = await v2.call('DeleteVpc', { vpcId: v.VpcId });
      assert.equal(del.code, 0, del.message);
      isError(await c.call('vpc', 'DescribeVpcs', { VpcIds: [v.VpcId] }), 'ResourceNotFound');

      const r = await v2.call('CreateVpc', { vpcName: 'from-v2-' + name, cidrBlock: '192.168.0.0/16' });
      assert.equal(r.code, 0, r.message);
      const d = await c.ok('vpc', 'DescribeVpcs', { VpcIds: [r.unVpcId] });
      assert.deepEqual(d.VpcSet[0], {
        VpcName: 'from-v2-' + name,
        VpcId: r.unVpcId,
        CidrBlock: '192.168.0.0/16',
        IsDefault: false,
        EnableMulticast: false,
        CreatedTime: r.vpcCreateTime,
        DnsServerSet: ['183.60.83.19', '183.60.82.98'],
        DomainName: '',
        DhcpOptionsId: '',
        EnableDhcp: true,
        Ipv6CidrBlock: '',
        TagSet: [],
        AssistantCidrSet: [],
        EnableRouteVpcPublish: false,
        EnableRouteVpcPublishIpv6: false,
        Ipv6CidrBlockSet: [],
      });
      await c.ok('vpc', 'DeleteVpc', { VpcId: r.unVpcId });
      const gone = await v2.call('DescribeVpcEx', { vpcId: r.unVpcId });
      assert.equal(gone.codeDesc, 'InvalidVpc.NotFound');
    });

    it("another account naming A's VPC gets exactly what a missing id gets", async () => {
      const a = await vpc();
      const b = sdk3Client(server.port, { account: ACCOUNT_B });
      const missing = 'vpc-0000beef';
      for (const [action, params] of [
        ['DescribeVpcs', (id: string) => ({ VpcIds: [id] })],
        ['DeleteVpc', (id: string) => ({ VpcId: id })],
        [
          'CreateSubnet',
          (id: string) => ({ VpcId: id, SubnetName: 's', CidrBlock: '10.0.9.0/24', Zone: 'ap-guangzhou-3' }),
        ],
        [
          'CreateSubnets',
          (id: string) => ({
            VpcId: id,
            Subnets: [{ SubnetName: 's', CidrBlock: '10.0.9.0/24', Zone: 'ap-guangzhou-3' }],
          }),
        ],
      ] as const) {
        const theirs = await b.call('vpc', action, params(a.VpcId));
        isError(theirs, 'ResourceNotFound');
        assertSameAsMissing(theirs, await b.call('vpc', action, params(missing)), a.VpcId, missing);
      }
      const filtered = await b.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-id', Values: [a.VpcId] }] });
      assert.deepEqual([filtered.TotalCount, filtered.VpcSet], [0, []]);
      // Nor does another region of the same account.
      const sh = sdk3Client(server.port, { region: 'ap-shanghai' });
      isError(await sh.call('vpc', 'DescribeVpcs', { VpcIds: [a.VpcId] }), 'ResourceNotFound');
      // A's VPC is untouched.
      assert.equal((await c.ok('vpc', 'DescribeVpcs', { VpcIds: [a.VpcId] })).TotalCount, 1);
    });

    it('DescribeVpcLimits answers the configured quotas, 0 for what is not modelled', async () => {
      const r = await c.ok('vpc', 'DescribeVpcLimits', {
        LimitTypes: [
          'appid-max-vpcs',
          'vpc-max-subnets',
          'vpc-max-enis',
          'eni-max-private-ips',
          'vpc-max-vpn-gws',
          'constructor',
        ],
      });
      assert.deepEqual(r.VpcLimitSet, [
        { LimitType: 'appid-max-vpcs', LimitValue: 500 },
        { LimitType: 'vpc-max-subnets', LimitValue: 100 },
        { LimitType: 'vpc-max-enis', LimitValue: 1000 },
        { LimitType: 'eni-max-private-ips', LimitValue: 30 },
        { LimitType: 'vpc-max-vpn-gws', LimitValue: 0 },
        { LimitType: 'constructor', LimitValue: 0 },
      ]);
      isError(await c.call('vpc', 'DescribeVpcLimits', {}), 'MissingParameter', 'LimitTypes');
      isError(
        await c.call('vpc', 'DescribeVpcLimits', { LimitTypes: Array.from({ length: 101 }, () => 'appid-max-vpcs') }),
        'InvalidParameterValue.LimitExceeded',
        'LimitTypes',
      );
      isError(
        await c.call('vpc', 'DescribeVpcLimits', { LimitTypes: 'appid-max-vpcs' }),
        'InvalidParameter',
        'LimitTypes',
      );
    });
  });

  describe(`API 3.0 VPC quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '2' });
    });
    after(() => server.close());

    it('refuses the VPC beyond the quota with LimitExceeded, whichever protocol made the others', async () => {
      const c = sdk3Client(server.port);
      await c.ok('vpc', 'CreateVpc', { VpcName: 'a', CidrBlock: '10.0.0.0/16' });
      assert.equal((await server.client().call('CreateVpc', { vpcName: 'b', cidrBlock: '10.1.0.0/16' })).code, 0);
      isError(await c.call('vpc', 'CreateVpc', { VpcName: 'c', CidrBlock: '10.2.0.0/16' }), 'LimitExceeded');
      // The quota is per region.
      await sdk3Client(server.port, { region: 'ap-beijing' }).ok('vpc', 'CreateVpc', {
        VpcName: 'c',
        CidrBlock: '10.2.0.0/16',
      });
      const limits = await c.ok('vpc', 'DescribeVpcLimits', { LimitTypes: ['appid-max-vpcs'] });
      assert.deepEqual(limits.VpcLimitSet, [{ LimitType: 'appid-max-vpcs', LimitValue: 2 }]);
    });
  });
}
