import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { eni, expectError, instance, nextMillisecond, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type Client, type TestServer } from '../support/harness.ts';

// CreateSubnet, DescribeSubnetEx and DeleteSubnet through the wire (docs/contract.md, "Resources": CIDR rules,
// three reserved addresses per subnet, zones by id or name).

const SUBNET_ID = /^subnet-[a-z0-9]{8}$/;

async function subnetRow(c: Client, subnetId: string): Promise<Record<string, any>> {
  const r = await c.call('DescribeSubnetEx', { subnetId });
  assert.equal(r.code, 0, JSON.stringify(r));
  assert.equal(r.totalCount, 1);
  return r.data[0];
}

async function emptyVpc(c: Client, cidrBlock = '10.0.0.0/16'): Promise<string> {
  const r = await c.call('CreateVpc', { vpcName: 'subnets', cidrBlock });
  assert.equal(r.code, 0, JSON.stringify(r));
  return r.unVpcId;
}

for (const backend of backends()) {
  describe(`Subnet actions [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    it('CreateSubnet creates several subnets, zones given by id or by name', async () => {
      const vpcId = await emptyVpc(c);
      const r = await c.call('CreateSubnet', {
        vpcId,
        subnetSet: [
          { subnetName: 'by-id', cidrBlock: '10.0.1.0/24', zoneId: '100002' },
          { subnetName: 'by-name', cidrBlock: '10.0.2.0/28', zoneId: 'ap-guangzhou-4' },
        ],
      });
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.subnetSet.length, 2);
      const [a, b] = r.subnetSet;
      for (const s of [a, b]) {
        assert.match(s.subnetId, SUBNET_ID);
        assert.equal(s.unSubnetId, s.subnetId);
        assert.equal(s.vpcId, vpcId);
        assert.equal(s.unVpcId, vpcId);
      }
      assert.deepEqual(
        [a.subnetName, a.cidrBlock, a.zoneId, a.zone],
        ['by-id', '10.0.1.0/24', 100002, 'ap-guangzhou-2'],
      );
      assert.deepEqual(
        [b.subnetName, b.cidrBlock, b.zoneId, b.zone],
        ['by-name', '10.0.2.0/28', 100004, 'ap-guangzhou-4'],
      );

      const row = await subnetRow(c, a.subnetId);
      assert.equal(row.vpcId, vpcId);
      assert.equal(row.unVpcId, vpcId);
      assert.equal(row.subnetId, a.subnetId);
      assert.equal(row.unSubnetId, a.subnetId);
      assert.equal(row.subnetName, 'by-id');
      assert.equal(row.cidrBlock, '10.0.1.0/24');
      assert.equal(row.zoneId, 100002);
      assert.equal(row.zone, 'ap-guangzhou-2');
      assert.equal(row.totalIPNum, 253);
      assert.equal(row.availableIPNum, 253);
      assert.equal(row.vpcDevices, 0);
      assert.equal(typeof row.broadcast, 'boolean');
      assert.equal((await subnetRow(c, b.subnetId)).totalIPNum, 13);
    });

    it('a subnet may be the whole VPC block: 65533 usable addresses in a /16', async () => {
      const vpcId = await emptyVpc(c, '10.9.0.0/16');
      const r = await c.call('CreateSubnet', {
        vpcId,
        subnetSet: [{ subnetName: 'all', cidrBlock: '10.9.0.0/16', zoneId: '100001' }],
      });
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal((await subnetRow(c, r.subnetSet[0].unSubnetId)).totalIPNum, 65533);
    });

    it('availableIPNum falls as addresses are used and rises when they are freed', async () => {
      const net = await vpcWithSubnet(c);
      await instance(c, net);
      let row = await subnetRow(c, net.subnetId);
      assert.deepEqual([row.totalIPNum, row.availableIPNum, row.vpcDevices], [253, 252, 1]);
      const eniId = await eni(c, net, { secondaryPrivateIpAddressCount: 2 });
      row = await subnetRow(c, net.subnetId);
      assert.equal(row.availableIPNum, 249);
      await c.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      row = await subnetRow(c, net.subnetId);
      assert.equal(row.availableIPNum, 252);
    });

    it('CreateSubnet refuses bad input with the documented 4000 names, and creates nothing then', async () => {
      const vpcId = await emptyVpc(c);
      const existing = await c.call('CreateSubnet', {
        vpcId,
        subnetSet: [{ subnetName: 'first', cidrBlock: '10.0.1.0/24', zoneId: '100003' }],
      });
      assert.equal(existing.code, 0);
      const create = (s: Record<string, string>) =>
        c.call('CreateSubnet', {
          vpcId,
          subnetSet: [
            { subnetName: 'ok', cidrBlock: '10.0.9.0/24', zoneId: '100003' },
            { ...okSubnet, ...s },
          ],
        });
      const okSubnet = { subnetName: 'second', cidrBlock: '10.0.10.0/24', zoneId: '100003' };
      expectError(await c.call('CreateSubnet', { vpcId }), 4000, 'InvalidParameter', 'subnetSet');
      expectError(await c.call('CreateSubnet', { subnetSet: [okSubnet] }), 4000, 'InvalidParameter', 'vpcId');
      expectError(await create({ subnetName: '' }), 4000, 'InvalidSubnetName', 'subnetName');
      expectError(await create({ subnetName: 'x'.repeat(61) }), 4000, 'InvalidSubnetName', 'subnetName');
      for (const cidrBlock of ['10.1.0.0/24', '10.0.0.0/29', '10.0.0.0/15', '10.0.10.1/24', '10.0.10.0']) {
        expectError(await create({ cidrBlock }), 4000, 'InvalidSubnetCidr', cidrBlock);
      }
      // Overlap with a sibling, with the same block, and inside one request.
      for (const cidrBlock of ['10.0.1.128/25', '10.0.1.0/24', '10.0.0.0/16', '10.0.9.0/24']) {
        expectError(await create({ cidrBlock }), 4000, 'InvalidSubnet.Conflict', cidrBlock);
      }
      for (const zoneId of ['100009', '200001', 'ap-shanghai-1', 'nowhere']) {
        expectError(await create({ zoneId }), 5000, 'InvalidZone.NotFound', zoneId);
      }
      expectError(
        await c.call('CreateSubnet', { vpcId: 'vpc-zzzzzzzz', subnetSet: [okSubnet] }),
        5000,
        'InvalidVpc.NotFound',
        'vpc-zzzzzzzz',
      );
      // Precedence: bad input before a missing VPC.
      expectError(
        await c.call('CreateSubnet', { vpcId: 'vpc-zzzzzzzz', subnetSet: [{ ...okSubnet, subnetName: '' }] }),
        4000,
        'InvalidSubnetName',
      );
      const after = await c.call('DescribeSubnetEx', { vpcId });
      assert.deepEqual(
        after.data.map((s: { subnetName: string }) => s.subnetName),
        ['first'],
      );
    });

    it('DescribeSubnetEx filters by VPC, id, fuzzy name and zones; pages and orders', async () => {
      const vpcId = await emptyVpc(c);
      const ids: string[] = [];
      for (const [i, name] of ['zeta-lan', 'alpha-lan', 'mid-lan'].entries()) {
        await nextMillisecond();
        const r = await c.call('CreateSubnet', {
          vpcId,
          subnetSet: [{ subnetName: name, cidrBlock: `10.0.${i}.0/24`, zoneId: i === 2 ? '100002' : '100003' }],
        });
        ids.push(r.subnetSet[0].unSubnetId);
      }
      const other = await vpcWithSubnet(c);
      const list = async (p: Record<string, unknown>) => {
        const r = await c.call('DescribeSubnetEx', p);
        assert.equal(r.code, 0, JSON.stringify(r));
        return { total: r.totalCount, ids: r.data.map((s: { unSubnetId: string }) => s.unSubnetId) };
      };
      assert.deepEqual(await list({ vpcId }), { total: 3, ids: [...ids].reverse() });
      assert.deepEqual(await list({ vpcId, orderDirection: 'asc' }), { total: 3, ids });
      assert.deepEqual(await list({ vpcId, orderField: 'subnetName', orderDirection: 'asc' }), {
        total: 3,
        ids: [ids[1], ids[2], ids[0]],
      });
      assert.deepEqual(await list({ vpcId, orderField: 'subnetName', orderDirection: 'desc', offset: 1, limit: 1 }), {
        total: 3,
        ids: [ids[2]],
      });
      assert.deepEqual(await list({ vpcId, subnetName: 'LAN' }), { total: 3, ids: [...ids].reverse() });
      assert.deepEqual(await list({ vpcId, subnetName: 'Alpha' }), { total: 1, ids: [ids[1]] });
      assert.deepEqual(await list({ vpcId, zoneIds: ['100002'] }), { total: 1, ids: [ids[2]] });
      assert.deepEqual(await list({ vpcId, zoneIds: ['ap-guangzhou-3', '100004'] }), {
        total: 2,
        ids: [ids[1], ids[0]],
      });
      assert.deepEqual(await list({ subnetId: ids[0] }), { total: 1, ids: [ids[0]] });
      assert.ok((await list({})).ids.includes(other.subnetId), 'no filter lists every VPC');
      expectError(await c.call('DescribeSubnetEx', { vpcId: 'vpc-zzzzzzzz' }), 5000, 'InvalidVpc.NotFound');
      expectError(await c.call('DescribeSubnetEx', { subnetId: 'subnet-zzzzzzzz' }), 5000, 'InvalidSubnet.NotFound');
      // A subnet that exists, but not in the given VPC.
      expectError(
        await c.call('DescribeSubnetEx', { vpcId, subnetId: other.subnetId }),
        5000,
        'InvalidSubnet.NotFound',
        other.subnetId,
      );
      expectError(await c.call('DescribeSubnetEx', { zoneIds: ['100009'] }), 5000, 'InvalidZone.NotFound', '100009');
    });

    it('DescribeSubnetEx: 20 by default, at most 100', async () => {
      const vpcId = await emptyVpc(c);
      const subnetSet = Array.from({ length: 21 }, (_, i) => ({
        subnetName: `n${i}`,
        cidrBlock: `10.0.${i}.0/24`,
        zoneId: '100003',
      }));
      assert.equal((await c.call('CreateSubnet', { vpcId, subnetSet })).code, 0);
      const page = await c.call('DescribeSubnetEx', { vpcId });
      assert.equal(page.totalCount, 21);
      assert.equal(page.data.length, 20);
      assert.equal((await c.call('DescribeSubnetEx', { vpcId, limit: 100 })).data.length, 21);
      expectError(await c.call('DescribeSubnetEx', { vpcId, limit: 101 }), 4000, 'InvalidParameterValue', 'limit');
      expectError(
        await c.call('DescribeSubnetEx', { orderField: 'zoneId' }),
        4000,
        'InvalidParameterValue',
        'orderField',
      );
    });

    it('DeleteSubnet deletes an empty subnet, refuses one that holds an ENI or an instance', async () => {
      const net = await vpcWithSubnet(c);
      const second = await c.call('CreateSubnet', {
        vpcId: net.vpcId,
        subnetSet: [
          { subnetName: 'eni', cidrBlock: '10.0.2.0/24', zoneId: '100003' },
          { subnetName: 'empty', cidrBlock: '10.0.3.0/24', zoneId: '100003' },
        ],
      });
      const [eniSubnet, emptySubnet] = second.subnetSet.map((s: { unSubnetId: string }) => s.unSubnetId);
      await instance(c, net);
      await eni(c, { vpcId: net.vpcId, subnetId: eniSubnet });
      expectError(
        await c.call('DeleteSubnet', { vpcId: net.vpcId, subnetId: net.subnetId }),
        5100,
        'InvalidSubnet.CannotDelete',
        net.subnetId,
      );
      expectError(
        await c.call('DeleteSubnet', { vpcId: net.vpcId, subnetId: eniSubnet }),
        5100,
        'InvalidSubnet.CannotDelete',
        eniSubnet,
      );
      const r = await c.call('DeleteSubnet', { vpcId: net.vpcId, subnetId: emptySubnet });
      assert.deepEqual(r, { code: 0, message: '', codeDesc: 'Success' });
      expectError(await c.call('DescribeSubnetEx', { subnetId: emptySubnet }), 5000, 'InvalidSubnet.NotFound');
      expectError(
        await c.call('DeleteSubnet', { vpcId: net.vpcId, subnetId: emptySubnet }),
        5000,
        'InvalidSubnet.NotFound',
        emptySubnet,
      );
    });

    it('DeleteSubnet answers NotFound for a missing VPC or a subnet of another VPC', async () => {
      const a = await vpcWithSubnet(c);
      const b = await vpcWithSubnet(c);
      expectError(
        await c.call('DeleteSubnet', { vpcId: a.vpcId, subnetId: b.subnetId }),
        5000,
        'InvalidSubnet.NotFound',
        b.subnetId,
      );
      expectError(
        await c.call('DeleteSubnet', { vpcId: 'vpc-zzzzzzzz', subnetId: 'subnet-zzzzzzzz' }),
        5000,
        'InvalidVpc.NotFound',
      );
      expectError(await c.call('DeleteSubnet', { vpcId: a.vpcId }), 4000, 'InvalidParameter', 'subnetId');
      assert.equal((await subnetRow(c, b.subnetId)).unSubnetId, b.subnetId);
    });
  });

  describe(`Subnet quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_SUBNETS: '2' });
    });
    after(() => server.close());

    it('answers SubnetLimitExceeded beyond the subnets-per-VPC quota', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const add = (...cidrs: string[]) =>
        c.call('CreateSubnet', {
          vpcId: net.vpcId,
          subnetSet: cidrs.map((cidrBlock, i) => ({ subnetName: `q${i}`, cidrBlock, zoneId: '100003' })),
        });
      expectError(await add('10.0.2.0/24', '10.0.3.0/24'), 5100, 'SubnetLimitExceeded');
      assert.equal((await add('10.0.2.0/24')).code, 0);
      expectError(await add('10.0.3.0/24'), 5100, 'SubnetLimitExceeded');
      // Another VPC has a quota of its own.
      const other = await vpcWithSubnet(c);
      assert.equal(
        (
          await c.call('CreateSubnet', {
            vpcId: other.vpcId,
            subnetSet: [{ subnetName: 'x', cidrBlock: '10.0.2.0/24', zoneId: '100003' }],
          })
        ).code,
        0,
      );
    });
  });
}
