import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Aim } from '../support/sdk3.ts';

// AttachNetworkInterface and DetachNetworkInterface through the official 3.0 SDK, on resources
// made through v2: one state, two protocols.

for (const backend of backends()) {
  describe(`API 3.0 attach/detach [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    for (const aim of ['endpoint', 'agent'] as Aim[]) {
      for (const method of ['POST', 'GET'] as const) {
        it(`attaches and detaches by RequestId (${aim}, ${method})`, async () => {
          const v2 = server.client();
          const net = await vpcWithSubnet(v2);
          const ins = await instance(v2, net);
          const eniId = await eni(v2, net);
          const c = sdk3Client(server.port, { aim, method });
          const attached = await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: ins });
          assert.match(attached.RequestId, /^[0-9a-f-]{36}$/);
          const task = await c.waitTask(attached.RequestId);
          assert.equal(task.Status, 'SUCCESS');
          assert.deepEqual(task.Result, [{ ResourceId: eniId, Status: 'SUCCESS' }]);
          // Attached through 3.0, the ENI cannot be attached again through either protocol.
          isError(
            await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: ins }),
            'UnsupportedOperation.AttachmentAlreadyExists',
          );
          const again = await v2.call('AttachNetworkInterface', {
            vpcId: net.vpcId,
            networkInterfaceId: eniId,
            instanceId: ins,
          });
          assert.equal(again.codeDesc, 'InvalidNetworkInterface.AlreadyAssociated');
          const detached = await c.ok('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: ins });
          assert.equal((await c.waitTask(detached.RequestId)).Status, 'SUCCESS');
        });
      }
    }

    it('shows ATTACHING with no attachment yet, DETACHING with the attachment still there', async () => {
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const ins = await instance(v2, net);
      const eniId = await eni(v2, net);
      const c = sdk3Client(server.port);
      const describeOne = async () =>
        (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] })).NetworkInterfaceSet[0];
      let hold = holdTasks(server.driver, 'AttachNetworkInterface');
      let requestId: string;
      try {
        requestId = (
          await c.ok('vpc', 'AttachNetworkInterface', {
            NetworkInterfaceId: eniId,
            InstanceId: ins,
            ClientToken: 'a-1',
          })
        ).RequestId;
        const seen = await describeOne();
        assert.deepEqual([seen.State, seen.NetworkInterfaceState, seen.Attachment], ['ATTACHING', 'ATTACHING', null]);
        // v2 shows committed state too: no instance yet.
        const v2seen = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, networkInterfaceId: eniId });
        assert.deepEqual([v2seen.data.data[0].state, v2seen.data.data[0].instanceSet.instanceId], ['ATTACHING', '']);
      } finally {
        hold.release();
      }
      assert.equal((await c.waitTask(requestId)).Status, 'SUCCESS');
      const attached = await describeOne();
      assert.deepEqual(
        [
          attached.State,
          attached.NetworkInterfaceState,
          attached.Attachment.InstanceId,
          attached.Attachment.DeviceIndex,
        ],
        ['AVAILABLE', 'INUSE', ins, 1],
      );
      hold = holdTasks(server.driver, 'DetachNetworkInterface');
      try {
        requestId = (
          await c.ok('vpc', 'DetachNetworkInterface', {
            NetworkInterfaceId: eniId,
            InstanceId: ins,
            ClientToken: 'd-1',
          })
        ).RequestId;
        const seen = await describeOne();
        assert.deepEqual([seen.State, seen.NetworkInterfaceState], ['DETACHING', 'DETACHING']);
        assert.deepEqual(seen.Attachment, attached.Attachment);
      } finally {
        hold.release();
      }
      assert.equal((await c.waitTask(requestId)).Status, 'SUCCESS');
      const detached = await describeOne();
      assert.deepEqual(
        [detached.State, detached.NetworkInterfaceState, detached.Attachment],
        ['AVAILABLE', 'AVAILABLE', null],
      );
    });

    it('gives each attached ENI the lowest free device index from 1', async () => {
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const ins = await instance(v2, net, { cpu: 4, mem: 8 });
      const [e1, e2, e3] = [await eni(v2, net), await eni(v2, net), await eni(v2, net)];
      const c = sdk3Client(server.port);
      const run = async (action: string, eniId: string) => {
        const r = await c.ok('vpc', action, { NetworkInterfaceId: eniId, InstanceId: ins });
        assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      };
      const indexOf = async (eniId: string) =>
        (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] })).NetworkInterfaceSet[0]
          .Attachment.DeviceIndex;
      await run('AttachNetworkInterface', e1);
      await run('AttachNetworkInterface', e2);
      assert.deepEqual([await indexOf(e1), await indexOf(e2)], [1, 2]);
      await run('DetachNetworkInterface', e1);
      await run('AttachNetworkInterface', e3);
      assert.equal(await indexOf(e3), 1);
    });

    it('answers malformed ids, missing ones and unknown tasks with the 3.0 codes', async () => {
      const c = sdk3Client(server.port);
      isError(
        await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: 'eni-1', InstanceId: 'ins-12345678' }),
        'InvalidParameterValue.Malformed',
        'NetworkInterfaceId',
      );
      isError(
        await c.call('vpc', 'AttachNetworkInterface', { InstanceId: 'ins-12345678' }),
        'MissingParameter',
        'NetworkInterfaceId',
      );
      isError(
        await c.call('vpc', 'AttachNetworkInterface', {
          NetworkInterfaceId: 'eni-12345678',
          InstanceId: 'ins-12345678',
        }),
        'ResourceNotFound',
      );
      isError(
        await c.call('vpc', 'AttachNetworkInterface', {
          NetworkInterfaceId: 'eni-12345678',
          InstanceId: 'ins-12345678',
          ClientToken: 'x'.repeat(65),
        }),
        'InvalidParameterValue',
        'ClientToken',
      );
      isError(
        await c.call('vpc', 'AttachNetworkInterface', {
          NetworkInterfaceId: 'eni-12345678',
          InstanceId: 'ins-12345678',
          AttachType: 1,
        }),
        'UnsupportedOperation',
        'AttachType',
      );
      isError(
        await c.call('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: 'eni-12345678', InstanceId: 'ins-1' }),
        'InvalidParameterValue.Malformed',
        'InstanceId',
      );
      isError(
        await c.call('vpc', 'DetachNetworkInterface', {
          NetworkInterfaceId: 'eni-12345678',
          InstanceId: 'ins-12345678',
        }),
        'ResourceNotFound',
      );
      isError(
        await c.call('vpc', 'DescribeVpcTaskResult', { TaskId: 'nope' }),
        'InvalidParameterValue.Malformed',
        'TaskId',
      );
      isError(
        await c.call('vpc', 'DescribeVpcTaskResult', { TaskId: '00000000-0000-4000-8000-000000000000' }),
        'ResourceNotFound',
      );
    });

    it('signs with v1 (HmacSHA256) as well as TC3', async () => {
      const c = sdk3Client(server.port, { signMethod: 'HmacSHA256' });
      isError(
        await c.call('vpc', 'DescribeVpcTaskResult', { TaskId: '00000000-0000-4000-8000-000000000000' }),
        'ResourceNotFound',
      );
      const bad = sdk3Client(server.port, { account: { secretId: 'AKIDnope', secretKey: 'x' } });
      isError(await bad.call('vpc', 'DescribeVpcTaskResult', { TaskId: '1' }), 'AuthFailure.SecretIdNotFound');
    });
  });
}
