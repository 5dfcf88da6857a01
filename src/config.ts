import { DEFAULT_REGIONS, parseRegionSpecs, type RegionSpec } from './domain/regions.ts';

// The one config object, parsed once at start from the environment. Every setting is documented
// in the README's "Configuration" table; keep the two in step.

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
  accounts: AccountSpec[];
  timestampWindowS: number;
  quotas: Quotas;
  regions: RegionSpec[];
  /** Where the development credentials are written for `vpc-eni call` to find. */
  credentialsFile: string;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return n;
}

function rate(env: Env, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) throw new Error(`${name} must be a number from 0 to 1 (got ${JSON.stringify(raw)})`);
  return n;
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
          `VPC_ENI_ACCOUNTS: cannot read an entry (want appId:secretId:secretKey, got ${JSON.stringify(entry)})`,
        );
      }
      return { appId: Number(appId), secretId, secretKey };
    });
}

export function loadConfig(env: Env = process.env): Config {
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || 'sqlite:./data/vpc-eni.db',
    autoMigrate: env.VPC_ENI_AUTO_MIGRATE !== 'false',
    taskLatencyMs: int(env, 'TASK_LATENCY_MS', 100, 0, 3_600_000),
    taskLeaseMs: int(env, 'TASK_LEASE_MS', 10_000, 100, 3_600_000),
    taskPollMs: int(env, 'TASK_POLL_MS', 250, 10, 60_000),
    dataPlaneFailureRate: rate(env, 'DATA_PLANE_FAILURE_RATE'),
    accounts: parseAccounts(env.VPC_ENI_ACCOUNTS ?? ''),
    timestampWindowS: int(env, 'VPC_ENI_TIMESTAMP_WINDOW_S', 300, 1, 86_400),
    quotas: {
      vpcsPerRegion: int(env, 'VPC_ENI_QUOTA_VPCS', 20, 0),
      subnetsPerVpc: int(env, 'VPC_ENI_QUOTA_SUBNETS', 100, 0),
      enisPerVpc: int(env, 'VPC_ENI_QUOTA_ENIS', 1000, 0),
    },
    regions: env.VPC_ENI_REGIONS ? parseRegionSpecs(env.VPC_ENI_REGIONS) : [...DEFAULT_REGIONS],
    credentialsFile: env.VPC_ENI_CREDENTIALS_FILE || './data/credentials.json',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
