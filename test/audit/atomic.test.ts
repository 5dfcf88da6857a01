import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { up as auditTables } from '../../src/store/migrations/008-audit-events.ts';
import { backends } from '../support/backends.ts';
import { controlClient } from '../support/control.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { commonParams, sendParams, signParams } from '../support/raw-client.ts';
import { sdk3Client, type Error3 } from '../support/sdk3.ts';

// An event is written in the transaction of the change it records (docs/audit.md): when the
// transaction fails after the change — here the audit write itself fails, its resource table
// having been dropped under the running server — neither the change nor its event is there. What
// is left is the event of the failed request (InternalError, naming nothing: the resource it would
// have made never existed), written on its own as any refusal's. Put back, the call makes both.

for (const backend of backends()) {
  describe(`audit event and change are atomic [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    /** Runs `fn` while the audit trail cannot be written, then puts its table back. */
    async function withoutAuditResources<T>(fn: () => Promise<T>): Promise<T> {
      const ddl = auditTables({ autoIdType: '' }).filter((sql) => sql.includes('audit_event_resources'));
      assert.equal(ddl.length, 2, 'the table and its index');
      await server.app.db.tx((q) => q.run('DROP TABLE audit_event_resources'));
      try {
        return await fn();
      } finally {
        await server.app.db.tx(async (q) => {
          for (const sql of ddl) await q.run(sql);
        });
      }
    }

    /** [ErrorCode, resource ids] of each event the query finds. */
    const outcomes = async (query: string) => {
      const r = await controlClient(server.host).get(`events?${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body.events as Array<{ ErrorCode: unknown; Resources: Array<{ ResourceName: string }> }>).map((e) => [
        e.ErrorCode,
        e.Resources.map((x) => x.ResourceName),
      ]);
    };

    it('API 3.0: a write whose event fails leaves no change and no event', async () => {
      const v3 = sdk3Client(server.port);
      const params = { VpcName: 'atomic-3', CidrBlock: '10.0.0.0/16' };
      const failed = (await withoutAuditResources(() => v3.call('vpc', 'CreateVpc', params))) as Error3;
      assert.equal(failed.Error?.Code, 'InternalError', JSON.stringify(failed));
      const byName = { Filters: [{ Name: 'vpc-name', Values: ['atomic-3'] }] };
      assert.equal((await v3.ok('vpc', 'DescribeVpcs', byName)).TotalCount, 0, 'the VPC was rolled back');
      assert.deepEqual(await outcomes(`requestId=${failed.RequestId}`), [['InternalError', []]]);

      const made = await v3.ok('vpc', 'CreateVpc', params);
      assert.equal((await v3.ok('vpc', 'DescribeVpcs', byName)).TotalCount, 1);
      assert.deepEqual(await outcomes(`requestId=${made.RequestId}`), [[0, [made.Vpc.VpcId]]]);
    });

    it('v2: the signature claim, the change and the event go together', async () => {
      const since = Date.now(); // the events of this test only
      const send = (params: Record<string, string>) =>
        sendParams(server.port, 'POST', params).then((r) => JSON.parse(r.text));
      const signed = signParams(
        { ...commonParams(), Action: 'CreateVpc', vpcName: 'atomic-2', cidrBlock: '10.0.0.0/16' },
        { method: 'POST', host: server.host },
      );
      const failed = await withoutAuditResources(() => send(signed));
      assert.equal(failed.codeDesc, 'InternalError', JSON.stringify(failed));
      const listed = () => server.client().call('DescribeVpcEx', { vpcName: 'atomic-2' });
      assert.equal((await listed()).totalCount, 0, 'the VPC was rolled back');
      assert.deepEqual(await outcomes(`eventName=CreateVpc&since=${since}`), [['InternalError', []]]);
      // The refusal spent the signature, as every admitted request does: the same bytes are a replay.
      assert.equal((await send(signed)).codeDesc, 'InvalidRequest.ReplayAttack');
      const fresh = signParams(
        { ...commonParams(), Action: 'CreateVpc', vpcName: 'atomic-2', cidrBlock: '10.0.0.0/16' },
        { method: 'POST', host: server.host },
      );
      const made = await send(fresh);
      assert.equal(made.code, 0, JSON.stringify(made));
      assert.equal((await listed()).totalCount, 1);
      assert.deepEqual(await outcomes(`eventName=CreateVpc&since=${since}`), [
        [0, [made.unVpcId]],
        ['InternalError', []],
      ]);
    });
  });
}
