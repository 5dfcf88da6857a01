import { loadConfig } from '../config.ts';
import { openDb } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';

export async function migrateCommand(): Promise<number> {
  const config = loadConfig();
  const db = await openDb(config.databaseUrl);
  try {
    const { from, to } = await migrate(db);
    process.stdout.write(
      from === to ? `schema is up to date (version ${to})\n` : `migrated schema from version ${from} to ${to}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
