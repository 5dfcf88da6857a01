import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, expectError, nextMillisecond, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';

for (const backend of backends()) {
  describe(`security groups [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
    });
    after(() => server.close());

    async function group(sgName: string, extra: Record<string, unknown> = {}): Promise<string> {
      const r = await c.call('CreateSecurityGroup', { sgName, ...extra });
      assert.equal(r.code, 0, r.message);
      return r.data.sgId;
    }

    it('creates a group (synchronously) and describes it', async () => {
      const r = await c.call('CreateSecurityGroup', { sgName: 'web', sgRemark: 'front tier', projectId: 7 });
      assert.equal(r.code, 0);
      assert.equal(r.codeDesc, 'Success');
      assert.equal(r.taskId, undefined);
      assert.match(r.data.sgId, /^sg-[a-z0-9]{8}$/);
      const d = await c.call('DescribeSecurityGroupEx', { sgId: r.data.sgId });
      assert.equal(d.code, 0);
      assert.equal(d.data.totalNum, 1);
      const [g] = d.data.detail;
      assert.deepEqual(
        { ...g, createTime: undefined },
        { sgId: r.data.sgId, sgName: 'web', sgRemark: 'front tier', projectId: 7, createTime: undefined },
      );
      assert.match(g.createTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const plain = await c.call('DescribeSecurityGroupEx', { sgId: await group('plain') });
      assert.equal(plain.data.detail[0].sgRemark, '');
      assert.equal(plain.data.detail[0].projectId, 0);
    });

    it('refuses bad input with 4000 naming the parameter', async () => {
      expectError(await c.call('CreateSecurityGroup', {}), 4000, 'InvalidParameter', 'sgName');
      expectError(await c.call('CreateSecurityGroup', { sgName: '' }), 4000, 'InvalidParameterValue', 'sgName');
      expectError(
        await c.call('CreateSecurityGroup', { sgName: 'x'.repeat(61) }),
        4000,
        'InvalidParameterValue',
        'sgName',
      );
      expectError(
        await c.call('CreateSecurityGroup', { sgName: 'a', sgRemark: 'x'.repeat(101) }),
        4000,
        'InvalidParameterValue',
        'sgRemark',
      );
      expectError(
        await c.call('CreateSecurityGroup', { sgName: 'a', projectId: 'p1' }),
        4000,
        'InvalidParameter',
        'projectId',
      );
      expectError(await c.call('DescribeSecurityGroupEx', { limit: 51 }), 4000, 'InvalidParameterValue', 'limit');
      expectError(await c.call('DescribeSecurityGroupEx', { offset: -1 }), 4000, 'InvalidParameterValue', 'offset');
      expectError(await c.call('DeleteSecurityGroup', {}), 4000, 'InvalidParameter', 'sgId');
    });

    it('filters by name (case-insensitive substring) and pages, newest first', async () => {
      const ids: string[] = [];
      for (const name of ['Pager-One', 'pager-two', 'PAGER-three', 'unrelated']) {
        ids.push(await group(name));
        // Creation times are kept to the millisecond: make the newest-first order unambiguous.
        await nextMillisecond();
      }
      const all = await c.call('DescribeSecurityGroupEx', { sgName: 'pager-' });
      assert.equal(all.data.totalNum, 3);
      assert.deepEqual(
        all.data.detail.map((g: any) => g.sgName),
        ['PAGER-three', 'pager-two', 'Pager-One'],
      );
      const page = await c.call('DescribeSecurityGroupEx', { sgName: 'PAGER', offset: 1, limit: 1 });
      assert.equal(page.data.totalNum, 3);
      assert.deepEqual(
        page.data.detail.map((g: any) => g.sgId),
        [ids[1]],
      );
      const none = await c.call('DescribeSecurityGroupEx', { sgName: 'no-such-name' });
      assert.deepEqual(none.data, { totalNum: 0, detail: [] });
      const everything = await c.call('DescribeSecurityGroupEx', { limit: 50 });
      assert.ok(everything.data.detail.length >= 4);
      assert.equal(everything.data.totalNum, everything.data.detail.length);
    });

    it('keeps accounts apart: another account sees, describes and deletes nothing', async () => {
      const sgId = await group('private');
      const b = server.client({ account: ACCOUNT_B });
      expectError(await b.call('DescribeSecurityGroupEx', { sgId }), 5000, 'InvalidSecurityGroup.NotFound', sgId);
      expectError(await b.call('DeleteSecurityGroup', { sgId }), 5000, 'InvalidSecurityGroup.NotFound', sgId);
      const listed = await b.call('DescribeSecurityGroupEx', {});
      assert.ok(!listed.data.detail.some((g: any) => g.sgId === sgId));
      // Regions too: the group lives in Guangzhou.
      const sh = server.client({ region: 'sh' });
      expectError(await sh.call('DescribeSecurityGroupEx', { sgId }), 5000, 'InvalidSecurityGroup.NotFound');
    });

    it('deletes an unused group; a missing one is NotFound', async () => {
      const sgId = await group('short-lived');
      assert.deepEqual(await c.call('DeleteSecurityGroup', { sgId }), { code: 0, message: '', codeDesc: 'Success' });
      expectError(await c.call('DescribeSecurityGroupEx', { sgId }), 5000, 'InvalidSecurityGroup.NotFound', sgId);
      expectError(await c.call('DeleteSecurityGroup', { sgId }), 5000, 'InvalidSecurityGroup.NotFound', sgId);
    });

    it('binds groups to an ENI (sgIds.N), shows them in groupSet, filters by sgId, and refuses to delete them (InUse)', async () => {
      const net = await vpcWithSubnet(c);
      const web = await group('web', { projectId: 3 });
      const db = await group('db');
      const eniId = await eni(c, net, { sgIds: [db, web] });
      const shown = await describeEni(c, net.vpcId, eniId);
      assert.deepEqual(shown.groupSet, [
        { sgId: db, sgName: 'db', projectId: 0 },
        { sgId: web, sgName: 'web', projectId: 3 },
      ]);
      const bySg = await c.call('DescribeNetworkInterfaces', { sgId: web });
      assert.deepEqual(
        bySg.data.data.map((e: any) => e.networkInterfaceId),
        [eniId],
      );
      expectError(await c.call('DeleteSecurityGroup', { sgId: web }), 5100, 'InvalidSecurityGroup.InUse', web);
      await c.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      assert.equal((await c.call('DeleteSecurityGroup', { sgId: web })).code, 0);
      assert.equal((await c.call('DeleteSecurityGroup', { sgId: db })).code, 0);
    });

    it("binds groups to an instance's primary ENI (RunInstances sgIds.N); InUse until the instance is gone", async () => {
      const net = await vpcWithSubnet(c);
      const sgId = await group('instances');
      const run = await c.run('RunInstances', { zoneId: '100003', ...net, sgIds: [sgId] });
      const ins = run.data.instanceIds[0];
      const list = await c.call('DescribeNetworkInterfaces', { instanceId: ins });
      assert.deepEqual(list.data.data[0].groupSet, [{ sgId, sgName: 'instances', projectId: 0 }]);
      expectError(await c.call('DeleteSecurityGroup', { sgId }), 5100, 'InvalidSecurityGroup.InUse');
      await c.run('TerminateInstances', { instanceIds: [ins] });
      assert.equal((await c.call('DeleteSecurityGroup', { sgId })).code, 0);
    });

    it('refuses unknown or repeated groups in sgIds.N', async () => {
      const net = await vpcWithSubnet(c);
      const sgId = await group('once');
      expectError(
        await c.call('CreateNetworkInterface', { ...net, eniName: 'e', sgIds: ['sg-nothere1'] }),
        5000,
        'InvalidSecurityGroup.NotFound',
        'sg-nothere1',
      );
      expectError(
        await c.call('CreateNetworkInterface', { ...net, eniName: 'e', sgIds: [sgId, sgId] }),
        4000,
        'InvalidParameterValue',
        sgId,
      );
      expectError(
        await c.call('RunInstances', { zoneId: '100003', ...net, sgIds: ['sg-nothere2'] }),
        5000,
        'InvalidSecurityGroup.NotFound',
        'sg-nothere2',
      );
      const b = server.client({ account: ACCOUNT_B });
      const bNet = await vpcWithSubnet(b);
      expectError(
        await b.call('CreateNetworkInterface', { ...bNet, eniName: 'e', sgIds: [sgId] }),
        5000,
        'InvalidSecurityGroup.NotFound',
      );
      // Nothing was bound by the refusals.
      assert.equal((await c.call('DeleteSecurityGroup', { sgId })).code, 0);
    });
  });
}
