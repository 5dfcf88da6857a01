import type http from 'node:http';
import path from 'node:path';
import { buildApp, type App } from '../app.ts';
import { databaseLabel, loadConfig, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { saveKey } from './credentials-file.ts';
import { claimSqliteFile } from './sqlite-owner.ts';

// `vpc-eni serve`: the only place with process side effects — listen, print, handle signals.
// Everything that can refuse to start (configuration, database, credentials file, port) does so
// before the server reports that it listens, with a message that names the setting concerned.

/** How long a graceful stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 10_000;

export async function serve(): Promise<number> {
  const started = Date.now();
  // Listened for from the start: a signal that comes while the server starts stops it once it has.
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const release = claimSqliteFile(config.databaseUrl);
  let app: App;
  let out: string[];
  try {
    app = await buildApp(config, { log });
  } catch (err) {
    release();
    throw err;
  }
  try {
    out = [...migrationLines(config, app), ...developmentKeyLines(config, app)];
    await listen(app.server, config);
  } catch (err) {
    await app.close();
    release();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  out.unshift(
    `vpc-eni listening on http://${config.host}:${port} (API 3.0 at /, v2 at /v2/index.php; ${app.db.dialect}, ${Date.now() - started} ms)`,
  );
  process.stdout.write(out.join('\n') + '\n');

  const signal = await stopSignal;
  log.info({ signal }, 'shutting down');
  // A second signal, or a stop that hangs, ends the process at once.
  const force = () => process.exit(1);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  setTimeout(force, STOP_DEADLINE_MS).unref();
  await app.close();
  release();
  return 0;
}

function migrationLines(config: Config, app: App): string[] {
  const m = app.migrated;
  if (!m || m.from === m.to) return [];
  const db = databaseLabel(config.databaseUrl);
  return [
    m.from === 0
      ? `created the vpc-eni schema (version ${m.to}) in ${db}`
      : `migrated the schema of ${db} from version ${m.from} to ${m.to}`,
  ];
}

/**
 * The development key is saved where `vpc-eni call` looks for it before the server listens: a
 * server whose key nobody can find is a locked door, so failing to save it stops the start.
 */
function developmentKeyLines(config: Config, app: App): string[] {
  const dev = app.devAccount;
  if (!dev) return [];
  const file = path.resolve(config.credentialsFile);
  try {
    saveKey(config.credentialsFile, config.databaseUrl, dev);
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; fix that and start again (\`vpc-eni credentials\` prints the key meanwhile)`,
    );
  }
  if (!dev.created) {
    return [
      `development account ${dev.appId}, SecretId ${dev.secretId} (its key is in ${file}; \`npx vpc-eni credentials\` prints it)`,
    ];
  }
  return [
    'created a development account (its key is shown here once, and saved for `npx vpc-eni call`):',
    `  appId     ${dev.appId}`,
    `  SecretId  ${dev.secretId}`,
    `  SecretKey ${dev.secretKey}`,
    `  saved to  ${file}`,
  ];
}

async function listen(server: http.Server, config: Config): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const at = `${config.host}:${config.port}`;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `PORT=${config.port}: ${at} is already in use; stop what listens there, or set PORT to a free port (0 picks one)`,
      );
    }
    if (code === 'EACCES') {
      throw new Error(`PORT=${config.port}: this user may not listen on ${at} (ports below 1024 need privileges)`);
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new Error(
        `HOST=${config.host}: cannot listen on that address (${code}); use one of this machine's, such as 127.0.0.1 or 0.0.0.0`,
      );
    }
    throw new Error(`cannot listen on ${at} (HOST, PORT): ${(err as Error).message}`);
  }
}
