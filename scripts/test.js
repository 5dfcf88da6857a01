#!/usr/bin/env node
// `npm test`: every *.test.ts under test/, through Node's own test runner (TypeScript via tsx).
// Each test file removes the databases and folders it made (test/support/); the run is named
// (VPC_ENI_TEST_RUN) so that afterwards it can also remove what a file killed on timeout left.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const files = fs
  .readdirSync('test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => path.join('test', f))
  .sort();
const filter = process.argv.slice(2);
const chosen = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
if (!process.env.VPC_ENI_TEST_PG_URL) {
  console.log('# VPC_ENI_TEST_PG_URL is not set: PostgreSQL tests are skipped, SQLite only');
}
const run = randomBytes(4).toString('hex');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...chosen],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', VPC_ENI_TEST_RUN: run } },
);
await sweep(run);
process.exit(result.status ?? 1);

/** Removes the temporary folders and PostgreSQL schemas of this run that are still there. */
async function sweep(tag) {
  const left = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`vpc-eni-test-${tag}-`));
  for (const f of left) fs.rmSync(path.join(os.tmpdir(), f), { recursive: true, force: true });
  let schemas = [];
  if (process.env.VPC_ENI_TEST_PG_URL) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.VPC_ENI_TEST_PG_URL });
    try {
      await client.connect();
      const rows = await client.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`t\\_${tag}\\_%`]);
      schemas = rows.rows.map((r) => r.nspname);
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    } catch (err) {
      console.log(`# could not sweep the test schemas: ${err.message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  if (left.length + schemas.length > 0) {
    console.log(`# removed what killed test files left: ${left.length} folders, ${schemas.length} schemas`);
  }
}
