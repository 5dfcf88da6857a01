import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';

type Net = { vpcId: string; subnetId: string };

/** `n` instances (2 cores, 4 GB) in `net`, and a secondary ENI attached to the first of them. */
async function attachedEni(c: Client, net: Net, n = 2, extra: Record<string, unknown> = {}) {
  const r = await c.run('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, goodsNum: n, ...net });
  const instances: string[] = r.data.instanceIds;
  const eniId = await eni(c, net, extra);
  const attach = await c.run('AttachNetworkInterface', {
    vpcId: net.vpcId,
    networkInterfaceId: eniId,
    instanceId: instances[0],
  });
  assert.equal(attach.task.data.status, 0);
  return { instances, eniId };
}

for (const backend of backends()) {
  describe(`MigrateNetworkInterface [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100' });
      c = server.client();
    });
    after(() => server.close());

    const migrate = (vpcId: string, networkInterfaceId: string, oldInstanceId: string, newInstanceId: string) =>
      c.call('MigrateNetworkInterface', { vpcId, networkInterfaceId, oldInstanceId, newInstanceId });

    it('moves the ENI: ATTACHING on the old instance while in flight, on the new one once done', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net);
      const [a, b] = instances as [string, string];
      const hold = holdTasks(server.driver, 'MigrateNetworkInterface');
      let taskId: number;
      try {
        const r = await migrate(net.vpcId, eniId, a, b);
        assert.equal(r.code, 0);
        assert.equal(r.codeDesc, 'Success');
        assert.equal(r.taskId, r.data.taskId);
        taskId = r.taskId;
        const during = await describeEni(c, net.vpcId, eniId);
        assert.equal(during.state, 'ATTACHING');
        assert.equal(during.instanceSet.instanceId, a);
        // Both ends are busy: the ENI, and (for Start/Stop/Terminate) the two instances.
        expectError(
          await c.call('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: a }),
          5100,
          'ActionLocked',
        );
        expectError(await c.call('StopInstances', { 'instanceIds.0': b }), 5100, 'ActionLocked');
        expectError(await c.call('StopInstances', { 'instanceIds.0': a }), 5100, 'ActionLocked');
      } finally {
        hold.release();
      }
      const task = await c.waitTask(taskId);
      assert.deepEqual(task.data, { taskId, status: 0 });
      const done = await describeEni(c, net.vpcId, eniId);
      assert.equal(done.state, 'AVAILABLE');
      assert.equal(done.instanceSet.instanceId, b);
      assert.match(done.instanceSet.attachTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const onA = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, instanceId: a });
      assert.deepEqual(
        onA.data.data.map((e: any) => e.primary),
        [true],
        'only its primary ENI is left on the old instance',
      );
    });

    it('moves onto a stopped instance, and from a stopped one', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net, 3);
      const [a, b, d] = instances as [string, string, string];
      await c.run('StopInstances', { 'instanceIds.0': b, 'instanceIds.1': a });
      assert.equal((await c.run('MigrateNetworkInterface', mig(net, eniId, a, b))).task.data.status, 0);
      assert.equal((await c.run('MigrateNetworkInterface', mig(net, eniId, b, d))).task.data.status, 0);
      assert.equal((await describeEni(c, net.vpcId, eniId)).instanceSet.instanceId, d);
    });

    it('rolls back a failed task: the ENI stays on the old instance and is free again', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net);
      const [a, b] = instances as [string, string];
      server.driver.injectFailure({ type: 'MigrateNetworkInterface', message: 'host b unreachable' });
      const failed = await c.run('MigrateNetworkInterface', mig(net, eniId, a, b));
      assert.equal(failed.task.data.status, 1);
      assert.deepEqual(failed.task.data.output, { errorCode: 5100, errorMsg: 'host b unreachable' });
      const after = await describeEni(c, net.vpcId, eniId);
      assert.equal(after.state, 'AVAILABLE');
      assert.equal(after.instanceSet.instanceId, a);
      // Not left counting against b's ENI limit, nor locked.
      assert.equal((await c.run('MigrateNetworkInterface', mig(net, eniId, a, b))).task.data.status, 0);
    });

    it('accepts exactly one of several concurrent migrations of one ENI; the others are ActionLocked', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net, 8);
      const [a, ...targets] = instances as [string, ...string[]];
      const hold = holdTasks(server.driver, 'MigrateNetworkInterface');
      let answers;
      try {
        answers = await Promise.all(targets.map((t) => migrate(net.vpcId, eniId, a, t)));
      } finally {
        hold.release();
      }
      const accepted = answers.filter((r) => r.code === 0);
      assert.equal(accepted.length, 1, JSON.stringify(answers.map((r) => r.codeDesc)));
      for (const r of answers.filter((x) => x.code !== 0)) expectError(r, 5100, 'ActionLocked');
      const winner = targets[answers.findIndex((r) => r.code === 0)];
      assert.equal((await c.waitTask(accepted[0]!.taskId)).data.status, 0);
      assert.equal((await describeEni(c, net.vpcId, eniId)).instanceSet.instanceId, winner);
    });

    it('checks its parameters first (4000 naming the parameter)', async () => {
      const r = await c.call('MigrateNetworkInterface', {
        vpcId: 'vpc-00000000',
        networkInterfaceId: 'eni-00000000',
        newInstanceId: 'ins-00000000',
      });
      expectError(r, 4000, 'InvalidParameter', 'oldInstanceId');
      expectError(
        await c.call('MigrateNetworkInterface', { vpcId: 'vpc-00000000', oldInstanceId: 'x', newInstanceId: 'y' }),
        4000,
        'InvalidParameter',
        'networkInterfaceId',
      );
    });

    it('answers NotFound for the VPC, the ENI (also in another VPC), then the old and the new instance', async () => {
      const net = await vpcWithSubnet(c);
      const other = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net);
      const [a, b] = instances as [string, string];
      expectError(await migrate('vpc-nothere1', eniId, a, b), 5000, 'InvalidVpc.NotFound', 'vpc-nothere1');
      expectError(await migrate(net.vpcId, 'eni-nothere1', a, b), 5000, 'InvalidNetworkInterface.NotFound');
      expectError(await migrate(other.vpcId, eniId, a, b), 5000, 'InvalidNetworkInterface.NotFound', eniId);
      expectError(await migrate(net.vpcId, eniId, 'ins-nothere1', b), 5000, 'InvalidInstance.NotFound', 'ins-nothere1');
      expectError(await migrate(net.vpcId, eniId, a, 'ins-nothere2'), 5000, 'InvalidInstance.NotFound', 'ins-nothere2');
      // Both missing: the old one is named, whatever the lock order.
      expectError(
        await migrate(net.vpcId, eniId, 'ins-zzzzzzzz', 'ins-aaaaaaaa'),
        5000,
        'InvalidInstance.NotFound',
        'ins-zzzzzzzz',
      );
      const otherAccount = server.client({ account: ACCOUNT_B });
      expectError(
        await otherAccount.call('MigrateNetworkInterface', mig(net, eniId, a, b)),
        5000,
        'InvalidVpc.NotFound',
      );
    });

    it('refuses to move a primary ENI (IsPrimary)', async () => {
      const net = await vpcWithSubnet(c);
      const { instances } = await attachedEni(c, net);
      const [a, b] = instances as [string, string];
      const list = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, instanceId: a });
      const primary = list.data.data.find((e: any) => e.primary).networkInterfaceId;
      expectError(await migrate(net.vpcId, primary, a, b), 5100, 'InvalidNetworkInterface.IsPrimary', primary);
    });

    it('AlreadyAssociated when the new instance holds it, NotAttached when the old one does not', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net, 3);
      const [a, b, d] = instances as [string, string, string];
      expectError(await migrate(net.vpcId, eniId, a, a), 5100, 'InvalidNetworkInterface.AlreadyAssociated');
      expectError(await migrate(net.vpcId, eniId, b, a), 5100, 'InvalidNetworkInterface.AlreadyAssociated');
      expectError(await migrate(net.vpcId, eniId, b, d), 5100, 'InvalidNetworkInterface.NotAttached', b);
      const loose = await eni(c, net);
      expectError(await migrate(net.vpcId, loose, a, b), 5100, 'InvalidNetworkInterface.NotAttached', loose);
    });

    it('InvalidState when the old or the new instance is in a transitional status', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net);
      const [a, b] = instances as [string, string];
      for (const [stopping, from, to] of [
        [a, a, b],
        [b, a, b],
      ] as const) {
        const hold = holdTasks(server.driver, 'StopInstances');
        let stop;
        try {
          stop = await c.call('StopInstances', { 'instanceIds.0': stopping });
          assert.equal(stop.code, 0);
          expectError(await migrate(net.vpcId, eniId, from, to), 5100, 'UnsupportedOperation.InvalidState', stopping);
        } finally {
          hold.release();
        }
        await c.waitTask(stop.taskId);
        await c.run('StartInstances', { 'instanceIds.0': stopping });
      }
    });

    it('VpcMismatch for a classic or other-VPC instance, ZoneMismatch for another zone', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net);
      const a = instances[0]!;
      const classic = await instance(c, null);
      const elsewhere = await instance(c, await vpcWithSubnet(c));
      expectError(await migrate(net.vpcId, eniId, a, classic), 5100, 'UnsupportedOperation.VpcMismatch', classic);
      expectError(await migrate(net.vpcId, eniId, a, elsewhere), 5100, 'UnsupportedOperation.VpcMismatch', elsewhere);
      const zone4 = await c.call('CreateSubnet', {
        vpcId: net.vpcId,
        subnetSet: [{ subnetName: 'zone-4', cidrBlock: '10.0.4.0/24', zoneId: '100004' }],
      });
      assert.equal(zone4.code, 0, zone4.message);
      const far = await instance(c, { vpcId: net.vpcId, subnetId: zone4.subnetSet[0].unSubnetId }, { zone: '100004' });
      expectError(await migrate(net.vpcId, eniId, a, far), 5100, 'UnsupportedOperation.ZoneMismatch', far);
    });

    it('LimitExceeded when the new instance is full, PrivateIpAddressLimitExceeded when the ENI has too many IPs', async () => {
      const net = await vpcWithSubnet(c);
      const { instances, eniId } = await attachedEni(c, net, 1, { secondaryPrivateIpAddressCount: 2 });
      const a = instances[0]!;
      // 1 core, 1 GB: 2 ENIs (primary included), 2 private IPs per ENI.
      const small = await instance(c, net, { cpu: 1, mem: 1 });
      expectError(await migrate(net.vpcId, eniId, a, small), 5100, 'PrivateIpAddressLimitExceeded', eniId);
      const filler = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: filler, instanceId: small });
      expectError(await migrate(net.vpcId, eniId, a, small), 5100, 'LimitExceeded', small);
    });
  });
}

function mig(net: Net, networkInterfaceId: string, oldInstanceId: string, newInstanceId: string) {
  return { vpcId: net.vpcId, networkInterfaceId, oldInstanceId, newInstanceId };
}
