import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';

for (const backend of backends()) {
  describe(`ModifyNetworkInterface [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    const modify = (p: Record<string, unknown>) => c.call('ModifyNetworkInterface', p);

    it('renames and re-describes synchronously; a parameter left out keeps its value', async () => {
      const net = await vpcWithSubnet(c);
      const eniId = await eni(c, net, { eniDescription: 'first' });
      const r = await modify({
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        eniName: 'db-eni',
        eniDescription: 'replica',
      });
      assert.deepEqual(r, { code: 0, message: '', codeDesc: 'Success' });
      let e = await describeEni(c, net.vpcId, eniId);
      assert.equal(e.eniName, 'db-eni');
      assert.equal(e.eniDescription, 'replica');
      await modify({ vpcId: net.vpcId, networkInterfaceId: eniId, eniDescription: 'ünïcode ✓' });
      e = await describeEni(c, net.vpcId, eniId);
      assert.equal(e.eniName, 'db-eni');
      assert.equal(e.eniDescription, 'ünïcode ✓');
      await modify({ vpcId: net.vpcId, networkInterfaceId: eniId, eniName: 'x'.repeat(60), eniDescription: '' });
      e = await describeEni(c, net.vpcId, eniId);
      assert.equal(e.eniName, 'x'.repeat(60));
      assert.equal(e.eniDescription, '');
      // Nothing to change is not an error.
      assert.equal((await modify({ vpcId: net.vpcId, networkInterfaceId: eniId })).code, 0);
      assert.equal((await describeEni(c, net.vpcId, eniId)).eniName, 'x'.repeat(60));
    });

    it('renames a primary ENI too', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const list = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, instanceId: ins });
      const primary = list.data.data[0].networkInterfaceId;
      assert.equal((await modify({ vpcId: net.vpcId, networkInterfaceId: primary, eniName: 'eth0' })).code, 0);
      assert.equal((await describeEni(c, net.vpcId, primary)).eniName, 'eth0');
    });

    it('refuses bad input with 4000 naming the parameter', async () => {
      const net = await vpcWithSubnet(c);
      const eniId = await eni(c, net);
      expectError(await modify({ networkInterfaceId: eniId, eniName: 'a' }), 4000, 'InvalidParameter', 'vpcId');
      expectError(await modify({ vpcId: net.vpcId, eniName: 'a' }), 4000, 'InvalidParameter', 'networkInterfaceId');
      const base = { vpcId: net.vpcId, networkInterfaceId: eniId };
      expectError(await modify({ ...base, eniName: 'x'.repeat(61) }), 4000, 'InvalidNetworkInterfaceName', 'eniName');
      expectError(await modify({ ...base, eniName: '' }), 4000, 'InvalidNetworkInterfaceName', 'eniName');
      expectError(
        await modify({ ...base, eniDescription: 'x'.repeat(61) }),
        4000,
        'InvalidParameterValue',
        'eniDescription',
      );
      assert.equal((await describeEni(c, net.vpcId, eniId)).eniName, 'test-eni');
    });

    it('answers NotFound for the VPC, and for an ENI that is missing, in another VPC or of another account', async () => {
      const net = await vpcWithSubnet(c);
      const other = await vpcWithSubnet(c);
      const eniId = await eni(c, net);
      expectError(
        await modify({ vpcId: 'vpc-nothere1', networkInterfaceId: eniId, eniName: 'a' }),
        5000,
        'InvalidVpc.NotFound',
        'vpc-nothere1',
      );
      expectError(
        await modify({ vpcId: net.vpcId, networkInterfaceId: 'eni-nothere1', eniName: 'a' }),
        5000,
        'InvalidNetworkInterface.NotFound',
        'eni-nothere1',
      );
      expectError(
        await modify({ vpcId: other.vpcId, networkInterfaceId: eniId, eniName: 'a' }),
        5000,
        'InvalidNetworkInterface.NotFound',
        eniId,
      );
      const b = server.client({ account: ACCOUNT_B });
      expectError(
        await b.call('ModifyNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, eniName: 'a' }),
        5000,
        'InvalidVpc.NotFound',
      );
      assert.equal((await describeEni(c, net.vpcId, eniId)).eniName, 'test-eni');
    });

    it('is ActionLocked while a task holds the ENI', async () => {
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      const hold = holdTasks(server.driver, 'AttachNetworkInterface');
      let attach;
      try {
        attach = await c.call('AttachNetworkInterface', {
          vpcId: net.vpcId,
          networkInterfaceId: eniId,
          instanceId: ins,
        });
        assert.equal(attach.code, 0);
        expectError(
          await modify({ vpcId: net.vpcId, networkInterfaceId: eniId, eniName: 'busy' }),
          5100,
          'ActionLocked',
          eniId,
        );
      } finally {
        hold.release();
      }
      assert.equal((await c.waitTask(attach.taskId)).data.status, 0);
      assert.equal((await modify({ vpcId: net.vpcId, networkInterfaceId: eniId, eniName: 'idle' })).code, 0);
      assert.equal((await describeEni(c, net.vpcId, eniId)).eniName, 'idle');
    });
  });
}
