#!/usr/bin/env node
// `npm test`: every *.test.ts under test/, through Node's own test runner (TypeScript via tsx).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...chosen],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
