import type { Db } from './db.ts';
import * as m001 from './migrations/001-initial.ts';
import * as m002 from './migrations/002-eni-listing-indexes.ts';
import * as m003 from './migrations/003-api3.ts';
import * as m004 from './migrations/004-client-tokens.ts';

interface Migration {
  version: number;
  up(t: { autoIdType: string }): string[];
}

const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004];
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Applies every migration the database lacks, in one transaction; several replicas may race here. */
export async function migrate(db: Db): Promise<{ from: number; to: number }> {
  return db.tx(async (tx) => {
    await db.lockForMigration(tx);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_meta (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)');
    const row = await tx.get<{ version: number }>('SELECT version FROM schema_meta WHERE id = 1');
    const from = row?.version ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `database schema is version ${from}, newer than this build knows (${SCHEMA_VERSION}); upgrade vpc-eni`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      for (const sql of m.up(db.caps)) await tx.run(sql);
    }
    if (!row) await tx.run('INSERT INTO schema_meta (id, version) VALUES (1, ?)', [SCHEMA_VERSION]);
    else await tx.run('UPDATE schema_meta SET version = ? WHERE id = 1', [SCHEMA_VERSION]);
    return { from, to: SCHEMA_VERSION };
  });
}

/** For replicas that must not change the schema themselves: is it exactly what this build knows? */
export async function schemaVersion(db: Db): Promise<number> {
  // A database without the table has no schema yet (version 0); any other failure (the database
  // is down, the credentials are wrong) is not "needs a migration" and propagates as itself.
  const meta = await db.get<{ n: number }>(db.caps.tableExistsSql, ['schema_meta']);
  if (!meta || Number(meta.n) === 0) return 0;
  const row = await db.get<{ version: number }>('SELECT version FROM schema_meta WHERE id = 1');
  return row?.version ?? 0;
}
