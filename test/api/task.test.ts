import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import {
  assertStillRunning,
  describeEni,
  eni,
  expectError,
  instance,
  vpcWithSubnet,
  withSlowTasks,
} from '../support/fixtures.ts';
import { startServer, type Answer, type Client, type TestServer } from '../support/harness.ts';

// DescribeVpcTaskResult, and what a failed task leaves behind: nothing (docs/contract.md, "Asynchronous tasks"). Failures
// come from the simulated data plane (driver.injectFailure fails the next task of a type).

const SLOW_MS = 1000;

/** Calls an async action whose next task the data plane refuses; returns the task's final answer. */
async function failedTask(server: TestServer, action: string, params: Record<string, unknown>): Promise<Answer> {
  const c = server.client();
  server.driver.injectFailure({ type: action, message: `data plane refused ${action}` });
  const r = await c.call(action, params);
  assert.equal(r.code, 0, JSON.stringify(r));
  const task = await c.waitTask(r.taskId);
  assert.deepEqual(task.data, {
    taskId: r.taskId,
    status: 1,
    output: { errorCode: 5100, errorMsg: `data plane refused ${action}` },
  });
  return r;
}

async function statusOf(c: Client, instanceId: string): Promise<number> {
  const r = await c.call('DescribeInstances', { instanceIds: [instanceId] });
  assert.equal(r.totalCount, 1);
  return r.instanceSet[0].status;
}

async function subnetUse(c: Client, subnetId: string): Promise<[number, number]> {
  const row = (await c.call('DescribeSubnetEx', { subnetId })).data[0];
  return [row.availableIPNum, row.vpcDevices];
}

