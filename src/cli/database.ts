import fs from 'node:fs';
import path from 'node:path';
import { databaseProblem } from '../app.ts';
import { databaseLabel } from '../config.ts';
import { openDb, type Db } from '../store/db.ts';
import { schemaVersion } from '../store/migrate.ts';

/**
 * Opens the database of DATABASE_URL for a tool that reads what a server made (`check`,
 * `credentials`): a SQLite file that does not exist is refused rather than created empty, and so
 * is a database without a vpc-eni schema. Failures name the DATABASE_URL.
 */
export async function openExistingDb(url: string): Promise<Db> {
  const where = `DATABASE_URL=${databaseLabel(url)}`;
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : null;
  if (file !== null && file !== ':memory:' && !fs.existsSync(file)) {
    throw new Error(
      `${where}: there is no database at ${path.resolve(file)} (start the server once, or fix DATABASE_URL)`,
    );
  }
  let db: Db | undefined;
  try {
    db = await openDb(url);
    if ((await schemaVersion(db)) === 0) throw new Error('the database has no vpc-eni schema (wrong DATABASE_URL?)');
    return db;
  } catch (err) {
    await db?.close().catch(() => undefined);
    throw new Error(`${where}: ${databaseProblem(url, err as Error & { code?: string })}`, { cause: err });
  }
}
