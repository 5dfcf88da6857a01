import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow, eni, expectError, instance, nextMillisecond, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';

// CreateVpc, DescribeVpcEx and DeleteVpc through the wire: outputs field by field (docs/contract.md, "Wire protocol",
// "Resources"), and every codeDesc these actions can answer ("Error codes", "Business rules").

const VPC_ID = /^vpc-[a-z0-9]{8}$/;
const SUBNET_ID = /^subnet-[a-z0-9]{8}$/;

async function createVpc(c: Client, vpcName: string, cidrBlock = '10.0.0.0/16'): Promise<string> {
  const r = await c.call('CreateVpc', { vpcName, cidrBlock });
  assert.equal(r.code, 0, JSON.stringify(r));
  return r.unVpcId;
}

for (const backend of backends()) {
  describe(`VPC actions [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    it('CreateVpc with subnets answers the documented top-level fields', async () => {
      const r = await c.call('CreateVpc', {
        vpcName: 'web',
        cidrBlock: '10.0.0.0/16',
        subnetSet: [
          { subnetName: 'a', cidrBlock: '10.0.1.0/24', zoneId: '100003' },
          { subnetName: 'b', cidrBlock: '10.0.2.0/24', zoneId: 'ap-guangzhou-4' },
        ],
      });
      assert.equal(r.code, 0);
      assert.equal(r.message, '');
      assert.equal(r.codeDesc, 'Success');
      assert.match(r.vpcId, VPC_ID);
      assert.equal(r.unVpcId, r.vpcId);
      assert.equal(r.uniqVpcId, r.vpcId);
      assertBeijingNow(r.vpcCreateTime);
      assert.equal(r.subnetSet.length, 2);
      const [a, b] = r.subnetSet;
      assert.match(a.subnetId, SUBNET_ID);
      assert.equal(a.unSubnetId, a.subnetId);
      assert.equal(a.subnetName, 'a');
      assert.equal(a.cidrBlock, '10.0.1.0/24');
      assert.equal(a.zoneId, 100003);
      assert.equal(a.zone, 'ap-guangzhou-3');
      assert.equal(b.zoneId, 100004);
      assert.equal(b.zone, 'ap-guangzhou-4');
      assert.notEqual(a.subnetId, b.subnetId);
      assert.equal(r.routeTableSet.length, 1);
      assert.equal(r.routeTableSet[0].routeTableType, 1);
      assert.equal(a.routeTableId, r.routeTableSet[0].routeTableId);
    });

    it('DescribeVpcEx shows a VPC with its counts, both id fields and Beijing time', async () => {
      const net = await vpcWithSubnet(c, { cidr: '192.168.0.0/16', subnetCidr: '192.168.7.0/24' });
      await instance(c, net);
      const r = await c.call('DescribeVpcEx', { vpcId: net.vpcId });
      assert.equal(r.code, 0);
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.totalCount, 1);
      const [v] = r.data;
      assert.equal(v.vpcId, net.vpcId);
      assert.equal(v.unVpcId, net.vpcId);
      assert.equal(v.vpcName, 'test-vpc');
      assert.equal(v.cidrBlock, '192.168.0.0/16');
      assert.equal(v.subnetNum, 1);
      assert.equal(v.vpcDeviceNum, 1);
      assert.equal(v.isDefault, false);
      assertBeijingNow(v.createTime);
    });

    it('CreateVpc refuses bad names and blocks with the documented 4000 names', async () => {
      expectError(await c.call('CreateVpc', { cidrBlock: '10.0.0.0/16' }), 4000, 'InvalidParameter', 'vpcName');
      expectError(await c.call('CreateVpc', { vpcName: 'x' }), 4000, 'InvalidParameter', 'cidrBlock');
      for (const vpcName of ['', 'n'.repeat(61)]) {
        expectError(
          await c.call('CreateVpc', { vpcName, cidrBlock: '10.0.0.0/16' }),
          4000,
          'InvalidVpcName',
          'vpcName',
        );
      }
      // 60 characters, counted as characters and not bytes, is still a name.
      assert.equal((await c.call('CreateVpc', { vpcName: '网'.repeat(60), cidrBlock: '10.0.0.0/16' })).code, 0);
      for (const cidrBlock of [
        '11.0.0.0/16', // not private
        '172.32.0.0/16', // just outside 172.16.0.0/12
        '10.0.0.0/15', // mask too wide
        '172.16.0.0/12',
        '10.0.0.0/29', // mask too narrow
        '10.0.0.1/16', // host bits set
      ]) {
        expectError(await c.call('CreateVpc', { vpcName: 'v', cidrBlock }), 4000, 'InvalidVpcCidr', cidrBlock);
      }
      for (const cidrBlock of ['10.255.0.0/16', '172.31.255.240/28', '192.168.0.0/16']) {
        assert.equal((await c.call('CreateVpc', { vpcName: 'v', cidrBlock })).code, 0, cidrBlock);
      }
    });

    it('CreateVpc refuses bad subnets and then creates nothing', async () => {
      const before = (await c.call('DescribeVpcEx', { vpcName: 'atomic' })).totalCount;
      const vpc = (subnetSet: object[]) =>
        c.call('CreateVpc', { vpcName: 'atomic', cidrBlock: '10.3.0.0/16', subnetSet });
      const ok = { subnetName: 'ok', cidrBlock: '10.3.0.0/24', zoneId: '100003' };
      expectError(await vpc([ok, { ...ok, cidrBlock: '10.4.0.0/24' }]), 4000, 'InvalidSubnetCidr', '10.4.0.0/24');
      expectError(await vpc([ok, { ...ok, cidrBlock: '10.3.0.0/29' }]), 4000, 'InvalidSubnetCidr', '10.3.0.0/29');
      expectError(await vpc([ok, { ...ok, cidrBlock: '10.3.0.128/25' }]), 4000, 'InvalidSubnet.Conflict');
      expectError(await vpc([ok, { ...ok, subnetName: 's'.repeat(61) }]), 4000, 'InvalidSubnetName', 'subnetName');
      expectError(await vpc([{ ...ok, zoneId: '100009' }]), 5000, 'InvalidZone.NotFound', '100009');
      // A Shanghai zone is no zone of Guangzhou.
      expectError(await vpc([{ ...ok, zoneId: '200001' }]), 5000, 'InvalidZone.NotFound', '200001');
      expectError(
        await c.call('CreateVpc', {
          vpcName: 'atomic',
          cidrBlock: '10.3.0.0/16',
          'subnetSet.0.subnetName': 'a',
          'subnetSet.0.cidrBlock': '10.3.0.0/24',
          'subnetSet.0.zoneId': '100003',
          'subnetSet.2.subnetName': 'gap',
          'subnetSet.2.cidrBlock': '10.3.2.0/24',
          'subnetSet.2.zoneId': '100003',
        }),
        4000,
        'InvalidParameter',
        'subnetSet',
      );
      assert.equal((await c.call('DescribeVpcEx', { vpcName: 'atomic' })).totalCount, before);
    });

    it('DescribeVpcEx pages, orders and filters names by case-insensitive substring', async () => {
      // Lower-case names (how names of different case sort is not part of the contract); the filter
      // below is mixed-case.
      const names = ['pager-delta', 'pager-alpha', 'pager-charlie', 'pager-bravo', 'pager-echo'];
      const ids: string[] = [];
      for (const name of names) {
        await nextMillisecond();
        ids.push(await createVpc(c, name));
      }
      const list = async (p: Record<string, unknown>) => {
        const r = await c.call('DescribeVpcEx', { vpcName: 'pAgEr-', ...p });
        assert.equal(r.code, 0, JSON.stringify(r));
        assert.equal(r.totalCount, 5);
        return r.data.map((v: { unVpcId: string }) => v.unVpcId);
      };
      assert.deepEqual(await list({}), [...ids].reverse(), 'default: newest first');
      assert.deepEqual(await list({ orderDirection: 'asc' }), ids);
      const byName = names
        .map((n, i) => ({ n, id: ids[i] }))
        .sort((a, b) => (a.n < b.n ? -1 : 1))
        .map((x) => x.id);
      assert.deepEqual(await list({ orderField: 'vpcName', orderDirection: 'asc' }), byName);
      assert.deepEqual(
        await list({ orderField: 'vpcName', orderDirection: 'asc', offset: 1, limit: 2 }),
        byName.slice(1, 3),
      );
      assert.deepEqual(await list({ offset: 4, limit: 100 }), [ids[0]]);
      assert.deepEqual(await list({ offset: 5 }), []);
      // LIKE wildcards in the filter are plain characters.
      assert.equal((await c.call('DescribeVpcEx', { vpcName: 'pager%' })).totalCount, 0);
      assert.equal((await c.call('DescribeVpcEx', { vpcName: 'CHARLIE' })).data[0].unVpcId, ids[2]);
    });

    it('DescribeVpcEx refuses bad paging and ordering, and an unknown vpcId', async () => {
      expectError(await c.call('DescribeVpcEx', { limit: 101 }), 4000, 'InvalidParameterValue', 'limit');
      expectError(await c.call('DescribeVpcEx', { limit: 0 }), 4000, 'InvalidParameterValue', 'limit');
      expectError(await c.call('DescribeVpcEx', { offset: -1 }), 4000, 'InvalidParameterValue', 'offset');
      expectError(await c.call('DescribeVpcEx', { limit: 'ten' }), 4000, 'InvalidParameter', 'limit');
      expectError(
        await c.call('DescribeVpcEx', { orderField: 'cidrBlock' }),
        4000,
        'InvalidParameterValue',
        'orderField',
      );
      expectError(
        await c.call('DescribeVpcEx', { orderDirection: 'up' }),
        4000,
        'InvalidParameterValue',
        'orderDirection',
      );
      assert.equal((await c.call('DescribeVpcEx', { limit: 100 })).code, 0);
      expectError(
        await c.call('DescribeVpcEx', { vpcId: 'vpc-zzzzzzzz' }),
        5000,
        'InvalidVpc.NotFound',
        'vpc-zzzzzzzz',
      );
    });

    it('DeleteVpc deletes a VPC with its empty subnets', async () => {
      const net = await vpcWithSubnet(c);
      const r = await c.call('DeleteVpc', { vpcId: net.vpcId });
      assert.deepEqual(r, { code: 0, message: '', codeDesc: 'Success' });
      expectError(await c.call('DescribeVpcEx', { vpcId: net.vpcId }), 5000, 'InvalidVpc.NotFound');
      expectError(await c.call('DescribeSubnetEx', { subnetId: net.subnetId }), 5000, 'InvalidSubnet.NotFound');
      expectError(await c.call('DeleteVpc', { vpcId: net.vpcId }), 5000, 'InvalidVpc.NotFound', net.vpcId);
      expectError(await c.call('DeleteVpc', {}), 4000, 'InvalidParameter', 'vpcId');
    });

    it('DeleteVpc refuses a VPC that holds an instance or an ENI', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      expectError(await c.call('DeleteVpc', { vpcId: net.vpcId }), 5100, 'InvalidVpc.CannotDelete', net.vpcId);
      await c.run('TerminateInstances', { instanceIds: [ins] });
      const eniId = await eni(c, net);
      expectError(await c.call('DeleteVpc', { vpcId: net.vpcId }), 5100, 'InvalidVpc.CannotDelete', net.vpcId);
      assert.equal((await c.call('DescribeVpcEx', { vpcId: net.vpcId })).totalCount, 1);
      await c.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      assert.equal((await c.call('DeleteVpc', { vpcId: net.vpcId })).code, 0);
    });
  });

  describe(`VPC quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '2', VPC_ENI_QUOTA_SUBNETS: '2' });
    });
    after(() => server.close());

    it('answers VpcLimitExceeded per account and region, and frees the slot on delete', async () => {
      const c = server.client();
      const first = await createVpc(c, 'q1');
      await createVpc(c, 'q2');
      expectError(await c.call('CreateVpc', { vpcName: 'q3', cidrBlock: '10.0.0.0/16' }), 5100, 'VpcLimitExceeded');
      // Bad input answers before any quota.
      expectError(await c.call('CreateVpc', { vpcName: '', cidrBlock: '10.0.0.0/16' }), 4000, 'InvalidVpcName');
      // The quota is per region and per account.
      await createVpc(server.client({ region: 'sh' }), 'other-region');
      await createVpc(server.client({ account: ACCOUNT_B }), 'other-account');
      assert.equal((await c.call('DeleteVpc', { vpcId: first })).code, 0);
      await createVpc(c, 'q3');
    });

    it('answers SubnetLimitExceeded when CreateVpc asks for more subnets than the quota', async () => {
      const c = server.client({ region: 'bj' });
      const subnetSet = [0, 1, 2].map((i) => ({ subnetName: `s${i}`, cidrBlock: `10.0.${i}.0/24`, zoneId: '800001' }));
      expectError(
        await c.call('CreateVpc', { vpcName: 'many', cidrBlock: '10.0.0.0/16', subnetSet }),
        5100,
        'SubnetLimitExceeded',
      );
      assert.equal((await c.call('DescribeVpcEx', {})).totalCount, 0);
      const r = await c.call('CreateVpc', {
        vpcName: 'two',
        cidrBlock: '10.0.0.0/16',
        subnetSet: subnetSet.slice(0, 2),
      });
      assert.equal(r.code, 0);
      assert.equal(r.subnetSet[0].zoneId, 800001);
      assert.equal(r.subnetSet[0].zone, 'ap-beijing-1');
    });
  });
}