for (const backend of backends()) {
  describe(`DescribeVpcTaskResult [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    it('reports 2 while a task runs, then 0; task ids are integers, increasing', async () => {
      const net = await vpcWithSubnet(c);
      const r = await withSlowTasks(server, SLOW_MS, () => c.call('CreateNetworkInterface', { ...net, eniName: 'e' }));
      const running = await c.call('DescribeVpcTaskResult', { taskId: r.taskId });
      assert.deepEqual(running, { code: 0, message: '', codeDesc: 'Success', data: { taskId: r.taskId, status: 2 } });
      await assertStillRunning(c, r.taskId);
      assert.deepEqual((await c.waitTask(r.taskId)).data, { taskId: r.taskId, status: 0 });

      const ids = [r.taskId];
      const ins = await c.run('RunInstances', { zoneId: '100003', ...net });
      ids.push(ins.taskId);
      ids.push(
        (
          await c.run('AttachNetworkInterface', {
            vpcId: net.vpcId,
            networkInterfaceId: r.data.networkInterfaceId,
            instanceId: ins.data.instanceIds[0],
          })
        ).taskId,
      );
      ids.push((await c.run('StopInstances', { instanceIds: ins.data.instanceIds })).taskId);
      for (const id of ids) assert.ok(Number.isInteger(id), `${id} is an integer`);
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `${ids.join(', ')} increase`);
      // A finished task stays queryable.
      assert.equal((await c.call('DescribeVpcTaskResult', { taskId: ids[0] })).data.status, 0);
    });

    it('refuses a missing or ill-typed taskId, and answers InvalidTask.NotFound for an unknown one', async () => {
      expectError(await c.call('DescribeVpcTaskResult', {}), 4000, 'InvalidParameter', 'taskId');
      expectError(await c.call('DescribeVpcTaskResult', { taskId: 'first' }), 4000, 'InvalidParameter', 'taskId');
      expectError(await c.call('DescribeVpcTaskResult', { taskId: '1.5' }), 4000, 'InvalidParameter', 'taskId');
      expectError(
        await c.call('DescribeVpcTaskResult', { taskId: 987654321 }),
        5000,
        'InvalidTask.NotFound',
        '987654321',
      );
    });

    it('a failed attach leaves the ENI AVAILABLE and unattached, and the instance room for it', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net, { cpu: 1, mem: 1 }); // room for one secondary ENI
      const eniId = await eni(c, net);
      await failedTask(server, 'AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: ins,
      });
      const e = await describeEni(c, net.vpcId, eniId);
      assert.equal(e.state, 'AVAILABLE');
      assert.deepEqual(e.instanceSet, { instanceId: '', attachTime: '' });
      assert.equal((await c.call('DescribeNetworkInterfaces', { instanceId: ins })).data.totalNum, 1);
      assert.equal(
        (await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins })).task
          .data.status,
        0,
      );
    });

    it('a failed create leaves no ENI and frees its addresses', async () => {
      const net = await vpcWithSubnet(c, { subnetCidr: '10.0.3.0/24' });
      const r = await failedTask(server, 'CreateNetworkInterface', {
        ...net,
        eniName: 'doomed',
        secondaryPrivateIpAddressCount: 2,
      });
      expectError(
        await c.call('DescribeNetworkInterfaces', { networkInterfaceId: r.data.networkInterfaceId }),
        5000,
        'InvalidNetworkInterface.NotFound',
      );
      assert.deepEqual(await subnetUse(c, net.subnetId), [253, 0]);
      const next = await eni(c, net);
      assert.equal((await describeEni(c, net.vpcId, next)).privateIpAddressesSet[0].privateIpAddress, '10.0.3.2');
    });

    it('a failed RunInstances leaves no instance, no primary ENI and no used address', async () => {
      const net = await vpcWithSubnet(c);
      const r = await failedTask(server, 'RunInstances', { zoneId: '100003', goodsNum: 2, ...net });
      assert.equal((await c.call('DescribeInstances', { instanceIds: r.data.instanceIds })).totalCount, 0);
      assert.equal((await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId })).data.totalNum, 0);
      assert.deepEqual(await subnetUse(c, net.subnetId), [253, 0]);
      expectError(
        await c.call('StopInstances', { instanceIds: [r.data.instanceIds[0]] }),
        5000,
        'InvalidInstance.NotFound',
      );
    });

    it('a failed terminate restores the status and keeps every ENI where it was', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      await c.run('StopInstances', { instanceIds: [ins] });
      await failedTask(server, 'TerminateInstances', { instanceIds: [ins] });
      assert.equal(await statusOf(c, ins), 4);
      const held = await c.call('DescribeNetworkInterfaces', { instanceId: ins });
      assert.equal(held.data.totalNum, 2);
      for (const e of held.data.data) assert.equal(e.state, 'AVAILABLE');
      assert.deepEqual(await subnetUse(c, net.subnetId), [251, 1]);
    });

    it('failed detach, delete, stop and start change nothing', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      await failedTask(server, 'DetachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: ins,
      });
      let e = await describeEni(c, net.vpcId, eniId);
      assert.deepEqual([e.state, e.instanceSet.instanceId], ['AVAILABLE', ins]);

      await c.run('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      await failedTask(server, 'DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      e = await describeEni(c, net.vpcId, eniId);
      assert.deepEqual([e.state, e.instanceSet.instanceId, e.privateIpAddressesSet.length], ['AVAILABLE', '', 1]);

      await failedTask(server, 'StopInstances', { instanceIds: [ins] });
      assert.equal(await statusOf(c, ins), 2);
      await c.run('StopInstances', { instanceIds: [ins] });
      await failedTask(server, 'StartInstances', { instanceIds: [ins] });
      assert.equal(await statusOf(c, ins), 4);
    });
  });

  describe(`Tasks across a restart [${backend.name}]`, () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const s of servers) await s.close().catch(() => undefined);
    });

    it('an attach accepted before a restart completes after it, on the same database', async () => {
      const first = await startServer(backend);
      servers.push(first);
      const c1 = first.client();
      const net = await vpcWithSubnet(c1);
      const ins = await instance(c1, net);
      const eniId = await eni(c1, net);
      const r = await withSlowTasks(first, 1500, () =>
        c1.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins }),
      );
      assert.equal(r.code, 0, JSON.stringify(r));
      await first.close();
      servers.pop();

      const second = await startServer(backend, { DATABASE_URL: first.config.databaseUrl });
      servers.push(second);
      const c2 = second.client();
      assert.equal((await describeEni(c2, net.vpcId, eniId)).state, 'ATTACHING');
      await assertStillRunning(c2, r.taskId);
      assert.deepEqual((await c2.waitTask(r.taskId)).data, { taskId: r.taskId, status: 0 });
      const done = await describeEni(c2, net.vpcId, eniId);
      assert.deepEqual([done.state, done.instanceSet.instanceId], ['AVAILABLE', ins]);
      // Task ids keep increasing after the restart.
      const next = await c2.run('DetachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: ins,
      });
      assert.ok(next.taskId > r.taskId);
    });
  });
}
