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
  vpcWithSubnet,
  withSlowTasks,
} from '../support/fixtures.ts';
import { startServer, type Client, type TestServer } from '../support/harness.ts';

// The CVM subset of docs/contract.md, "Instances and security groups": RunInstances, DescribeInstances and the lifecycle actions,
// with the rules that tie them to ENIs (ActionLocked, transitional states, terminate).

const INSTANCE_ID = /^ins-[a-z0-9]{8}$/;
const SLOW_MS = 1000;

async function describeInstance(c: Client, instanceId: string): Promise<Record<string, any>> {
  const r = await c.call('DescribeInstances', { instanceIds: [instanceId] });
  assert.equal(r.code, 0, JSON.stringify(r));
  assert.equal(r.totalCount, 1, `instance ${instanceId} should exist`);
  return r.instanceSet[0];
}

async function statusOf(c: Client, instanceId: string): Promise<number> {
  return (await describeInstance(c, instanceId)).status;
}

for (const backend of backends()) {
  describe(`Instance actions [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    it('RunInstances creates a VPC instance (3 → 2) with its primary ENI on the lowest free address', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.5.0/24' });
      const r = await withSlowTasks(server, SLOW_MS, () =>
        c.call('RunInstances', {
          zoneId: '100003',
          cpu: 4,
          mem: 8,
          instanceName: 'web-1',
          vpcId: net.vpcId,
          subnetId: net.subnetId,
        }),
      );
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(r.codeDesc, 'Success');
      assert.equal(typeof r.taskId, 'number');
      assert.equal(r.data.taskId, r.taskId);
      assert.equal(r.data.instanceIds.length, 1);
      const id = r.data.instanceIds[0];
      assert.match(id, INSTANCE_ID);
      assert.equal(await statusOf(c, id), 3);
      await assertStillRunning(c, r.taskId);
      assert.equal((await c.waitTask(r.taskId)).data.status, 0);

      const i = await describeInstance(c, id);
      assert.equal(i.instanceId, id);
      assert.equal(i.unInstanceId, id);
      assert.equal(i.instanceName, 'web-1');
      assert.equal(i.status, 2);
      assert.equal(i.zoneId, 100003);
      assert.equal(i.zoneName, 'ap-guangzhou-3');
      assert.equal(i.cpu, 4);
      assert.equal(i.mem, 8);
      assert.equal(i.lanIp, '10.0.5.2');
      assert.equal(i.vpcId, net.vpcId);
      assert.equal(i.subnetId, net.subnetId);
      assert.equal(i.Region, 'gz');
      assertBeijingNow(i.createTime);

      const enis = await c.call('DescribeNetworkInterfaces', { instanceId: id });
      assert.equal(enis.data.totalNum, 1);
      const primary = enis.data.data[0];
      assert.equal(primary.primary, true);
      assert.equal(primary.state, 'AVAILABLE');
      assert.equal(primary.subnetId, net.subnetId);
      assert.equal(primary.instanceSet.instanceId, id);
      assertBeijingNow(primary.instanceSet.attachTime);
      assert.deepEqual(
        primary.privateIpAddressesSet.map((p: { privateIpAddress: string; primary: boolean }) => [
          p.privateIpAddress,
          p.primary,
        ]),
        [['10.0.5.2', true]],
      );
    });

    it('RunInstances: classic network, defaults, zone by name, goodsNum and a chosen address', async () => {
      const classic = await c.run('RunInstances', { zoneId: 'ap-guangzhou-2' });
      const ci = await describeInstance(c, classic.data.instanceIds[0]);
      assert.deepEqual([ci.vpcId, ci.subnetId, ci.cpu, ci.mem, ci.zoneId], [0, 0, 1, 1, 100002]);

      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.6.0/24' });
      const three = await c.run('RunInstances', { zoneId: '100003', goodsNum: 3, ...net });
      assert.equal(three.task.data.status, 0);
      const ids: string[] = three.data.instanceIds;
      assert.equal(new Set(ids).size, 3);
      const ips = [];
      for (const id of ids) ips.push((await describeInstance(c, id)).lanIp);
      assert.deepEqual(ips.sort(), ['10.0.6.2', '10.0.6.3', '10.0.6.4']);

      const chosen = await c.run('RunInstances', { zoneId: '100003', privateIpAddress: '10.0.6.200', ...net });
      assert.equal((await describeInstance(c, chosen.data.instanceIds[0])).lanIp, '10.0.6.200');
    });

    it('RunInstances refuses bad input, missing resources, zone mismatch and used addresses', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.7.0/24' });
      const run = (p: Record<string, unknown>) => c.call('RunInstances', { zoneId: '100003', ...net, ...p });
      expectError(await c.call('RunInstances', {}), 4000, 'InvalidParameter', 'zoneId');
      expectError(
        await c.call('RunInstances', { zoneId: '100003', vpcId: net.vpcId }),
        4000,
        'InvalidParameter',
        'subnetId',
      );
      expectError(await run({ cpu: 'two' }), 4000, 'InvalidParameter', 'cpu');
      expectError(await run({ goodsNum: 0 }), 4000, 'InvalidParameterValue', 'goodsNum');
      expectError(await run({ goodsNum: 101 }), 4000, 'InvalidParameterValue', 'goodsNum');
      expectError(await run({ privateIpAddress: '10.0.7.300' }), 4000, 'InvalidParameterValue', 'privateIpAddress');
      expectError(await run({ privateIpAddress: '10.0.8.5' }), 4000, 'InvalidPrivateIpAddress.NotInSubnet', '10.0.8.5');
      expectError(await run({ zoneId: '100009' }), 5000, 'InvalidZone.NotFound', '100009');
      expectError(await run({ zoneId: 'ap-shanghai-1' }), 5000, 'InvalidZone.NotFound', 'ap-shanghai-1');
      expectError(await run({ vpcId: 'vpc-zzzzzzzz' }), 5000, 'InvalidVpc.NotFound', 'vpc-zzzzzzzz');
      const other = await vpcWithSubnet(c);
      expectError(await run({ subnetId: other.subnetId }), 5000, 'InvalidSubnet.NotFound', other.subnetId);
      expectError(await run({ zoneId: '100002' }), 5100, 'UnsupportedOperation.ZoneMismatch');
      // Precedence: a missing VPC answers before the zone mismatch.
      expectError(await run({ zoneId: '100002', vpcId: 'vpc-zzzzzzzz' }), 5000, 'InvalidVpc.NotFound');
      await c.run('RunInstances', { zoneId: '100003', privateIpAddress: '10.0.7.9', ...net });
      expectError(await run({ privateIpAddress: '10.0.7.9' }), 5100, 'InvalidPrivateIpAddress.InUse', '10.0.7.9');
      const before = await c.call('DescribeInstances', {});
      assert.equal(before.code, 0);
    });

    it('RunInstances answers ResourceInsufficient.Subnet when a /28 (13 addresses) runs out', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.8.0/28' });
      expectError(
        await c.call('RunInstances', { zoneId: '100003', goodsNum: 14, ...net }),
        5100,
        'ResourceInsufficient.Subnet',
        net.subnetId,
      );
      const r = await c.run('RunInstances', { zoneId: '100003', goodsNum: 13, ...net });
      assert.equal(r.task.data.status, 0);
      expectError(await c.call('RunInstances', { zoneId: '100003', ...net }), 5100, 'ResourceInsufficient.Subnet');
      const row = (await c.call('DescribeSubnetEx', { subnetId: net.subnetId })).data[0];
      assert.deepEqual([row.totalIPNum, row.availableIPNum, row.vpcDevices], [13, 0, 13]);
    });

    it('DescribeInstances filters by ids, status, zone (id or name) and fuzzy name; pages newest first', async () => {
      const made = await c.run('RunInstances', { zoneId: '100004', goodsNum: 21, instanceName: 'Batch-Node' });
      const ids: string[] = made.data.instanceIds;
      const list = async (p: Record<string, unknown>) => {
        const r = await c.call('DescribeInstances', { searchWord: 'bATCH-n', ...p });
        assert.equal(r.code, 0, JSON.stringify(r));
        return { total: r.totalCount, ids: r.instanceSet.map((i: { instanceId: string }) => i.instanceId) };
      };
      // One batch shares its creation time: ties break by id.
      const newestFirst = [...ids].sort().reverse();
      assert.deepEqual(await list({}), { total: 21, ids: newestFirst.slice(0, 20) });
      assert.deepEqual(await list({ offset: 19, limit: 5 }), { total: 21, ids: newestFirst.slice(19) });
      assert.deepEqual(await list({ limit: 100 }), { total: 21, ids: newestFirst });
      assert.deepEqual(await list({ instanceIds: [ids[3], ids[7]] }), {
        total: 2,
        ids: [ids[3], ids[7]].sort().reverse(),
      });
      assert.equal((await list({ zoneId: '100004' })).total, 21);
      assert.equal((await list({ zoneId: 'ap-guangzhou-4' })).total, 21);
      assert.equal((await list({ zoneId: '100003' })).total, 0);
      await c.run('StopInstances', { instanceIds: [ids[5]] });
      assert.deepEqual(await list({ status: 4 }), { total: 1, ids: [ids[5]] });
      assert.equal((await list({ status: 2 })).total, 20);
      assert.equal((await list({ searchWord: 'no-such-name' })).total, 0);
      expectError(await c.call('DescribeInstances', { zoneId: '100009' }), 5000, 'InvalidZone.NotFound', '100009');
      expectError(await c.call('DescribeInstances', { limit: 101 }), 4000, 'InvalidParameterValue', 'limit');
      expectError(await c.call('DescribeInstances', { status: 'on' }), 4000, 'InvalidParameter', 'status');
    });

    it('StopInstances and StartInstances pass through 9 and 8; wrong statuses answer InvalidState', async () => {
      const net = await vpcWithSubnet(c);
      const [a, b] = (await c.run('RunInstances', { zoneId: '100003', goodsNum: 2, ...net })).data.instanceIds;
      const eniId = await eni(c, net);
      expectError(await c.call('StartInstances', { instanceIds: [a] }), 5100, 'UnsupportedOperation.InvalidState', a);

      const stop = await withSlowTasks(server, SLOW_MS, () => c.call('StopInstances', { instanceIds: [a, b] }));
      assert.equal(stop.code, 0, JSON.stringify(stop));
      assert.equal(stop.data.taskId, stop.taskId);
      assert.deepEqual([await statusOf(c, a), await statusOf(c, b)], [9, 9]);
      // Transitional: every lifecycle action and every ENI operation answers InvalidState.
      for (const action of ['StartInstances', 'StopInstances', 'TerminateInstances']) {
        expectError(await c.call(action, { instanceIds: [a] }), 5100, 'UnsupportedOperation.InvalidState', a);
      }
      expectError(
        await c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: a }),
        5100,
        'UnsupportedOperation.InvalidState',
      );
      await assertStillRunning(c, stop.taskId);
      assert.equal((await c.waitTask(stop.taskId)).data.status, 0);
      assert.deepEqual([await statusOf(c, a), await statusOf(c, b)], [4, 4]);
      expectError(await c.call('StopInstances', { instanceIds: [a] }), 5100, 'UnsupportedOperation.InvalidState', a);

      const start = await withSlowTasks(server, SLOW_MS, () => c.call('StartInstances', { instanceIds: [a] }));
      assert.equal(start.code, 0);
      assert.equal(await statusOf(c, a), 8);
      await assertStillRunning(c, start.taskId);
      await c.waitTask(start.taskId);
      assert.deepEqual([await statusOf(c, a), await statusOf(c, b)], [2, 4]);
    });

    it('an instance being created (3) answers InvalidState to lifecycle actions and ENI operations', async () => {
      const net = await vpcWithSubnet(c);
      const eniId = await eni(c, net);
      const r = await withSlowTasks(server, SLOW_MS, () => c.call('RunInstances', { zoneId: '100003', ...net }));
      const id = r.data.instanceIds[0];
      for (const action of ['StartInstances', 'StopInstances', 'TerminateInstances']) {
        expectError(await c.call(action, { instanceIds: [id] }), 5100, 'UnsupportedOperation.InvalidState', id);
      }
      expectError(
        await c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: id }),
        5100,
        'UnsupportedOperation.InvalidState',
      );
      await assertStillRunning(c, r.taskId);
      await c.waitTask(r.taskId);
    });

    it('lifecycle actions refuse bad lists and unknown instances, changing nothing', async () => {
      const id = await instance(c, null);
      for (const action of ['StartInstances', 'StopInstances', 'TerminateInstances']) {
        expectError(await c.call(action, {}), 4000, 'InvalidParameter', 'instanceIds');
        expectError(await c.call(action, { instanceIds: [id, id] }), 4000, 'InvalidParameterValue', 'instanceIds');
        expectError(
          await c.call(action, { instanceIds: [id, 'ins-zzzzzzzz'] }),
          5000,
          'InvalidInstance.NotFound',
          'ins-zzzzzzzz',
        );
      }
      assert.equal(await statusOf(c, id), 2);
    });

    it('Start/Stop/Terminate answer ActionLocked while an ENI of the instance has a task', async () => {
      const net = await vpcWithSubnet(c);
      const id = await instance(c, net);
      const eniId = await eni(c, net);
      const attach = await withSlowTasks(server, SLOW_MS, () =>
        c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: id }),
      );
      assert.equal(attach.code, 0, JSON.stringify(attach));
      for (const action of ['StopInstances', 'TerminateInstances']) {
        expectError(await c.call(action, { instanceIds: [id] }), 5100, 'ActionLocked', id);
      }
      await assertStillRunning(c, attach.taskId);
      await c.waitTask(attach.taskId);
      await c.run('StopInstances', { instanceIds: [id] });

      const detach = await withSlowTasks(server, SLOW_MS, () =>
        c.call('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: id }),
      );
      assert.equal(detach.code, 0, JSON.stringify(detach));
      expectError(await c.call('StartInstances', { instanceIds: [id] }), 5100, 'ActionLocked', id);
      // Precedence: ActionLocked before InvalidState (a stopped instance cannot be stopped either).
      expectError(await c.call('StopInstances', { instanceIds: [id] }), 5100, 'ActionLocked', id);
      await assertStillRunning(c, detach.taskId);
      assert.equal((await c.waitTask(detach.taskId)).data.status, 0);
      assert.equal((await c.run('StartInstances', { instanceIds: [id] })).task.data.status, 0);
    });

    it('TerminateInstances detaches secondary ENIs, deletes the primary with its address, then the instance is gone', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.9.0/24' });
      const id = await instance(c, net);
      const primary = (await c.call('DescribeNetworkInterfaces', { instanceId: id })).data.data[0].networkInterfaceId;
      const secondary = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: secondary, instanceId: id });
      const usedBefore = (await c.call('DescribeSubnetEx', { subnetId: net.subnetId })).data[0].availableIPNum;

      const r = await withSlowTasks(server, SLOW_MS, () => c.call('TerminateInstances', { instanceIds: [id] }));
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(await statusOf(c, id), 6);
      await assertStillRunning(c, r.taskId);
      assert.equal((await c.waitTask(r.taskId)).data.status, 0);

      assert.equal((await c.call('DescribeInstances', { instanceIds: [id] })).totalCount, 0);
      const kept = await describeEni(c, net.vpcId, secondary);
      assert.equal(kept.state, 'AVAILABLE');
      assert.deepEqual(kept.instanceSet, { instanceId: '', attachTime: '' });
      expectError(
        await c.call('DescribeNetworkInterfaces', { networkInterfaceId: primary }),
        5000,
        'InvalidNetworkInterface.NotFound',
      );
      const row = (await c.call('DescribeSubnetEx', { subnetId: net.subnetId })).data[0];
      assert.equal(row.availableIPNum, usedBefore + 1);
      assert.equal(row.vpcDevices, 0);
      // The freed address is the lowest free one again.
      const next = await c.run('RunInstances', { zoneId: '100003', ...net });
      assert.equal((await describeInstance(c, next.data.instanceIds[0])).lanIp, '10.0.9.2');
      for (const action of ['StartInstances', 'StopInstances', 'TerminateInstances']) {
        expectError(await c.call(action, { instanceIds: [id] }), 5000, 'InvalidInstance.NotFound', id);
      }
      expectError(
        await c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: secondary, instanceId: id }),
        5000,
        'InvalidInstance.NotFound',
      );
    });

    it('TerminateInstances takes a stopped instance too', async () => {
      const id = await instance(c, null);
      await c.run('StopInstances', { instanceIds: [id] });
      assert.equal((await c.run('TerminateInstances', { instanceIds: [id] })).task.data.status, 0);
      assert.equal((await c.call('DescribeInstances', { instanceIds: [id] })).totalCount, 0);
    });
  });

  describe(`Instance ENI quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_ENIS: '2' });
    });
    after(() => server.close());

    it('a VPC instance needs an ENI: RunInstances answers NetworkInterfaceLimitExceeded at the quota', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      expectError(
        await c.call('RunInstances', { zoneId: '100003', goodsNum: 3, ...net }),
        5100,
        'NetworkInterfaceLimitExceeded',
        net.vpcId,
      );
      assert.equal((await c.run('RunInstances', { zoneId: '100003', goodsNum: 2, ...net })).task.data.status, 0);
      expectError(await c.call('RunInstances', { zoneId: '100003', ...net }), 5100, 'NetworkInterfaceLimitExceeded');
      // Classic instances take no ENI.
      assert.equal((await c.call('RunInstances', { zoneId: '100003' })).code, 0);
    });
  });
}
