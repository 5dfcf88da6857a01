import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import pg from 'pg';
import { PG_URL } from '../support/backends.ts';

// Tests leave nothing behind: a test file that made a database on every backend (the fixture) has,
// once it has ended, removed its SQLite folder from the temporary directory and dropped its
// PostgreSQL schema.

it('a test file removes the databases it made (SQLite folders, PostgreSQL schemas)', async () => {
  const fixture = path.join(import.meta.dirname, 'fixtures/fresh-databases.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', fixture], {
    encoding: 'utf8',
    timeout: 60_000,
    // Run as a test run of its own, not as a part of this one.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const urls = [...r.stdout.matchAll(/DATABASE (\S+)/g)].map((m) => m[1]!);
  assert.equal(urls.length, PG_URL ? 2 : 1, r.stdout);
  for (const url of urls) {
    if (url.startsWith('sqlite:')) {
      const dir = path.dirname(url.slice('sqlite:'.length));
      assert.match(path.basename(dir), /^vpc-eni-test-/);
      assert.ok(!fs.existsSync(dir), `${dir} is left behind`);
    } else {
      const schema = /search_path(?:%3D|=)(t_[0-9a-f_]+)/.exec(decodeURIComponent(url))?.[1];
      assert.ok(schema, url);
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const left = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
        assert.equal(left.rowCount, 0, `schema ${schema} is left behind`);
      } finally {
        await client.end();
      }
    }
  }
});
