import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { ACTIONS_BY_NAME } from './api/v2/registry.ts';
import { v3Handler } from './api/v3/handler.ts';
import { ACTIONS_V3 } from './api/v3/registry.ts';
import { createHttpServer } from './api/http.ts';
import { authenticator } from './api/v2/authenticate.ts';
import { v2Handler } from './api/v2/handler.ts';
import type { Config } from './config.ts';
import type { Deps } from './domain/deps.ts';
import { idGenerator, type IdGenerator } from './domain/ids.ts';
import { buildCatalogue } from './domain/regions.ts';
import type { Logger } from './log.ts';
import { countAccounts, upsertAccount, upsertKey } from './store/account.repo.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate, schemaVersion, SCHEMA_VERSION } from './store/migrate.ts';
import { SimulatedDataPlane, type DataPlaneDriver } from './tasks/driver.ts';
import { Worker } from './tasks/worker.ts';

// Builds the whole service without listening: config → database → domain → worker → HTTP.
// main.ts listens; tests build it in-process and listen on an ephemeral port.

export interface App {
  readonly server: http.Server;
  readonly deps: Deps;
  readonly db: Db;
  readonly worker: Worker;
  readonly driver: DataPlaneDriver;
  /** Credentials created for a fresh deployment with no account, if any. */
  readonly devCredentials: { appId: number; secretId: string; secretKey: string } | null;
  close(): Promise<void>;
}

export interface AppOptions {
  log: Logger;
  now?: () => number;
  ids?: IdGenerator;
  driver?: DataPlaneDriver;
  /** Whether to start the task worker (default yes). */
  worker?: boolean;
}

export async function buildApp(config: Config, o: AppOptions): Promise<App> {
  const now = o.now ?? Date.now;
  const ids = o.ids ?? idGenerator();
  const db = await openDb(config.databaseUrl);
  try {
    if (config.autoMigrate) await migrate(db);
    const reason = await readiness(db);
    if (reason) throw new Error(reason);
    const devCredentials = await provisionAccounts(db, config, ids, now());
    const driver = o.driver ?? new SimulatedDataPlane(config.dataPlaneFailureRate);
    const worker = new Worker({ db, driver, now, log: o.log, leaseMs: config.taskLeaseMs, pollMs: config.taskPollMs });
    const deps: Deps = {
      db,
      config,
      catalogue: buildCatalogue(config.regions),
      ids,
      now,
      wakeWorker: (dueAt) => worker.wake(dueAt),
    };
    const v2 = v2Handler({
      deps,
      auth: authenticator(db, { now, windowS: config.timestampWindowS }),
      actions: ACTIONS_BY_NAME,
      log: o.log,
    });
    const v3 = v3Handler({
      deps,
      actions: new Map(ACTIONS_V3.map((a) => [`${a.product}:${a.name}`, a])),
      windowS: config.timestampWindowS,
      log: o.log,
    });
    const server = createHttpServer({ v2, v3, requestId: () => ids.uuid(), ready: () => readiness(db) }, o.log);
    if (o.worker !== false) await worker.start();
    return {
      server,
      deps,
      db,
      worker,
      driver,
      devCredentials,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await worker.stop();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

async function readiness(db: Db): Promise<string | null> {
  try {
    const version = await schemaVersion(db);
    if (version > SCHEMA_VERSION) {
      return `database schema is version ${version}, newer than this build knows (${SCHEMA_VERSION}); upgrade vpc-eni`;
    }
    if (version < SCHEMA_VERSION) {
      return `database schema is version ${version}, this build needs ${SCHEMA_VERSION}; run \`vpc-eni migrate\``;
    }
    return null;
  } catch (err) {
    return `database unreachable: ${(err as Error).message}`;
  }
}

/**
 * Upserts the accounts of VPC_ENI_ACCOUNTS; with no account at all, creates a development account
 * and writes its key to the credentials file for `vpc-eni call`.
 */
async function provisionAccounts(db: Db, config: Config, ids: IdGenerator, now: number) {
  return db.tx(async (tx) => {
    for (const a of config.accounts) {
      await upsertAccount(tx, a.appId, now);
      await upsertKey(tx, { secretId: a.secretId, appId: a.appId, secretKey: a.secretKey, enabled: true });
    }
    if ((await countAccounts(tx)) > 0) return null;
    const dev = { appId: 1000000, secretId: 'AKID' + ids.secret(32), secretKey: ids.secret(32) };
    await upsertAccount(tx, dev.appId, now);
    await upsertKey(tx, { ...dev, enabled: true });
    return dev;
  });
}

/** Writes credentials where `vpc-eni call` looks for them (owner-only permissions). */
export function writeCredentialsFile(file: string, creds: { secretId: string; secretKey: string }): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ secretId: creds.secretId, secretKey: creds.secretKey }, null, 2) + '\n', {
    mode: 0o600,
  });
}
