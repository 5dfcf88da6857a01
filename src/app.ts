import path from 'node:path';
import type http from 'node:http';
import { ACTIONS_BY_NAME } from './api/v2/registry.ts';
import { v3Handler } from './api/v3/handler.ts';
import { ACTIONS_V3 } from './api/v3/registry.ts';
import { createHttpServer } from './api/http.ts';
import { authenticator } from './api/v2/authenticate.ts';
import { v2Handler } from './api/v2/handler.ts';
import { databaseLabel, type Config } from './config.ts';
import type { Deps } from './domain/deps.ts';
import { idGenerator, type IdGenerator } from './domain/ids.ts';
import { buildCatalogue } from './domain/regions.ts';
import type { Logger } from './log.ts';
import { countAccounts, keysOfAccount, upsertAccount, upsertKey } from './store/account.repo.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate, schemaVersion, SCHEMA_VERSION } from './store/migrate.ts';
import { NetnsDataPlane } from './dataplane/netns-driver.ts';
import { SimulatedDataPlane, type DataPlaneDriver } from './tasks/driver.ts';
import { Worker } from './tasks/worker.ts';
import { buildTestControl } from './control/index.ts';
import { RecentCalls } from './observe/recent-calls.ts';
import { buildConsole, isConsoleRequest } from './console/routes.ts';
import { buildObservability } from './observe/index.ts';
import { BUILD_VERSION } from './version.ts';

// Builds the whole service without listening: config → database → domain → worker → HTTP.
// main.ts listens; tests build it in-process and listen on an ephemeral port.

export interface App {
  readonly server: http.Server;
  readonly deps: Deps;
  readonly db: Db;
  readonly worker: Worker;
  readonly driver: DataPlaneDriver;
  /** The last API calls this process answered (the console shows them; the HTTP layer adds them). */
  readonly recentCalls: RecentCalls;
  /** The schema versions before and after the migrations applied at start (equal: none). */
  readonly migrated: { from: number; to: number } | null;
  /** The development account's key when the server runs with it (no VPC_ENI_ACCOUNTS): created
   *  at this start (`created`), or found in the database. */
  readonly devAccount: DevAccount | null;
  close(): Promise<void>;
}

export interface DevAccount {
  appId: number;
  secretId: string;
  secretKey: string;
  created: boolean;
}

/** The worker's own connections (PostgreSQL): one claims or ends a batch while housekeeping runs. */
const WORKER_POOL_SIZE = 2;

/** The account a deployment with no declared account gets, and `vpc-eni credentials` looks for. */
export const DEV_APP_ID = 1000000;

export interface AppOptions {
  log: Logger;
  now?: () => number;
  ids?: IdGenerator;
  /** The data plane, or how to make it from the database (default: the one DATA_PLANE names). */
  driver?: DataPlaneDriver | ((db: Db) => DataPlaneDriver);
  /** Whether to start the task worker (default yes). */
  worker?: boolean;
}

