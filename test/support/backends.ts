import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// The storage backends tests run on: SQLite always; PostgreSQL when VPC_ENI_TEST_PG_URL is set
// (.ci/run sets it). Each test server gets a database of its own: a temp file, or a fresh schema.

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A DATABASE_URL for a brand-new, empty database. */
  freshUrl(): Promise<string>;
}

export const PG_URL = process.env.VPC_ENI_TEST_PG_URL;

const sqlite: Backend = {
  name: 'sqlite',
  async freshUrl() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-test-'));
    return `sqlite:${path.join(dir, 'test.db')}`;
  },
};

const postgres: Backend = {
  name: 'postgres',
  async freshUrl() {
    const schema = 't_' + randomBytes(6).toString('hex');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
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
