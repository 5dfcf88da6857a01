import type { Db, Queryable } from './db.ts';
import * as m001 from './migrations/001-initial.ts';
import * as m002 from './migrations/002-eni-listing-indexes.ts';
import * as m003 from './migrations/003-api3.ts';
import * as m004 from './migrations/004-client-tokens.ts';
import * as m005 from './migrations/005-folded-names.ts';
import * as m006 from './migrations/006-tags.ts';
import * as m007 from './migrations/007-test-control.ts';
import * as m008 from './migrations/008-audit-events.ts';
import * as m009 from './migrations/009-eni-counts.ts';

interface Migration {
  version: number;
  up(t: { autoIdType: string; bytewise: string }): string[];
  /** A data step the SQL cannot express, run after `up` in the same transaction. */
  backfill?(tx: Queryable): Promise<void>;
}

const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009];
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/**
 * Applies every migration the database lacks, in one transaction; several replicas may race here.
 * A database that holds tables but no vpc-eni schema is refused unless `allowNonEmpty`: a wrong
 * DATABASE_URL must not get our tables added to someone else's data.
 */
export async function migrate(
  db: Db,
  o: { allowNonEmpty?: boolean; /** Stop at this version (a snapshot's, to carry it forward). */ upTo?: number } = {},
): Promise<{ from: number; to: number }> {
  const target = o.upTo ?? SCHEMA_VERSION;
  return db.tx(async (tx) => {
    await db.lockForMigration(tx);
    if (!o.allowNonEmpty && (await schemaVersionIn(tx)) === 0) {
      const tables = (await tx.all<{ name: string }>(tx.caps.listTablesSql)).map((r) => r.name);
      if (tables.length > 0) {
        const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, … (${tables.length} tables)` : '');
        throw new Error(
          `the database holds tables (${shown}) but no vpc-eni schema: refusing to add vpc-eni's tables to it; ` +
            'point DATABASE_URL at an empty database or schema, or run `vpc-eni migrate --allow-non-empty` once',
        );
      }
    }
    await tx.run('CREATE TABLE IF NOT EXISTS schema_meta (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)');
    const row = await tx.get<{ version: number }>('SELECT version FROM schema_meta WHERE id = 1');
    const from = row?.version ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `database schema is version ${from}, newer than this build knows (${SCHEMA_VERSION}); upgrade vpc-eni`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      for (const sql of m.up(db.caps)) await tx.run(sql);
      await m.backfill?.(tx);
    }
    const to = Math.max(from, target);
    if (!row) await tx.run('INSERT INTO schema_meta (id, version) VALUES (1, ?)', [to]);
    else await tx.run('UPDATE schema_meta SET version = ? WHERE id = 1', [to]);
    return { from, to };
  });
}

/** For replicas that must not change the schema themselves: is it exactly what this build knows? */
export async function schemaVersion(db: Db): Promise<number> {
  return schemaVersionIn(db);
}

async function schemaVersionIn(q: Queryable): Promise<number> {
  // A database without the table has no schema yet (version 0); any other failure (the database
  // is down, the credentials are wrong) is not "needs a migration" and propagates as itself.
  const meta = await q.get<{ n: number }>(q.caps.tableExistsSql, ['schema_meta']);
  if (!meta || Number(meta.n) === 0) return 0;
  const row = await q.get<{ version: number }>('SELECT version FROM schema_meta WHERE id = 1');
  return row?.version ?? 0;
}
