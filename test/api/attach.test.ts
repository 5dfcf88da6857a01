import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/harness.ts';

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
      const r = await c.call('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: ins,
      });
      assert.equal(r.code, 0);
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.taskId, r.data.taskId);
      const during = await describeEni(c, net.vpcId, eniId);
      assert.equal(during.state, 'ATTACHING');
      assert.equal(during.instanceSet.instanceId, '');
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
  });
}
