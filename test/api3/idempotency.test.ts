import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimToken } from '../../src/store/client-token.repo.ts';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';
import { isError, sdk3Client } from '../support/sdk3.ts';

// ClientToken: a retried call gets the first answer (same RequestId, no second task or
// resource), the same token with other parameters is refused, and so is one whose first call is
// still being handled; tokens are per account and per action, and only successes are kept.

for (const backend of backends()) {
  describe(`API 3.0 ClientToken [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('replays the first answer of CreateNetworkInterface and creates one ENI', async () => {
      const net = await vpcWithSubnet(server.client());
      const c = sdk3Client(server.port);
      const params = { VpcId: net.vpcId, SubnetId: net.subnetId, NetworkInterfaceName: 'once', ClientToken: 'tok-1' };
      const first = await c.ok('vpc', 'CreateNetworkInterface', params);
      const again = await c.ok('vpc', 'CreateNetworkInterface', { ...params });
      assert.equal(again.RequestId, first.RequestId);
      assert.equal(again.NetworkInterface.NetworkInterfaceId, first.NetworkInterface.NetworkInterfaceId);
      await c.waitTask(first.RequestId);
      const listed = await c.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [{ Name: 'network-interface-name', Values: ['once'] }],
      });
      assert.equal(listed.TotalCount, 1);
      isError(
        await c.call('vpc', 'CreateNetworkInterface', { ...params, NetworkInterfaceName: 'twice' }),
        'UnsupportedOperation.IdempotentParameterMismatch',
      );
      // Another account, or another action, has tokens of its own.
      const b = sdk3Client(server.port, { account: ACCOUNT_B });
      isError(await b.call('vpc', 'CreateNetworkInterface', params), 'ResourceNotFound');
    });

    it('keeps only successes, and refuses while the first call is still being handled', async () => {
      const v2 = server.client();
      const net = await vpcWithSubnet(v2, { cidr: '10.1.0.0/16', subnetCidr: '10.1.1.0/24' });
      const ins = await instance(v2, net);
      const eniId = await eni(v2, net);
      const c = sdk3Client(server.port);
      const params = { NetworkInterfaceId: eniId, InstanceId: 'ins-00000000', ClientToken: 'tok-2' };
      isError(await c.call('vpc', 'AttachNetworkInterface', params), 'ResourceNotFound');
      // The refusal was not kept: the token works for the corrected call.
      const ok = await c.ok('vpc', 'AttachNetworkInterface', { ...params, InstanceId: ins });
      assert.equal((await c.waitTask(ok.RequestId)).Status, 'SUCCESS');
      const now = Date.now();
      await server.app.db.tx((tx) =>
        claimToken(
          tx,
          { appId: ACCOUNT_A.appId, action: 'DetachNetworkInterface', token: 'tok-3' },
          { paramsHash: 'x', now, ttlMs: 60_000, staleMs: 60_000 },
        ),
      );
      isError(
        await c.call('vpc', 'DetachNetworkInterface', {
          NetworkInterfaceId: eniId,
          InstanceId: ins,
          ClientToken: 'tok-3',
        }),
        'UnsupportedOperation.IdempotentProcessing',
      );
    });

    it('RunInstances: a retry names the same instances; CVM codes for a mismatch', async () => {
      const net = await vpcWithSubnet(server.client(), { cidr: '10.2.0.0/16', subnetCidr: '10.2.1.0/24' });
      const c = sdk3Client(server.port);
      const params = {
        Placement: { Zone: 'ap-guangzhou-3' },
        ImageId: 'img-00000000',
        VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId },
        ClientToken: 'run-1',
      };
      const first = await c.ok('cvm', 'RunInstances', params);
      const again = await c.ok('cvm', 'RunInstances', params);
      assert.deepEqual(again.InstanceIdSet, first.InstanceIdSet);
      isError(await c.call('cvm', 'RunInstances', { ...params, InstanceCount: 2 }), 'InvalidParameterValue');
    });
  });
}