export async function buildApp(config: Config, o: AppOptions): Promise<App> {
  const now = o.now ?? Date.now;
  const ids = o.ids ?? idGenerator();
  const { db, migrated, devAccount } = await openDatabase(config, ids, now());
  /** Further connections to the database, closed with it. */
  const closeAlso: Db[] = [];
  try {
    const driver: DataPlaneDriver =
      typeof o.driver === 'function'
        ? o.driver(db)
        : (o.driver ??
          (config.dataPlane === 'netns' ? new NetnsDataPlane({ db, log: o.log }) : new SimulatedDataPlane()));
    const catalogue = buildCatalogue(config.regions);
    const recentCalls = new RecentCalls();
    const observability = buildObservability({
      db,
      catalogue,
      log: o.log,
      recentCalls,
      adminToken: config.adminToken,
      version: BUILD_VERSION,
      schemaVersion: SCHEMA_VERSION,
      actions: { v2: ACTIONS_BY_NAME.keys(), '3.0': ACTIONS_V3.map((a) => a.name) },
    });
    // Replicas: the worker gets connections of its own, so that it never queues behind the API's
    // requests for a pooled one and keeps up with what they accept.
    const workerDb = db.caps.multiProcess ? await openDb(config.databaseUrl, { poolSize: WORKER_POOL_SIZE }) : db;
    closeAlso.push(workerDb);
    const worker = new Worker({
      db: workerDb,
      driver,
      now,
      log: o.log,
      leaseMs: config.taskLeaseMs,
      pollMs: config.taskPollMs,
      observer: observability.tasks,
    });
    const control = buildTestControl({ db, config, ids, now, catalogue, wakeWorker: () => worker.wake(now()) });
    const deps: Deps = {
      db,
      config,
      catalogue,
      ids,
      now,
      wakeWorker: (dueAt) => worker.wake(dueAt),
      taskControl: control.taskControl,
      taskObserver: observability.tasks,
    };
    const v2 = v2Handler({
      deps,
      auth: authenticator(db, { now, windowS: config.timestampWindowS }),
      actions: ACTIONS_BY_NAME,
      log: o.log,
      faults: observability.countFaults(control.faults),
    });
    const v3 = v3Handler({
      deps,
      actions: new Map(ACTIONS_V3.map((a) => [`${a.product}:${a.name}`, a])),
      windowS: config.timestampWindowS,
      log: o.log,
      faults: observability.countFaults(control.faults),
    });
    const server = createHttpServer(
      {
        v2,
        v3,
        requestId: () => ids.uuid(),
        ready: () => readiness(db),
        control: control.routes,
        observe: (call) => observability.observe(call),
        operatorPages: observability.pages,
        console: {
          owns: isConsoleRequest,
          serve: buildConsole({ db, config, catalogue, recentCalls, now, log: o.log, control: control.routes }),
        },
      },
      o.log,
    );
    await control.importAtStart();
    if (o.worker !== false) {
      // The data plane first: a host it cannot drive stops the start; then the host matches the
      // database before any task runs.
      await driver.start?.();
      await worker.start();
    }
    return {
      server,
      deps,
      db,
      worker,
      driver,
      recentCalls,
      migrated,
      devAccount,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await worker.stop();
        await driver.stop?.();
        await control.exportOnExit().catch((err: unknown) => o.log.error({ err }, 'VPC_ENI_EXPORT_ON_EXIT failed'));
        for (const other of closeAlso) await other.close();
        await db.close();
      },
    };
  } catch (err) {
    for (const other of closeAlso) await other.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Opens, migrates and checks the database, and provisions its accounts. Every failure is reported
 * with the DATABASE_URL it concerns (its password hidden) and, where it helps, what to do.
 */
async function openDatabase(config: Config, ids: IdGenerator, now: number) {
  const where = `DATABASE_URL=${databaseLabel(config.databaseUrl)}`;
  let db: Db | undefined;
  try {
    db = await openDb(config.databaseUrl);
    const migrated = config.autoMigrate ? await migrate(db) : null;
    const reason = await readiness(db);
    if (reason) throw new Error(reason);
    const devAccount = await provisionAccounts(db, config, ids, now);
    return { db, migrated, devAccount };
  } catch (err) {
    await db?.close().catch(() => undefined);
    throw new Error(`${where}: ${databaseProblem(config.databaseUrl, err as Error & { code?: string })}`, {
      cause: err,
    });
  }
}

/** The reason a database could not be used, with a hint for the usual causes. */
export function databaseProblem(url: string, err: Error & { code?: string }): string {
  const code = err.code ?? '';
  if (url.startsWith('sqlite:') && /CANTOPEN|READONLY|EACCES|EROFS|ENOTDIR|EEXIST|EPERM/.test(code)) {
    const file = path.resolve(url.slice('sqlite:'.length));
    return `cannot open or write ${file}: ${err.message} (can this user create and write files in ${path.dirname(file)}?)`;
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH/.test(code) ||
    /^getaddrinfo|^connect /.test(err.message)
  ) {
    return `cannot reach the database server: ${err.message}`;
  }
  return err.message;
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
 * Upserts the accounts of VPC_ENI_ACCOUNTS. Without any, the server runs with the development
 * account: created (with a fresh key) when the database has no account at all, else read back.
 */
async function provisionAccounts(db: Db, config: Config, ids: IdGenerator, now: number): Promise<DevAccount | null> {
  return db.tx(async (tx) => {
    for (const a of config.accounts) {
      await upsertAccount(tx, a.appId, now);
      await upsertKey(tx, { secretId: a.secretId, appId: a.appId, secretKey: a.secretKey, enabled: true });
    }
    if (config.accounts.length > 0) return null;
    if ((await countAccounts(tx)) === 0) {
      const dev = { appId: DEV_APP_ID, secretId: 'AKID' + ids.secret(32), secretKey: ids.secret(32) };
      await upsertAccount(tx, dev.appId, now);
      await upsertKey(tx, { ...dev, enabled: true });
      return { ...dev, created: true };
    }
    const key = (await keysOfAccount(tx, DEV_APP_ID)).find((k) => k.enabled);
    return key ? { appId: key.appId, secretId: key.secretId, secretKey: key.secretKey, created: false } : null;
  });
}
