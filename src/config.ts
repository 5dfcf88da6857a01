import path from 'node:path';
import { DEFAULT_REGIONS, parseRegionSpecs, type RegionSpec } from './domain/regions.ts';

// The one config object, parsed once at start from the environment. Every setting is documented
// in the README's "Configuration" table; keep the two in step. A value that cannot be read stops
// the program with a message naming the variable, the value and what is expected: a setting
// silently replaced by its default is worse than no start at all.

export interface AccountSpec {
  appId: number;
  secretId: string;
  secretKey: string;
}

export interface Quotas {
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  enisPerVpc: number;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** Apply pending migrations at start (default); when off, refuse to start on an older schema. */
  autoMigrate: boolean;
  /** A task completes no sooner than this after it was created (simulated data plane). */
  taskLatencyMs: number;
  /** How long a worker owns a claimed task before another worker may take it over. */
  taskLeaseMs: number;
  /** How often a worker looks for tasks it was not told about (other replicas', or after a crash). */
  taskPollMs: number;
  /** Share of tasks the simulated data plane fails at random (fault drills); 0 in normal use. */
  dataPlaneFailureRate: number;
  /** `simulated` (default: nothing on the host) or `netns`: a real network of namespaces (docs/data-plane.md). */
  dataPlane: 'simulated' | 'netns';
  accounts: AccountSpec[];
  timestampWindowS: number;
  quotas: Quotas;
  regions: RegionSpec[];
  /** Where the development account's key is kept for `vpc-eni call` to find. */
  credentialsFile: string;
  logLevel: string;
  /** PostgreSQL connections per process (store/postgres.ts reads PG_POOL_SIZE itself; checked here). */
  pgPoolSize: number;
  /** Test control (docs/test-control.md): the bearer token its endpoints want off a loopback listener. */
  adminToken: string | null;
  /** Makes generated ids, MACs, RequestIds and fault draws repeat from run to run. */
  seed: string | null;
  /** A snapshot file to restore at start. */
  importFile: string | null;
  /** Where to write a snapshot of the state when the server stops (SIGTERM, SIGINT). */
  exportOnExit: string | null;
}

export type Env = Record<string, string | undefined>;

/** pino's levels, `silent` included. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const bad = (name: string, raw: string, expected: string): Error =>
  new Error(`${name} must be ${expected} (got ${JSON.stringify(raw)})`);

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw bad(name, raw, `an integer from ${min} to ${max}`);
  return n;
}

function rate(env: Env, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (raw.trim() === '' || !(n >= 0 && n <= 1)) throw bad(name, raw, 'a number from 0 to 1');
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw bad(name, raw, 'true or false');
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw bad(name, raw, `one of ${values.join(', ')}`);
}

/** `sqlite:<path>` (`:memory:` included) or a `postgres://` URL; anything else is refused here. */
function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return 'sqlite:./data/vpc-eni.db';
  const expected = 'sqlite:<path of a file> or postgres://user@host:port/database';
  if (raw.startsWith('sqlite:')) {
    if (raw.slice('sqlite:'.length).trim() === '') throw bad('DATABASE_URL', raw, `${expected}; the path is empty`);
    return raw;
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw bad('DATABASE_URL', raw, `${expected}; this is not a URL`);
    }
    return raw;
  }
  throw bad('DATABASE_URL', raw, expected);
}

