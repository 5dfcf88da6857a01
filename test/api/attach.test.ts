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

const SLOW_MS = 1000;

function attach(c: Client, vpcId: string, networkInterfaceId: string, instanceId: string) {
  return c.call('AttachNetworkInterface', { vpcId, networkInterfaceId, instanceId });
}

async function primaryEniOf(c: Client, instanceId: string): Promise<string> {
  const r = await c.call('DescribeNetworkInterfaces', { instanceId });
  const primary = r.data.data.find((e: { primary: boolean }) => e.primary);
  assert.ok(primary, `instance ${instanceId} has a primary ENI`);
  return primary.networkInterfaceId;
}

for (const backend of backends()) {
  describe(`AttachNetworkInterface [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('attaches asynchronously: ATTACHING while the task runs, attached once it succeeds', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      // A slow task, so that ATTACHING is still there to be seen on a loaded machine.
      const r = await withSlowTasks(server, SLOW_MS, () => attach(c, net.vpcId, eniId, ins));
      assert.equal(r.code, 0);
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.taskId, r.data.taskId);
      const during = await describeEni(c, net.vpcId, eniId);
      assert.equal(during.state, 'ATTACHING');
      assert.equal(during.instanceSet.instanceId, '');
      await assertStillRunning(c, r.taskId);
      const task = await c.waitTask(r.taskId);
      assert.deepEqual(task.data, { taskId: r.taskId, status: 0 });
      const done = await describeEni(c, net.vpcId, eniId);
      assert.equal(done.state, 'AVAILABLE');
      assert.equal(done.instanceSet.instanceId, ins);
    });

    it('accepts exactly one of 50 concurrent attaches of one ENI to 50 instances', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c, { cidr: '10.1.0.0/16', subnetCidr: '10.1.0.0/24' });
      const created = await c.run('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, goodsNum: 50, ...net });
      const instances: string[] = created.data.instanceIds;
      const eniId = await eni(c, net);
      const answers = await Promise.all(
        instances.map((instanceId) =>
          c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId }),
        ),
      );
      const ok = answers.filter((a) => a.code === 0);
      assert.equal(ok.length, 1);
      for (const a of answers.filter((x) => x.code !== 0)) {
        assert.ok(['ActionLocked', 'InvalidNetworkInterface.AlreadyAssociated'].includes(a.codeDesc), a.codeDesc);
        assert.equal(a.code, 5100);
      }
      await c.waitTask(ok[0]!.taskId);
      const done = await describeEni(c, net.vpcId, eniId);
      assert.ok(instances.includes(done.instanceSet.instanceId));
    });

    it('concurrent attaches of different ENIs to one instance never exceed its ENI limit', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c, { cidr: '10.2.0.0/16', subnetCidr: '10.2.0.0/24' });
      // 4 cores, 8 GB: 4 ENIs, the primary included, so room for 3 more.
      const ins = await instance(c, net, { cpu: 4, mem: 8 });
      const enis = await Promise.all(Array.from({ length: 10 }, () => eni(c, net)));
      const answers = await Promise.all(enis.map((id) => attach(c, net.vpcId, id, ins)));
      const ok = answers.filter((a) => a.code === 0);
      assert.equal(ok.length, 3);
      for (const a of answers.filter((x) => x.code !== 0)) expectError(a, 5100, 'LimitExceeded', ins);
      for (const a of ok) assert.equal((await c.waitTask(a.taskId)).data.status, 0);
      const held = await c.call('DescribeNetworkInterfaces', { instanceId: ins });
      assert.equal(held.data.totalNum, 4);
    });

    it('attaches to a stopped instance too', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      await c.run('StopInstances', { instanceIds: [ins] });
      const eniId = await eni(c, net);
      assert.equal(
        (await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins })).task
          .data.status,
        0,
      );
      assert.equal((await describeEni(c, net.vpcId, eniId)).instanceSet.instanceId, ins);
    });

    it('refuses missing resources: VPC, ENI (also one of another VPC), instance', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const other = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      const otherEni = await eni(c, other);
      expectError(await attach(c, 'vpc-zzzzzzzz', eniId, ins), 5000, 'InvalidVpc.NotFound', 'vpc-zzzzzzzz');
      expectError(
        await attach(c, net.vpcId, 'eni-zzzzzzzz', ins),
        5000,
        'InvalidNetworkInterface.NotFound',
        'eni-zzzzzzzz',
      );
      expectError(await attach(c, net.vpcId, otherEni, ins), 5000, 'InvalidNetworkInterface.NotFound', otherEni);
      expectError(await attach(c, net.vpcId, eniId, 'ins-zzzzzzzz'), 5000, 'InvalidInstance.NotFound', 'ins-zzzzzzzz');
      // Precedence: the VPC, then the ENI, then the instance.
      expectError(await attach(c, 'vpc-zzzzzzzz', 'eni-zzzzzzzz', 'ins-zzzzzzzz'), 5000, 'InvalidVpc.NotFound');
      expectError(await attach(c, net.vpcId, 'eni-zzzzzzzz', 'ins-zzzzzzzz'), 5000, 'InvalidNetworkInterface.NotFound');
      expectError(
        await c.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId }),
        4000,
        'InvalidParameter',
        'instanceId',
      );
      assert.deepEqual((await describeEni(c, net.vpcId, eniId)).instanceSet, { instanceId: '', attachTime: '' });
    });

    it('refuses a primary ENI, and an ENI that is already attached', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const [a, b] = (await c.run('RunInstances', { zoneId: '100003', cpu: 4, mem: 8, goodsNum: 2, ...net })).data
        .instanceIds;
      const primaryA = await primaryEniOf(c, a);
      expectError(await attach(c, net.vpcId, primaryA, b), 5100, 'InvalidNetworkInterface.IsPrimary', primaryA);
      // Precedence: IsPrimary before AlreadyAssociated (the primary ENI is attached to a).
      expectError(await attach(c, net.vpcId, primaryA, a), 5100, 'InvalidNetworkInterface.IsPrimary');
      const eniId = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: a });
      expectError(await attach(c, net.vpcId, eniId, a), 5100, 'InvalidNetworkInterface.AlreadyAssociated', eniId);
      expectError(await attach(c, net.vpcId, eniId, b), 5100, 'InvalidNetworkInterface.AlreadyAssociated', eniId);
      // Precedence: AlreadyAssociated before the instance's VpcMismatch.
      const classic = await instance(c, null);
      expectError(await attach(c, net.vpcId, eniId, classic), 5100, 'InvalidNetworkInterface.AlreadyAssociated');
    });

    it('answers ActionLocked while the ENI has a task in flight', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const [a, b] = (await c.run('RunInstances', { zoneId: '100003', cpu: 4, mem: 8, goodsNum: 2, ...net })).data
        .instanceIds;
      const classic = await instance(c, null);
      const eniId = await eni(c, net);
      const first = await withSlowTasks(server, SLOW_MS, () => attach(c, net.vpcId, eniId, a));
      assert.equal(first.code, 0, JSON.stringify(first));
      expectError(await attach(c, net.vpcId, eniId, b), 5100, 'ActionLocked', eniId);
      expectError(await attach(c, net.vpcId, eniId, a), 5100, 'ActionLocked', eniId);
      // Precedence: ActionLocked before the instance's VpcMismatch, but after a missing instance.
      expectError(await attach(c, net.vpcId, eniId, classic), 5100, 'ActionLocked');
      expectError(await attach(c, net.vpcId, eniId, 'ins-zzzzzzzz'), 5000, 'InvalidInstance.NotFound');
      await assertStillRunning(c, first.taskId);
      assert.equal((await c.waitTask(first.taskId)).data.status, 0);

      // An ENI still being created is busy as well.
      const created = await withSlowTasks(server, SLOW_MS, () =>
        c.call('CreateNetworkInterface', { ...net, eniName: 'pending' }),
      );
      const pending = created.data.networkInterfaceId;
      expectError(await attach(c, net.vpcId, pending, b), 5100, 'ActionLocked', pending);
      await assertStillRunning(c, created.taskId);
      await c.waitTask(created.taskId);
      assert.equal(
        (await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: pending, instanceId: b })).task
          .data.status,
        0,
      );
    });

    it('answers VpcMismatch for a classic instance or one in another VPC, ZoneMismatch for another zone', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const eniId = await eni(c, net);
      const classic = await instance(c, null);
      expectError(await attach(c, net.vpcId, eniId, classic), 5100, 'UnsupportedOperation.VpcMismatch', classic);
      const elsewhere = await instance(c, await vpcWithSubnet(c));
      expectError(await attach(c, net.vpcId, eniId, elsewhere), 5100, 'UnsupportedOperation.VpcMismatch', elsewhere);
      const zone2 = await c.call('CreateSubnet', {
        vpcId: net.vpcId,
        subnetSet: [{ subnetName: 'zone-2', cidrBlock: '10.0.2.0/24', zoneId: '100002' }],
      });
      const otherZone = await instance(
        c,
        { vpcId: net.vpcId, subnetId: zone2.subnetSet[0].unSubnetId },
        { zone: '100002' },
      );
      expectError(await attach(c, net.vpcId, eniId, otherZone), 5100, 'UnsupportedOperation.ZoneMismatch', otherZone);
      // Precedence: VpcMismatch before ZoneMismatch (a classic instance in another zone).
      const classicZone2 = await instance(c, null, { zone: '100002' });
      expectError(await attach(c, net.vpcId, eniId, classicZone2), 5100, 'UnsupportedOperation.VpcMismatch');
      // Precedence: InvalidState before VpcMismatch.
      const stopping = await withSlowTasks(server, SLOW_MS, () => c.call('StopInstances', { instanceIds: [classic] }));
      expectError(await attach(c, net.vpcId, eniId, classic), 5100, 'UnsupportedOperation.InvalidState', classic);
      await assertStillRunning(c, stopping.taskId);
      await c.waitTask(stopping.taskId);
    });

    it('answers LimitExceeded at the per-instance ENI limit (primary included): 1 core 1 GB holds 2', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const small = await instance(c, net, { cpu: 1, mem: 1 });
      const [e1, e2] = await Promise.all([eni(c, net), eni(c, net)]);
      assert.equal(
        (await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: e1, instanceId: small })).task
          .data.status,
        0,
      );
      expectError(await attach(c, net.vpcId, e2, small), 5100, 'LimitExceeded', small);
      // A detach gives the slot back.
      await c.run('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: e1, instanceId: small });
      assert.equal((await attach(c, net.vpcId, e2, small)).code, 0);
    });

    it('answers PrivateIpAddressLimitExceeded for an ENI with more addresses than the instance allows per ENI', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const small = await instance(c, net, { cpu: 1, mem: 1 }); // 2 addresses per ENI
      const big = await instance(c, net, { cpu: 1, mem: 2 }); // 6 addresses per ENI
      const three = await eni(c, net, { secondaryPrivateIpAddressCount: 2 });
      expectError(await attach(c, net.vpcId, three, small), 5100, 'PrivateIpAddressLimitExceeded', three);
      const two = await eni(c, net, { secondaryPrivateIpAddressCount: 1 });
      assert.equal(
        (await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: two, instanceId: small })).task
          .data.status,
        0,
      );
      assert.equal(
        (await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: three, instanceId: big })).task
          .data.status,
        0,
      );
    });
  });
}
