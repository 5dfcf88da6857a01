import { spawn } from 'node:child_process';
import { databaseProblem } from '../app.ts';
import { databaseLabel, loadConfig } from '../config.ts';
import { statusOf } from '../dataplane/status.ts';
import { listNamespaces, missingPrerequisites, namespaceMarker } from '../dataplane/host.ts';
import { NetnsDataPlane } from '../dataplane/netns-driver.ts';
import { createLogger } from '../log.ts';
import { openDb, type Db } from '../store/db.ts';

// `vpc-eni dataplane status|reconcile|exec`: the netns data plane of this host seen from the
// database of DATABASE_URL (docs/data-plane.md). They need what the server needs (root, ip, nft).

export interface DataplaneOptions {
  /** The deployment's prefix (the server's default unless it was given another). */
  prefix?: string;
  json?: boolean;
}

async function withPlane<T>(o: DataplaneOptions, fn: (plane: NetnsDataPlane) => Promise<T>): Promise<T> {
  const missing = await missingPrerequisites();
  if (missing.length) throw new Error(`the netns data plane needs ${missing.join(', ')}`);
  const config = loadConfig();
  let db: Db;
  try {
    db = await openDb(config.databaseUrl);
  } catch (err) {
    const why = databaseProblem(config.databaseUrl, err as Error & { code?: string });
    throw new Error(`DATABASE_URL=${databaseLabel(config.databaseUrl)}: ${why}`);
  }
  try {
    return await fn(new NetnsDataPlane({ db, log: createLogger(config.logLevel), prefix: o.prefix }));
  } finally {
    await db.close();
  }
}

/** Per resource: where the host should have it and whether it does. Exit 1 when anything differs. */
export async function statusCommand(o: DataplaneOptions = {}): Promise<number> {
  return withPlane(o, async (plane) => {
    const rows = await statusOf(plane);
    if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else {
      for (const r of rows) {
        const state = r.differences.length ? `DIFFERS: ${r.differences.join('; ')}` : 'ok';
        process.stdout.write(`${r.kind.padEnd(9)} ${r.id.padEnd(16)} ${r.host.padEnd(28)} ${state}\n`);
      }
      const bad = rows.filter((r) => r.differences.length).length;
      process.stdout.write(
        `${rows.length} resources, ${bad} differ${bad ? ' (vpc-eni dataplane reconcile fixes them)' : ''}\n`,
      );
    }
    return rows.some((r) => r.differences.length) ? 1 : 0;
  });
}

export async function reconcileCommand(o: DataplaneOptions = {}): Promise<number> {
  return withPlane(o, async (plane) => {
    const changes = await plane.reconcile();
    if (o.json) process.stdout.write(JSON.stringify(changes.done, null, 2) + '\n');
    else {
      for (const ch of changes.done) process.stdout.write(`${ch.resource}: ${ch.change}\n`);
      process.stdout.write(`${changes.done.length} changes\n`);
    }
    return 0;
  });
}

/** Runs a command inside an instance's namespace, with this terminal; exits with its status. */
export async function execCommand(instanceId: string, command: string[], o: DataplaneOptions = {}): Promise<number> {
  if (command.length === 0) throw new Error('which command? e.g. vpc-eni dataplane exec ins-… -- ip addr');
  if (!listNamespaces().names.includes(instanceId)) {
    throw new Error(`this host has no namespace ${instanceId} (is a server with DATA_PLANE=netns running it here?)`);
  }
  const deployment = (o.prefix ?? 'vpceni-').replace(/-$/, '');
  if (!(await namespaceMarker(instanceId)).startsWith(`vpc-eni:${deployment}:instance:`)) {
    throw new Error(`the namespace ${instanceId} is not an instance of this deployment (${deployment})`);
  }
  const child = spawn('ip', ['netns', 'exec', instanceId, ...command], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
