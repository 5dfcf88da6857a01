import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDb } from '../../src/store/db.ts';
import { migrate, SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, sdkClient, startServer } from '../support/harness.ts';
import { spawnServer } from '../support/process.ts';

// `vpc-eni migrate`, and a replica's refusal to serve a schema it does not know.

const BIN = path.resolve(import.meta.dirname, '../../bin/vpc-eni.js');
const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

for (const backend of backends()) {
  describe(`schema migrations [${backend.name}]`, () => {
    it('vpc-eni migrate applies the schema once, then reports it up to date', async () => {
      const url = await backend.freshUrl();
      const first = cli(['migrate'], { DATABASE_URL: url });
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`migrated schema from version 0 to ${SCHEMA_VERSION}`));
      const again = cli(['migrate'], { DATABASE_URL: url });
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /schema is up to date/);
    });

    it('with VPC_ENI_AUTO_MIGRATE=false a replica refuses an unmigrated database, then serves once migrated', async () => {
      const url = await backend.freshUrl();
      const refused = cli(['serve'], { DATABASE_URL: url, VPC_ENI_AUTO_MIGRATE: 'false' });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /run `vpc-eni migrate`/);
      assert.equal(cli(['migrate'], { DATABASE_URL: url }).status, 0);
      const server = await spawnServer({ DATABASE_URL: url, VPC_ENI_AUTO_MIGRATE: 'false' });
      try {
        const r = await sdkClient(server.host).call('DescribeVpcEx');
        assert.equal(r.code, 0);
        const ready = await fetch(`http://${server.host}/readyz`);
        assert.equal(ready.status, 200);
      } finally {
        await server.stop();
      }
    });

    it('an upgrade past schema 4 folds the names already stored, so search finds them', async () => {
      // A database as a schema-4 build left it: no folded copies yet, a VPC with a Greek name.
      const url = await backend.freshUrl();
      const db = await openDb(url);
      await migrate(db, { upTo: 4 });
      await db.tx(async (tx) => {
        await tx.run('INSERT INTO accounts (app_id, created_at) VALUES (?, 0)', [ACCOUNT_A.appId]);
        await tx.run(
          "INSERT INTO vpcs (id, app_id, region, name, cidr, created_at, attributes) VALUES (?, ?, 'ap-guangzhou', ?, '10.0.0.0/16', 0, '{}')",
          ['vpc-old00001', ACCOUNT_A.appId, 'ΟΔΟΣ Straße'],
        );
      });
      await db.close();
      const upgraded = cli(['migrate'], { DATABASE_URL: url });
      assert.equal(upgraded.status, 0, upgraded.stderr);
      assert.match(upgraded.stdout, new RegExp(`from version 4 to ${SCHEMA_VERSION}`));
      const after = await startServer(backend, { DATABASE_URL: url });
      try {
        for (const vpcName of ['οδοσ', 'STRASSE', 'ΟΔΟΣ Straße']) {
          const r = await after.client().call('DescribeVpcEx', { vpcName });
          assert.deepEqual(
            r.data.map((v: { unVpcId: string }) => v.unVpcId),
            ['vpc-old00001'],
            vpcName,
          );
        }
      } finally {
        await after.close();
      }
    });

    it('refuses to serve a database whose schema is newer than the build', async () => {
      const url = await backend.freshUrl();
      assert.equal(cli(['migrate'], { DATABASE_URL: url }).status, 0);
      const db = await openDb(url);
      await db.run('UPDATE schema_meta SET version = ? WHERE id = 1', [SCHEMA_VERSION + 1]);
      await db.close();
      const refused = cli(['serve'], { DATABASE_URL: url });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /newer than this build knows/);
    });
  });
}
