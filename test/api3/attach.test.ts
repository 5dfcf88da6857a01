import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/harness.ts';
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
