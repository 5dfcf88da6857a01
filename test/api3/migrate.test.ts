import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow, describeEni, eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Client3, type Sdk3Options } from '../support/sdk3.ts';

// MigrateNetworkInterface through the official 3.0 SDK, on ENIs and instances made through v2.

type Net = { vpcId: string; subnetId: string };

for (const backend of backends()) {
  describe(`API 3.0 MigrateNetworkInterface [${backend.name}]`, () => {
    let server: TestServer;
    let v2: Client;
    let c: Client3;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100' });
      v2 = server.client();
      c = sdk3Client(server.port);
    });
    after(() => server.close());

    /** `n` instances (2 cores, 4 GB: 2 ENIs each) in `net`, and a secondary ENI attached (through v2) to the first. */
    async function attachedEni(net: Net, n = 2, extra: Record<string, unknown> = {}, size = { cpu: 2, mem: 4 }) {
      const r = await v2.run('RunInstances', { zoneId: '100003', ...size, goodsNum: n, ...net });
      const instances: string[] = r.data.instanceIds;
      const eniId = await eni(v2, net, extra);
      await v2.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: instances[0] });
      return { instances, eniId };
    }
    const describe3 = async (eniId: string) =>
      (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] })).NetworkInterfaceSet[0];
    const migrate = (eniId: string, from: string, to: string, p: Record<string, unknown> = {}) =>
      c.call('vpc', 'MigrateNetworkInterface', {
        NetworkInterfaceId: eniId,
        SourceInstanceId: from,
        DestinationInstanceId: to,
        ...p,
      });
    const ok = async (r: { RequestId?: string } | { Error: unknown }) => {
      assert.ok(!('Error' in r), JSON.stringify(r));
      const task = await c.waitTask((r as { RequestId: string }).RequestId);
      assert.equal(task.Status, 'SUCCESS', JSON.stringify(task));
    };

    const variants: Array<[string, Sdk3Options]> = [
      ['TC3 POST', {}],
      ['TC3 GET', { method: 'GET' }],
      ['v1 HmacSHA256', { signMethod: 'HmacSHA256' }],
    ];
    for (const [label, options] of variants) {
      it(`moves the ENI: ATTACHING on the source while in flight, on the destination once done (${label})`, async () => {
        const cm = sdk3Client(server.port, options);
        const net = await vpcWithSubnet(v2);
        const { instances, eniId } = await attachedEni(net);
        const [a, b] = instances as [string, string];
        const hold = holdTasks(server.driver, 'MigrateNetworkInterface');
        let requestId: string;
        try {
          const r = await cm.ok('vpc', 'MigrateNetworkInterface', {
            NetworkInterfaceId: eniId,
            SourceInstanceId: a,
            DestinationInstanceId: b,
            AttachType: 0,
          });
          assert.deepEqual(Object.keys(r), ['RequestId']);
          assert.match(r.RequestId, /^[0-9a-f-]{36}$/);
          requestId = r.RequestId;
          const during = await describe3(eniId);
          assert.equal(during.State, 'ATTACHING');
          assert.equal(during.NetworkInterfaceState, 'ATTACHING');
          // The committed binding until the move is done.
          assert.equal(during.Attachment.InstanceId, a);
          assert.equal(during.Attachment.DeviceIndex, 1);
          const seen2 = await describeEni(v2, net.vpcId, eniId);
          assert.equal(seen2.state, 'ATTACHING');
          assert.equal(seen2.instanceSet.instanceId, a);
          assert.equal((await cm.ok('vpc', 'DescribeVpcTaskResult', { TaskId: requestId })).Status, 'RUNNING');
          isError(await migrate(eniId, a, b), 'UnsupportedOperation.MutexOperationTaskRunning', eniId);
          isError(
            await c.call('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: a }),
            'UnsupportedOperation.MutexOperationTaskRunning',
          );
        } finally {
          hold.release();
        }
        const task = await cm.waitTask(requestId);
        assert.equal(task.Status, 'SUCCESS');
        assert.deepEqual(task.Result, [{ ResourceId: eniId, Status: 'SUCCESS' }]);
        const after = await describe3(eniId);
        assert.equal(after.State, 'AVAILABLE');
        assert.equal(after.NetworkInterfaceState, 'INUSE');
        assert.deepEqual(Object.keys(after.Attachment).sort(), [
          'AttachTime',
          'DeviceIndex',
          'InstanceAccountId',
          'InstanceId',
        ]);
        assert.equal(after.Attachment.InstanceId, b);
        assert.equal(after.Attachment.DeviceIndex, 1);
        assert.equal(after.Attachment.InstanceAccountId, String(ACCOUNT_A.appId));
        assertBeijingNow(after.Attachment.AttachTime);
        assert.equal((await describeEni(v2, net.vpcId, eniId)).instanceSet.instanceId, b);
        // Moved through 3.0, detached through v2 from where it now is.
        const detach = await v2.run('DetachNetworkInterface', {
          vpcId: net.vpcId,
          networkInterfaceId: eniId,
          instanceId: b,
        });
        assert.equal(detach.task.data.status, 0);
      });
    }

    it('takes the lowest free device index on the destination; moves onto and from stopped instances', async () => {
      const net = await vpcWithSubnet(v2);
      // 4 cores, 8 GB: 4 ENIs each.
      const { instances, eniId } = await attachedEni(net, 3, {}, { cpu: 4, mem: 8 });
      const [a, b, d] = instances as [string, string, string];
      const onB = await eni(v2, net);
      await ok(await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: onB, InstanceId: b }));
      await ok(await migrate(eniId, a, b));
      assert.equal((await describe3(eniId)).Attachment.DeviceIndex, 2);
      await v2.run('StopInstances', { 'instanceIds.0': b, 'instanceIds.1': d });
      await ok(await migrate(eniId, b, d));
      const after = await describe3(eniId);
      assert.equal(after.Attachment.InstanceId, d);
      assert.equal(after.Attachment.DeviceIndex, 1);
    });

    it('rolls back a failed task: FAILED, the ENI stays on the source and is free again', async () => {
      const net = await vpcWithSubnet(v2);
      const { instances, eniId } = await attachedEni(net);
      const [a, b] = instances as [string, string];
      server.driver.injectFailure({ type: 'MigrateNetworkInterface', message: 'host b unreachable' });
      const r = await c.ok('vpc', 'MigrateNetworkInterface', {
        NetworkInterfaceId: eniId,
        SourceInstanceId: a,
        DestinationInstanceId: b,
      });
      const task = await c.waitTask(r.RequestId);
      assert.equal(task.Status, 'FAILED');
      assert.equal(task.Output, 'host b unreachable');
      const after = await describe3(eniId);
      assert.equal(after.State, 'AVAILABLE');
      assert.equal(after.Attachment.InstanceId, a);
      await ok(await migrate(eniId, a, b));
    });

    it('answers bad input with the parameter-validation codes, naming the parameter', async () => {
      const id = {
        NetworkInterfaceId: 'eni-00000000',
        SourceInstanceId: 'ins-00000000',
        DestinationInstanceId: 'ins-00000001',
      };
      for (const name of Object.keys(id)) {
        const p: Record<string, unknown> = { ...id };
        delete p[name];
        isError(await c.call('vpc', 'MigrateNetworkInterface', p), 'MissingParameter', name);
        isError(
          await c.call('vpc', 'MigrateNetworkInterface', { ...id, [name]: 'ins-ABCDEFGH' }),
          'InvalidParameterValue.Malformed',
          name,
        );
      }
      isError(
        await c.call('vpc', 'MigrateNetworkInterface', { ...id, AttachType: 2 }),
        'InvalidParameterValue.Range',
        'AttachType',
      );
      isError(
        await c.call('vpc', 'MigrateNetworkInterface', { ...id, AttachType: 'x' }),
        'InvalidParameter',
        'AttachType',
      );
    });

    it('answers ResourceNotFound for the ENI, then the source and the destination; UnsupportedOperation for AttachType 1 and a primary ENI', async () => {
      const net = await vpcWithSubnet(v2);
      const { instances, eniId } = await attachedEni(net);
      const [a, b] = instances as [string, string];
      isError(await migrate('eni-00000000', a, b), 'ResourceNotFound', 'eni-00000000');
      isError(await migrate(eniId, 'ins-zzzzzzzz', b), 'ResourceNotFound', 'ins-zzzzzzzz');
      isError(await migrate(eniId, a, 'ins-zzzzzzzz'), 'ResourceNotFound', 'ins-zzzzzzzz');
      // Both missing: the source is named, whatever the lock order.
      isError(await migrate(eniId, 'ins-zzzzzzzz', 'ins-aaaaaaaa'), 'ResourceNotFound', 'ins-zzzzzzzz');
      const otherAccount = sdk3Client(server.port, { account: ACCOUNT_B });
      isError(
        await otherAccount.call('vpc', 'MigrateNetworkInterface', {
          NetworkInterfaceId: eniId,
          SourceInstanceId: a,
          DestinationInstanceId: b,
        }),
        'ResourceNotFound',
        eniId,
      );
      isError(await migrate(eniId, a, b, { AttachType: 1 }), 'UnsupportedOperation', 'AttachType');
      const primary = (
        await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [
            { Name: 'attachment.instance-id', Values: [a] },
            { Name: 'is-primary', Values: ['true'] },
          ],
        })
      ).NetworkInterfaceSet[0].NetworkInterfaceId;
      isError(await migrate(primary, a, b), 'UnsupportedOperation', primary);
      assert.equal((await describe3(eniId)).Attachment.InstanceId, a);
    });

    it('AttachmentAlreadyExists when the destination holds it, AttachmentNotFound when the source does not', async () => {
      const net = await vpcWithSubnet(v2);
      const { instances, eniId } = await attachedEni(net, 3);
      const [a, b, d] = instances as [string, string, string];
      isError(await migrate(eniId, a, a), 'UnsupportedOperation.AttachmentAlreadyExists', a);
      isError(await migrate(eniId, b, a), 'UnsupportedOperation.AttachmentAlreadyExists', a);
      isError(await migrate(eniId, b, d), 'UnsupportedOperation.AttachmentNotFound', b);
      const loose = await eni(v2, net);
      isError(await migrate(loose, a, b), 'UnsupportedOperation.AttachmentNotFound', loose);
    });

    it('VpcMismatch, ZoneMismatch, LimitExceeded for a destination that cannot take it', async () => {
      const net = await vpcWithSubnet(v2);
      const { instances, eniId } = await attachedEni(net, 1, { secondaryPrivateIpAddressCount: 2 });
      const [a] = instances as [string];
      const classic = await instance(v2, null);
      isError(await migrate(eniId, a, classic), 'UnsupportedOperation.VpcMismatch', classic);
      const otherNet = await vpcWithSubnet(v2);
      const elsewhere = await instance(v2, otherNet);
      isError(await migrate(eniId, a, elsewhere), 'UnsupportedOperation.VpcMismatch', elsewhere);
      const zone4 = await v2.call('CreateSubnet', {
        vpcId: net.vpcId,
        subnetSet: [{ subnetName: 'zone-4', cidrBlock: '10.0.4.0/24', zoneId: '100004' }],
      });
      assert.equal(zone4.code, 0, zone4.message);
      const far = await instance(v2, { vpcId: net.vpcId, subnetId: zone4.subnetSet[0].unSubnetId }, { zone: '100004' });
      isError(await migrate(eniId, a, far), 'UnsupportedOperation.ZoneMismatch', far);
      // 1 core, 1 GB: 2 ENIs and 2 addresses per ENI. The ENI holds 3 addresses.
      const small = await instance(v2, net, { cpu: 1, mem: 1 });
      isError(await migrate(eniId, a, small), 'LimitExceeded', eniId);
      const full = await instance(v2, net, { cpu: 1, mem: 1 });
      const filler = await eni(v2, net);
      await ok(await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: filler, InstanceId: full }));
      const source = await instance(v2, net);
      const lean = await eni(v2, net);
      await ok(await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: lean, InstanceId: source }));
      isError(await migrate(lean, source, full), 'LimitExceeded', full);
      assert.equal((await describe3(eniId)).Attachment.InstanceId, a);
    });

    it('InvalidState when the source or the destination is in a transitional state; MutexOperationTaskRunning when the ENI is busy', async () => {
      const net = await vpcWithSubnet(v2);
      const { instances, eniId } = await attachedEni(net);
      const [a, b] = instances as [string, string];
      for (const stopping of [a, b]) {
        const hold = holdTasks(server.driver, 'StopInstances');
        let stop;
        try {
          stop = await v2.call('StopInstances', { 'instanceIds.0': stopping });
          assert.equal(stop.code, 0, stop.message);
          isError(await migrate(eniId, a, b), 'UnsupportedOperation.InvalidState', stopping);
        } finally {
          hold.release();
        }
        await v2.waitTask(stop.taskId);
        await v2.run('StartInstances', { 'instanceIds.0': stopping });
      }
      const hold = holdTasks(server.driver, 'AssignPrivateIpAddresses');
      let busy;
      try {
        busy = await c.ok('vpc', 'AssignPrivateIpAddresses', {
          NetworkInterfaceId: eniId,
          SecondaryPrivateIpAddressCount: 1,
        });
        isError(await migrate(eniId, a, b), 'UnsupportedOperation.MutexOperationTaskRunning', eniId);
      } finally {
        hold.release();
      }
      await c.waitTask(busy.RequestId);
      await ok(await migrate(eniId, a, b));
    });
  });
}
