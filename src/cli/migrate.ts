import { databaseProblem } from '../app.ts';
import { databaseLabel, loadConfig } from '../config.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';

// `vpc-eni migrate`: applies the schema as a deploy step (replicas then run with
// VPC_ENI_AUTO_MIGRATE=false). `--allow-non-empty` is the one way to add vpc-eni's tables to a
// database that already holds other tables.

export async function migrateCommand(o: { allowNonEmpty?: boolean } = {}): Promise<number> {
  const config = loadConfig();
  const label = databaseLabel(config.databaseUrl);
  let db: Db | undefined;
  try {
    db = await openDb(config.databaseUrl);
    const { from, to } = await migrate(db, { allowNonEmpty: o.allowNonEmpty });
    process.stdout.write(
      from === to
        ? `schema is up to date (version ${to}) in ${label}\n`
        : `migrated schema from version ${from} to ${to} in ${label}\n`,
    );
    return 0;
  } catch (err) {
    throw new Error(`DATABASE_URL=${label}: ${databaseProblem(config.databaseUrl, err as Error & { code?: string })}`);
  } finally {
    await db?.close();
  }
}
