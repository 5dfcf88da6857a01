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
import { startServer, type Client, type TestServer } from '../support/harness.ts';

// DetachNetworkInterface through the wire: DETACHING while the task runs, committed state in
// Describe, and the rules of docs/contract.md, "Business rules and their order", in that order.

const SLOW_MS = 1000;

function detach(c: Client, vpcId: string, networkInterfaceId: string, instanceId: string) {
  return c.call('DetachNetworkInterface', { vpcId, networkInterfaceId, instanceId });
}

/** A VPC with an instance (2 cores: room for one secondary ENI) and a secondary ENI attached to it. */
async function attached(c: Client) {
  const net = await vpcWithSubnet(c);
  const ins = await instance(c, net);
  const eniId = await eni(c, net);
  await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
  const enis = await c.call('DescribeNetworkInterfaces', { instanceId: ins });
  const primary = enis.data.data.find((e: { primary: boolean }) => e.primary).networkInterfaceId as string;
  return { net, ins, eniId, primary };
}

for (const backend of backends()) {
  describe(`DetachNetworkInterface [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    it('detaches asynchronously: DETACHING while the task runs, still attached until it succeeds', async () => {
      const { net, ins, eniId } = await attached(c);
      const attachTime = (await describeEni(c, net.vpcId, eniId)).instanceSet.attachTime;
      const r = await withSlowTasks(server, SLOW_MS, () => detach(c, net.vpcId, eniId, ins));
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.data.taskId, r.taskId);
      const during = await describeEni(c, net.vpcId, eniId);
      assert.equal(during.state, 'DETACHING');
      assert.deepEqual(during.instanceSet, { instanceId: ins, attachTime });
      expectError(await detach(c, net.vpcId, eniId, ins), 5100, 'ActionLocked', eniId);
      await assertStillRunning(c, r.taskId);
      assert.deepEqual((await c.waitTask(r.taskId)).data, { taskId: r.taskId, status: 0 });
      const done = await describeEni(c, net.vpcId, eniId);
      assert.equal(done.state, 'AVAILABLE');
      assert.deepEqual(done.instanceSet, { instanceId: '', attachTime: '' });
      // Detached, the ENI keeps its address.
      assert.equal(done.privateIpAddressesSet.length, 1);
      const left = await c.call('DescribeNetworkInterfaces', { instanceId: ins });
      assert.equal(left.data.totalNum, 1, 'only the primary ENI is left');
      expectError(await detach(c, net.vpcId, eniId, ins), 5100, 'InvalidNetworkInterface.NotAttached', eniId);
    });

    it('detaches from a stopped instance too', async () => {
      const { net, ins, eniId } = await attached(c);
      await c.run('StopInstances', { instanceIds: [ins] });
      const r = await c.run('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      assert.equal(r.task.data.status, 0);
      assert.equal((await describeEni(c, net.vpcId, eniId)).instanceSet.instanceId, '');
    });

    it('answers NotAttached for an unattached ENI, or for the wrong instance', async () => {
      const { net, ins, eniId } = await attached(c);
      const loose = await eni(c, net);
      const other = await instance(c, net);
      expectError(await detach(c, net.vpcId, loose, ins), 5100, 'InvalidNetworkInterface.NotAttached', loose);
      expectError(await detach(c, net.vpcId, eniId, other), 5100, 'InvalidNetworkInterface.NotAttached', eniId);
      assert.equal((await describeEni(c, net.vpcId, eniId)).instanceSet.instanceId, ins);
    });

    it('answers IsPrimary for a primary ENI, before NotAttached', async () => {
      const { net, ins, primary } = await attached(c);
      const other = await instance(c, net);
      expectError(await detach(c, net.vpcId, primary, ins), 5100, 'InvalidNetworkInterface.IsPrimary', primary);
      expectError(await detach(c, net.vpcId, primary, other), 5100, 'InvalidNetworkInterface.IsPrimary', primary);
    });

    it('answers NotFound for a missing VPC, ENI (or one of another VPC) and instance, in that order', async () => {
      const { net, ins, eniId } = await attached(c);
      const elsewhere = await vpcWithSubnet(c);
      expectError(await detach(c, 'vpc-zzzzzzzz', eniId, ins), 5000, 'InvalidVpc.NotFound', 'vpc-zzzzzzzz');
      expectError(await detach(c, elsewhere.vpcId, eniId, ins), 5000, 'InvalidNetworkInterface.NotFound', eniId);
      expectError(await detach(c, net.vpcId, 'eni-zzzzzzzz', ins), 5000, 'InvalidNetworkInterface.NotFound');
      expectError(await detach(c, net.vpcId, eniId, 'ins-zzzzzzzz'), 5000, 'InvalidInstance.NotFound', 'ins-zzzzzzzz');
      expectError(await detach(c, 'vpc-zzzzzzzz', 'eni-zzzzzzzz', 'ins-zzzzzzzz'), 5000, 'InvalidVpc.NotFound');
      expectError(await detach(c, net.vpcId, 'eni-zzzzzzzz', 'ins-zzzzzzzz'), 5000, 'InvalidNetworkInterface.NotFound');
      expectError(
        await c.call('DetachNetworkInterface', { networkInterfaceId: eniId, instanceId: ins }),
        4000,
        'InvalidParameter',
        'vpcId',
      );
      assert.equal((await describeEni(c, net.vpcId, eniId)).instanceSet.instanceId, ins);
    });

    it('answers InvalidState while the instance is in transition, after NotAttached', async () => {
      const { net, ins, eniId } = await attached(c);
      const loose = await eni(c, net);
      const stop = await withSlowTasks(server, SLOW_MS, () => c.call('StopInstances', { instanceIds: [ins] }));
      assert.equal(stop.code, 0, JSON.stringify(stop));
      expectError(await detach(c, net.vpcId, eniId, ins), 5100, 'UnsupportedOperation.InvalidState', ins);
      expectError(await detach(c, net.vpcId, loose, ins), 5100, 'InvalidNetworkInterface.NotAttached');
      await assertStillRunning(c, stop.taskId);
      await c.waitTask(stop.taskId);
      assert.equal(
        (await c.run('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins })).task
          .data.status,
        0,
      );
    });

    it('answers ActionLocked while an attach of the ENI is still running', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      const r = await withSlowTasks(server, SLOW_MS, () =>
        c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins }),
      );
      assert.equal(r.code, 0, JSON.stringify(r));
      // Precedence: ActionLocked before NotAttached (the attach has not committed yet).
      expectError(await detach(c, net.vpcId, eniId, ins), 5100, 'ActionLocked', eniId);
      await assertStillRunning(c, r.taskId);
      await c.waitTask(r.taskId);
      assert.equal(
        (await c.run('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins })).task
          .data.status,
        0,
      );
    });
  });
}
