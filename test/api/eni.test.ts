import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import {
  assertBeijingNow,
  assertStillRunning,
  describeEni,
  eni,
  expectError,
  instance,
  nextMillisecond,
  vpcWithSubnet,
  withSlowTasks,
} from '../support/fixtures.ts';
import { startServer, type Client, type TestServer } from '../support/harness.ts';

// CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface through the wire
// (docs/contract.md, "Business rules" to "Resources": ids, MACs, lowest-free addresses, the subnet's reserved addresses, quotas).

const ENI_ID = /^eni-[a-z0-9]{8}$/;
const MAC = /^20:90:6F(:[0-9A-F]{2}){3}$/;
const SLOW_MS = 1000;

function ipsOf(e: Record<string, any>): Array<[string, boolean]> {
  return e.privateIpAddressesSet.map((p: { privateIpAddress: string; primary: boolean }) => [
    p.privateIpAddress,
    p.primary,
  ]);
}

async function availableIps(c: Client, subnetId: string): Promise<number> {
  return (await c.call('DescribeSubnetEx', { subnetId })).data[0].availableIPNum;
}

for (const backend of backends()) {
  describe(`ENI actions [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    it('CreateNetworkInterface: PENDING while its task runs, then AVAILABLE with every documented field', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.1.0/24' });
      const r = await withSlowTasks(server, SLOW_MS, () =>
        c.call('CreateNetworkInterface', {
          vpcId: net.vpcId,
          subnetId: net.subnetId,
          eniName: 'db-eni',
          eniDescription: 'replica link',
        }),
      );
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.message, '');
      assert.equal(r.data.taskId, r.taskId);
      const id = r.data.networkInterfaceId;
      assert.match(id, ENI_ID);
      assert.equal((await describeEni(c, net.vpcId, id)).state, 'PENDING');
      await assertStillRunning(c, r.taskId);
      assert.equal((await c.waitTask(r.taskId)).data.status, 0);

      const e = await describeEni(c, net.vpcId, id);
      assert.equal(e.vpcId, net.vpcId);
      assert.equal(e.vpcName, 'test-vpc');
      assert.equal(e.subnetId, net.subnetId);
      assert.equal(e.zoneId, 100003);
      assert.equal(e.eniName, 'db-eni');
      assert.equal(e.eniDescription, 'replica link');
      assert.equal(e.networkInterfaceId, id);
      assert.equal(e.primary, false);
      assert.match(e.macAddress, MAC);
      assert.equal(e.state, 'AVAILABLE');
      assertBeijingNow(e.createTime);
      assert.deepEqual(e.privateIpAddressesSet, [
        {
          privateIpAddress: '10.0.1.2',
          primary: true,
          description: '',
          wanIp: '',
          isWanIpBlocked: false,
          eipId: '',
        },
      ]);
      assert.deepEqual(e.instanceSet, { instanceId: '', attachTime: '' });
      assert.deepEqual(e.groupSet, []);
      assert.deepEqual(e.flowLogsSet, []);
    });

    it('chosen addresses: the flagged one is primary; others and the system-picked ones are secondary', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.2.0/24' });
      const flagged = await eni(c, net, {
        privateIpAddressSet: [
          { privateIpAddress: '10.0.2.51', primary: false },
          { privateIpAddress: '10.0.2.50', primary: true },
        ],
        secondaryPrivateIpAddressCount: 2,
      });
      assert.deepEqual(ipsOf(await describeEni(c, net.vpcId, flagged)), [
        ['10.0.2.50', true],
        ['10.0.2.2', false],
        ['10.0.2.3', false],
        ['10.0.2.51', false],
      ]);
      // With none flagged, the system picks the primary (lowest free); listed ones are secondaries.
      const unflagged = await eni(c, net, { privateIpAddressSet: [{ privateIpAddress: '10.0.2.60' }] });
      assert.deepEqual(ipsOf(await describeEni(c, net.vpcId, unflagged)), [
        ['10.0.2.4', true],
        ['10.0.2.60', false],
      ]);
      const macs = [flagged, unflagged].map(async (id) => (await describeEni(c, net.vpcId, id)).macAddress);
      const [m1, m2] = await Promise.all(macs);
      assert.notEqual(m1, m2);
      assert.equal(await availableIps(c, net.subnetId), 253 - 6);
    });

    it('CreateNetworkInterface refuses bad input with exact 4000 codeDescs', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.3.0/24' });
      const create = (p: Record<string, unknown>) => c.call('CreateNetworkInterface', { ...net, eniName: 'e', ...p });
      expectError(await c.call('CreateNetworkInterface', { ...net }), 4000, 'InvalidParameter', 'eniName');
      expectError(
        await c.call('CreateNetworkInterface', { vpcId: net.vpcId, eniName: 'e' }),
        4000,
        'InvalidParameter',
        'subnetId',
      );
      expectError(await create({ eniName: '' }), 4000, 'InvalidNetworkInterfaceName', 'eniName');
      expectError(await create({ eniName: 'e'.repeat(61) }), 4000, 'InvalidNetworkInterfaceName', 'eniName');
      assert.equal((await create({ eniName: 'e'.repeat(60) })).code, 0);
      expectError(await create({ eniDescription: 'd'.repeat(61) }), 4000, 'InvalidParameterValue', 'eniDescription');
      expectError(
        await create({ privateIpAddressSet: [{ privateIpAddress: '10.0.3.256' }] }),
        4000,
        'InvalidParameterValue',
        'privateIpAddressSet.0.privateIpAddress',
      );
      expectError(
        await create({ privateIpAddressSet: [{ privateIpAddress: '10.0.3.9', primary: 'maybe' }] }),
        4000,
        'InvalidParameter',
        'privateIpAddressSet.0.primary',
      );
      expectError(
        await create({
          privateIpAddressSet: [
            { privateIpAddress: '10.0.3.9', primary: true },
            { privateIpAddress: '10.0.3.10', primary: true },
          ],
        }),
        4000,
        'InvalidParameterValue',
        'primary',
      );
      expectError(
        await create({ privateIpAddressSet: [{ privateIpAddress: '10.0.4.9' }] }),
        4000,
        'InvalidPrivateIpAddress.NotInSubnet',
        '10.0.4.9',
      );
      // Network, gateway and broadcast addresses are the subnet's own.
      for (const ip of ['10.0.3.0', '10.0.3.1', '10.0.3.255']) {
        expectError(
          await create({ privateIpAddressSet: [{ privateIpAddress: ip }] }),
          4000,
          'InvalidParameterValue',
          ip,
        );
      }
      expectError(
        await create({ secondaryPrivateIpAddressCount: 31 }),
        4000,
        'InvalidParameterValue',
        'secondaryPrivateIpAddressCount',
      );
      // Precedence: bad input answers before a missing VPC.
      expectError(
        await create({ vpcId: 'vpc-zzzzzzzz', eniName: 'e'.repeat(61) }),
        4000,
        'InvalidNetworkInterfaceName',
      );
    });

    it('CreateNetworkInterface answers NotFound, InUse, and the 30-address ceiling of an ENI', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.5.0/24' });
      const other = await vpcWithSubnet(c);
      const create = (p: Record<string, unknown>) => c.call('CreateNetworkInterface', { ...net, eniName: 'e', ...p });
      expectError(await create({ vpcId: 'vpc-zzzzzzzz' }), 5000, 'InvalidVpc.NotFound', 'vpc-zzzzzzzz');
      expectError(await create({ subnetId: 'subnet-zzzzzzzz' }), 5000, 'InvalidSubnet.NotFound', 'subnet-zzzzzzzz');
      // A subnet of another VPC is not found in this one.
      expectError(await create({ subnetId: other.subnetId }), 5000, 'InvalidSubnet.NotFound', other.subnetId);
      // Precedence: the VPC before the subnet.
      expectError(await create({ vpcId: 'vpc-zzzzzzzz', subnetId: 'subnet-zzzzzzzz' }), 5000, 'InvalidVpc.NotFound');
      await eni(c, net, { privateIpAddressSet: [{ privateIpAddress: '10.0.5.77', primary: true }] });
      expectError(
        await create({ privateIpAddressSet: [{ privateIpAddress: '10.0.5.77' }] }),
        5100,
        'InvalidPrivateIpAddress.InUse',
        '10.0.5.77',
      );
      expectError(await create({ secondaryPrivateIpAddressCount: 30 }), 5100, 'PrivateIpAddressLimitExceeded');
      const big = await eni(c, net, { secondaryPrivateIpAddressCount: 29 });
      assert.equal((await describeEni(c, net.vpcId, big)).privateIpAddressesSet.length, 30);
    });

    it('a /28 has 13 usable addresses: beyond them ResourceInsufficient.Subnet', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.6.0/28' });
      const create = (n: number) =>
        c.call('CreateNetworkInterface', { ...net, eniName: 'e', secondaryPrivateIpAddressCount: n });
      expectError(await create(13), 5100, 'ResourceInsufficient.Subnet', net.subnetId);
      assert.equal(await availableIps(c, net.subnetId), 13);
      const all = await eni(c, net, { secondaryPrivateIpAddressCount: 12 });
      const ips = ipsOf(await describeEni(c, net.vpcId, all)).map(([ip]) => ip);
      assert.deepEqual(ips.sort(), Array.from({ length: 13 }, (_, i) => `10.0.6.${i + 2}`).sort());
      assert.equal(await availableIps(c, net.subnetId), 0);
      expectError(await create(0), 5100, 'ResourceInsufficient.Subnet');
    });

    it('DescribeNetworkInterfaces filters, pages and orders; names and descriptions match fuzzily', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.7.0/24' });
      const ids: string[] = [];
      for (const [name, description] of [
        ['web-b', 'Front End'],
        ['web-a', 'back end'],
        ['db-c', 'storage'],
      ]) {
        await nextMillisecond();
        ids.push(await eni(c, net, { eniName: name, eniDescription: description }));
      }
      const list = async (p: Record<string, unknown>) => {
        const r = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, ...p });
        assert.equal(r.code, 0, JSON.stringify(r));
        return {
          total: r.data.totalNum,
          ids: r.data.data.map((e: { networkInterfaceId: string }) => e.networkInterfaceId),
        };
      };
      assert.deepEqual(await list({}), { total: 3, ids: [...ids].reverse() });
      assert.deepEqual(await list({ orderDirection: 'asc' }), { total: 3, ids });
      assert.deepEqual(await list({ orderField: 'eniName', orderDirection: 'asc' }), {
        total: 3,
        ids: [ids[2], ids[1], ids[0]],
      });
      assert.deepEqual(await list({ orderField: 'eniName', orderDirection: 'desc', offset: 1, limit: 1 }), {
        total: 3,
        ids: [ids[1]],
      });
      assert.deepEqual(await list({ eniName: 'WEB-' }), { total: 2, ids: [ids[1], ids[0]] });
      assert.deepEqual(await list({ eniDescription: 'END' }), { total: 2, ids: [ids[1], ids[0]] });
      assert.deepEqual(await list({ eniName: '_' }), { total: 0, ids: [] });
      assert.deepEqual(await list({ networkInterfaceId: ids[2] }), { total: 1, ids: [ids[2]] });
      assert.deepEqual(await list({ subnetId: net.subnetId, limit: 50 }), { total: 3, ids: [...ids].reverse() });
      const ins = await instance(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: ids[0], instanceId: ins });
      const attached = await list({ instanceId: ins, orderField: 'eniName', orderDirection: 'desc' });
      assert.equal(attached.total, 2, 'the primary ENI and the attached one');
      assert.equal(attached.ids[0], ids[0]);
      expectError(await c.call('DescribeNetworkInterfaces', { limit: 51 }), 4000, 'InvalidParameterValue', 'limit');
      expectError(
        await c.call('DescribeNetworkInterfaces', { orderField: 'macAddress' }),
        4000,
        'InvalidParameterValue',
        'orderField',
      );
    });

    it('DescribeNetworkInterfaces: 20 by default', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.8.0/24' });
      await Promise.all(Array.from({ length: 21 }, () => eni(c, net)));
      const r = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId });
      assert.equal(r.data.totalNum, 21);
      assert.equal(r.data.data.length, 20);
    });

    it('DescribeNetworkInterfaces answers NotFound for an unknown VPC or ENI, or an ENI of another VPC', async () => {
      const a = await vpcWithSubnet(c);
      const b = await vpcWithSubnet(c);
      const eniB = await eni(c, b);
      expectError(
        await c.call('DescribeNetworkInterfaces', { vpcId: 'vpc-zzzzzzzz' }),
        5000,
        'InvalidVpc.NotFound',
        'vpc-zzzzzzzz',
      );
      expectError(
        await c.call('DescribeNetworkInterfaces', { networkInterfaceId: 'eni-zzzzzzzz' }),
        5000,
        'InvalidNetworkInterface.NotFound',
        'eni-zzzzzzzz',
      );
      expectError(
        await c.call('DescribeNetworkInterfaces', { vpcId: a.vpcId, networkInterfaceId: eniB }),
        5000,
        'InvalidNetworkInterface.NotFound',
        eniB,
      );
    });

    it('DeleteNetworkInterface: DELETING while its task runs, then gone with its addresses freed', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.9.0/24' });
      const before = await availableIps(c, net.subnetId);
      const id = await eni(c, net, { secondaryPrivateIpAddressCount: 1 });
      assert.equal(await availableIps(c, net.subnetId), before - 2);
      const r = await withSlowTasks(server, SLOW_MS, () =>
        c.call('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: id }),
      );
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(r.data.taskId, r.taskId);
      assert.equal((await describeEni(c, net.vpcId, id)).state, 'DELETING');
      expectError(
        await c.call('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: id }),
        5100,
        'ActionLocked',
        id,
      );
      await assertStillRunning(c, r.taskId);
      assert.equal((await c.waitTask(r.taskId)).data.status, 0);
      expectError(
        await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, networkInterfaceId: id }),
        5000,
        'InvalidNetworkInterface.NotFound',
      );
      assert.equal(await availableIps(c, net.subnetId), before);
      // The lowest address is free again.
      const next = await eni(c, net);
      assert.deepEqual(ipsOf(await describeEni(c, net.vpcId, next)), [['10.0.9.2', true]]);
      expectError(
        await c.call('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: id }),
        5000,
        'InvalidNetworkInterface.NotFound',
        id,
      );
    });

    it('DeleteNetworkInterface refuses a busy, an attached or a primary ENI, and unknown ones', async () => {
      const net = await vpcWithSubnet(c);
      const other = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const primary = (await c.call('DescribeNetworkInterfaces', { instanceId: ins })).data.data[0].networkInterfaceId;
      const del = (networkInterfaceId: string, vpcId = net.vpcId) =>
        c.call('DeleteNetworkInterface', { vpcId, networkInterfaceId });
      // Precedence: a primary ENI is also attached; IsPrimary answers first.
      expectError(await del(primary), 5100, 'InvalidNetworkInterface.IsPrimary', primary);
      const attached = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: attached, instanceId: ins });
      expectError(await del(attached), 5100, 'InvalidNetworkInterface.CanNotDelete', attached);

      const created = await withSlowTasks(server, SLOW_MS, () =>
        c.call('CreateNetworkInterface', { ...net, eniName: 'busy' }),
      );
      const busy = created.data.networkInterfaceId;
      expectError(await del(busy), 5100, 'ActionLocked', busy);
      await assertStillRunning(c, created.taskId);
      await c.waitTask(created.taskId);

      expectError(await del('eni-zzzzzzzz'), 5000, 'InvalidNetworkInterface.NotFound', 'eni-zzzzzzzz');
      expectError(await del(busy, other.vpcId), 5000, 'InvalidNetworkInterface.NotFound', busy);
      expectError(await del(busy, 'vpc-zzzzzzzz'), 5000, 'InvalidVpc.NotFound', 'vpc-zzzzzzzz');
      expectError(
        await c.call('DeleteNetworkInterface', { vpcId: net.vpcId }),
        4000,
        'InvalidParameter',
        'networkInterfaceId',
      );
      assert.equal((await describeEni(c, net.vpcId, busy)).state, 'AVAILABLE');
      assert.equal(
        (await c.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: busy })).task.data.status,
        0,
      );
    });
  });

  describe(`ENI quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_ENIS: '2' });
    });
    after(() => server.close());

    it('answers NetworkInterfaceLimitExceeded at the per-VPC quota, and frees the slot on delete', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const first = await eni(c, net);
      await eni(c, net);
      expectError(
        await c.call('CreateNetworkInterface', { ...net, eniName: 'third' }),
        5100,
        'NetworkInterfaceLimitExceeded',
        net.vpcId,
      );
      // The quota is per VPC.
      await eni(c, await vpcWithSubnet(c));
      await c.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: first });
      await eni(c, net);
    });
  });
}
