import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/harness.ts';

// Names sort by code point on every backend, whatever the PostgreSQL collation, so a page of
// results is the same on SQLite and PostgreSQL.
for (const backend of backends()) {
  describe(`ordering by name [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('orders mixed-case names by code point, ties by id', async () => {
      const c = server.client();
      for (const [i, name] of ['beta', 'Alpha', 'alpha', 'Beta', '_x', 'Zeta'].entries()) {
        const r = await c.call('CreateVpc', { vpcName: name, cidrBlock: `10.${i}.0.0/16` });
        assert.equal(r.code, 0, JSON.stringify(r));
      }
      const asc = await c.call('DescribeVpcEx', { orderField: 'vpcName', orderDirection: 'asc' });
      assert.deepEqual(
        asc.data.map((v: { vpcName: string }) => v.vpcName),
        ['Alpha', 'Beta', 'Zeta', '_x', 'alpha', 'beta'],
      );
      const desc = await c.call('DescribeVpcEx', { orderField: 'vpcName', orderDirection: 'desc' });
      assert.deepEqual(
        desc.data.map((v: { vpcName: string }) => v.vpcName),
        ['beta', 'alpha', '_x', 'Zeta', 'Beta', 'Alpha'],
      );
    });
  });
}
