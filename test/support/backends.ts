import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import pg from 'pg';

// The storage backends tests run on: SQLite always; PostgreSQL when VPC_ENI_TEST_PG_URL is set
// (.ci/run sets it). Each test server gets a database of its own: a temp file, or a fresh schema.

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A DATABASE_URL for a brand-new, empty database. */
  freshUrl(): Promise<string>;
}

export const PG_URL = process.env.VPC_ENI_TEST_PG_URL;

/** `npm test` names its run, so that it can sweep what a test file killed on timeout left. */
export const RUN_TAG = process.env.VPC_ENI_TEST_RUN ? `${process.env.VPC_ENI_TEST_RUN}-` : '';

// What freshUrl made, removed once every test of the file has finished (a top-level `after` runs
// after all of them and their own `after` hooks, which close the servers).
const made = { dirs: [] as string[], schemas: [] as string[] };
after(async () => {
  for (const dir of made.dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  const schemas = made.schemas.splice(0);
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query("SET lock_timeout = '10s'");
    for (const schema of schemas) {
      // A schema still locked by a process a test left running is reported, not fatal.
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((err: Error) => {
        process.stderr.write(`could not drop test schema ${schema}: ${err.message}\n`);
      });
    }
  } finally {
    await client.end();
  }
});

const sqlite: Backend = {
  name: 'sqlite',
  async freshUrl() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vpc-eni-test-${RUN_TAG}`));
    made.dirs.push(dir);
    return `sqlite:${path.join(dir, 'test.db')}`;
  },
};

const postgres: Backend = {
  name: 'postgres',
  async freshUrl() {
    const schema = `t_${RUN_TAG.replace('-', '_')}${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      made.schemas.push(schema);
    } finally {
      await client.end();
    }
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return url.toString();
  },
};

/** scripts/test.js says once, visibly, when PostgreSQL is skipped. */
export function backends(): Backend[] {
  return PG_URL ? [sqlite, postgres] : [sqlite];
}
