import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDb } from '../../src/store/db.ts';
import { SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { backends } from '../support/backends.ts';
import { sdkClient } from '../support/harness.ts';
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