export function parseAccounts(text: string): AccountSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [appId, secretId, secretKey, ...rest] = entry.split(':');
      if (!appId || !/^\d{1,15}$/.test(appId) || !secretId || !secretKey || rest.length > 0) {
        throw new Error(
          `VPC_ENI_ACCOUNTS must be appId:secretId:secretKey,... (cannot read the entry ${JSON.stringify(entry)})`,
        );
      }
      return { appId: Number(appId), secretId, secretKey };
    });
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: databaseUrl(env),
    autoMigrate: bool(env, 'VPC_ENI_AUTO_MIGRATE', true),
    taskLatencyMs: int(env, 'TASK_LATENCY_MS', 100, 0, 3_600_000),
    taskLeaseMs: int(env, 'TASK_LEASE_MS', 10_000, 100, 3_600_000),
    taskPollMs: int(env, 'TASK_POLL_MS', 250, 10, 60_000),
    dataPlaneFailureRate: rate(env, 'DATA_PLANE_FAILURE_RATE'),
    dataPlane: oneOf(env, 'DATA_PLANE', ['simulated', 'netns'] as const, 'simulated'),
    accounts: parseAccounts(env.VPC_ENI_ACCOUNTS ?? ''),
    timestampWindowS: int(env, 'VPC_ENI_TIMESTAMP_WINDOW_S', 300, 1, 86_400),
    quotas: {
      vpcsPerRegion: int(env, 'VPC_ENI_QUOTA_VPCS', 20, 0),
      subnetsPerVpc: int(env, 'VPC_ENI_QUOTA_SUBNETS', 100, 0),
      enisPerVpc: int(env, 'VPC_ENI_QUOTA_ENIS', 1000, 0),
    },
    regions: env.VPC_ENI_REGIONS ? parseRegionSpecs(env.VPC_ENI_REGIONS) : [...DEFAULT_REGIONS],
    credentialsFile: env.VPC_ENI_CREDENTIALS_FILE || './data/credentials.json',
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    pgPoolSize: int(env, 'PG_POOL_SIZE', 10, 1, 1000),
    adminToken: adminToken(env),
    seed: env.VPC_ENI_SEED || null,
    importFile: env.VPC_ENI_IMPORT ? path.resolve(env.VPC_ENI_IMPORT) : null,
    exportOnExit: env.VPC_ENI_EXPORT_ON_EXIT ? path.resolve(env.VPC_ENI_EXPORT_ON_EXIT) : null,
  };
}

/** A token short enough to guess is no protection for endpoints that destroy state. */
function adminToken(env: Env): string | null {
  const raw = env.VPC_ENI_ADMIN_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (raw.length < 16 || /\s/.test(raw))
    throw bad('VPC_ENI_ADMIN_TOKEN', '<hidden>', 'at least 16 characters without spaces');
  return raw;
}

/**
 * A database named the same way whatever the working directory or password: the key of its entry
 * in the credentials file, and how messages name it (a password is never printed).
 */
export function databaseLabel(url: string): string {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return file === ':memory:' ? url : `sqlite:${path.resolve(file)}`;
  }
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** What `vpc-eni call` reads besides the server's own settings (the same DATABASE_URL, HOST, PORT). */
export interface ClientConfig {
  endpoint: URL;
  /** Where the endpoint came from, for messages: `VPC_ENI_ENDPOINT` or `HOST and PORT`. */
  endpointFrom: string;
  region: string;
  /** VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY, when both are set. */
  key: { secretId: string; secretKey: string } | null;
}

export function loadClientConfig(env: Env = process.env): ClientConfig {
  let endpoint: URL;
  let endpointFrom = 'VPC_ENI_ENDPOINT';
  if (env.VPC_ENI_ENDPOINT) {
    const raw = env.VPC_ENI_ENDPOINT;
    const expected = 'a URL like http://127.0.0.1:8080';
    try {
      endpoint = new URL(raw);
    } catch {
      throw bad('VPC_ENI_ENDPOINT', raw, expected);
    }
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw bad('VPC_ENI_ENDPOINT', raw, expected);
  } else {
    const port = int(env, 'PORT', 8080, 0, 65535);
    if (port === 0) {
      throw new Error(
        'PORT is 0: the server picked a free port and printed it; name it with VPC_ENI_ENDPOINT=http://127.0.0.1:<port>',
      );
    }
    const host = env.HOST || '127.0.0.1';
    // A server listening on every address is reached on the loopback one.
    const reach = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    try {
      endpoint = new URL(`http://${reach}:${port}`);
    } catch {
      throw bad('HOST', host, 'a host name or address');
    }
    endpointFrom = 'HOST and PORT';
  }
  const { VPC_ENI_SECRET_ID: secretId, VPC_ENI_SECRET_KEY: secretKey } = env;
  if (Boolean(secretId) !== Boolean(secretKey)) {
    throw new Error(
      `VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY go together: ${secretId ? 'VPC_ENI_SECRET_KEY' : 'VPC_ENI_SECRET_ID'} is not set`,
    );
  }
  return {
    endpoint,
    endpointFrom,
    region: env.VPC_ENI_REGION || 'ap-guangzhou',
    key: secretId && secretKey ? { secretId, secretKey } : null,
  };
}
