import { parseArgs } from 'node:util';

// `npm run bench -- [options]`. Defaults are the full run the README's table comes from.

export interface BenchOptions {
  /** Seconds of measured load per scenario. */
  durationS: number;
  /** Seconds of unmeasured load before the attach/detach measurement (JIT, caches, pages). */
  warmupS: number;
  connections: number;
  /** ENIs in the database, one full set of measurements each. */
  scales: number[];
  /** PostgreSQL server to run on as well (a fresh schema is created and dropped). */
  pgUrl: string | null;
  /** Skip SQLite (e.g. to run PostgreSQL alone). */
  sqlite: boolean;
  taskLatencyMs: number;
  /** Start the server with `node --cpu-prof` and summarise where its time went. */
  profile: boolean;
  smoke: boolean;
  /** Attach/detach with DATA_PLANE=netns beside the simulated driver (bench/dataplane.ts; root). */
  dataplane: boolean;
}

export const USAGE = `npm run bench -- [options]
  --duration S        seconds of measured load per scenario (default 10)
  --warmup S          seconds of unmeasured attach/detach load first (default 3)
  --connections N     concurrent keep-alive connections (default 64)
  --scales A,B        ENIs in the database, one run each (default 1000,1000000)
  --task-latency MS   TASK_LATENCY_MS of the server (default 0)
  --pg URL            also run on PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/test)
  --no-sqlite         skip SQLite
  --profile           run the server under node --cpu-prof and print its hottest functions
  --smoke             a few seconds in all: tiny seed, 1 s per scenario (CI)
  --dataplane         attach/detach with DATA_PLANE=netns beside the simulated driver, then with
                      1,000 ENIs on the host (root, Linux; BENCH_PAIRS, BENCH_SECONDS, BENCH_PARKED)`;

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} must be a positive number (got ${text})`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      scales: { type: 'string' },
      'task-latency': { type: 'string' },
      pg: { type: 'string' },
      'no-sqlite': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      dataplane: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const smoke = values.smoke;
  return {
    durationS: positive('duration', values.duration ?? (smoke ? '1' : '10')),
    warmupS: positive('warmup', values.warmup ?? (smoke ? '0.5' : '3')),
    connections: Math.round(positive('connections', values.connections ?? (smoke ? '4' : '64'))),
    scales: (values.scales ?? (smoke ? '100' : '1000,1000000'))
      .split(',')
      .map((s) => Math.round(positive('scales', s))),
    pgUrl: values.pg ?? null,
    sqlite: !values['no-sqlite'],
    taskLatencyMs: Number(values['task-latency'] ?? '0'),
    profile: values.profile,
    smoke,
    dataplane: values.dataplane,
  };
}
