import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Account } from './load.ts';
import { parseOptions, type BenchOptions } from './options.ts';
import { formatSummary, summarise } from './profile.ts';
import { checkTargets, conditions, machine, table, targetList, type Report, type ScaleRun } from './report.ts';
import { attachDetach, attachDetachPolled, baseline, BUSY, describe, type Target } from './scenarios.ts';
import { ENIS_PER_VPC, seed } from './seed.ts';
import { startBaseline, startVpcEni } from './server.ts';

// `npm run bench`: the ceiling (a plain node:http server), then vpc-eni itself at each scale and on
// each backend, every figure also as a ratio to the ceiling. See README § Benchmark.

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, '.bench');
const ACCOUNT: Account = {
  appId: 1251000099,
  secretId: 'AKIDbench00000000000000000000000001',
  secretKey: 'benchSecretKey0000000000000000001',
};

const say = (text: string) => process.stderr.write(text + '\n');

interface Database {
  url: string;
  /** What an operator does after a bulk load (and autovacuum soon would): statistics, visibility. */
  afterBulkLoad(): Promise<void>;
  drop(): Promise<void>;
}

/** A brand-new database: a file under .bench/, or a schema of its own on the PostgreSQL server. */
async function freshDatabase(backend: 'sqlite' | 'postgres', o: BenchOptions, enis: number): Promise<Database> {
  if (backend === 'sqlite') {
    const file = path.join(OUT, `run-${process.pid}`, `sqlite-${enis}.db`);
    const remove = () => {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    };
    remove();
    // SQLite: nothing. Nobody runs ANALYZE on an embedded database, and the indexes are chosen
    // to be right without statistics (migration 002).
    return { url: `sqlite:${file}`, afterBulkLoad: async () => undefined, drop: async () => remove() };
  }
  const schema = `bench_${process.pid}_${enis}`;
  const admin = async (...sql: string[]) => {
    const client = new pg.Client({ connectionString: o.pgUrl! });
    await client.connect();
    try {
      for (const statement of sql) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const url = new URL(o.pgUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  // Without statistics PostgreSQL guesses: it took enis_by_vpc over the primary key for a lookup by
  // id and walked 50,000 index entries per attach. Only this schema's tables, not the database's.
  const tables = ['accounts', 'api_keys', 'vpcs', 'subnets', 'instances', 'enis', 'private_ips', 'tasks'];
  return {
    url: url.toString(),
    afterBulkLoad: () => admin(...tables.map((t) => `VACUUM (ANALYZE) ${schema}.${t}`)),
    drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

async function measureScale(backend: 'sqlite' | 'postgres', o: BenchOptions, enis: number): Promise<ScaleRun> {
  const db = await freshDatabase(backend, o, enis);
  try {
    say(`\n[${backend}, ${enis.toLocaleString('en-US')} ENIs] seeding through the store...`);
    const fleet = await seed(db.url, ACCOUNT.appId, {
      enis,
      instances: 2 * o.connections,
      poolEnis: 8 * o.connections,
    });
    await db.afterBulkLoad();
    say(`  seeded ${fleet.enis.toLocaleString('en-US')} ENIs in ${(fleet.seedMs / 1000).toFixed(1)} s`);
    // With --profile, each phase gets a server of its own, so that each profile shows one load.
    const phase = async <T>(name: string, run: (t: Target) => Promise<T>): Promise<T & { rss: number }> => {
      const profileDir = o.profile ? path.join(OUT, 'profiles', `${backend}-${enis}-${name}`) : undefined;
      const server = await startVpcEni({
        databaseUrl: db.url,
        account: ACCOUNT,
        taskLatencyMs: o.taskLatencyMs,
        quotaEnis: ENIS_PER_VPC,
        cpuProfDir: profileDir,
      });
      say(`  vpc-eni pid ${server.pid} on port ${server.port}`);
      try {
        const target = { port: server.port, account: ACCOUNT, connections: o.connections, databaseUrl: db.url };
        const result = await run({ ...target, cpuMs: () => server.cpuMs() });
        return { ...result, rss: server.peakRssMb() };
      } finally {
        await server.stop();
        if (profileDir) say(formatSummary(summarise(newestProfile(profileDir))));
      }
    };
    say(`  attach/detach: ${o.warmupS} s warm-up, ${o.durationS} s measured, then every task checked`);
    const { rss: rssCycle, ...cycle } = await phase('attach-detach', (t) =>
      attachDetach(t, fleet, o.warmupS, o.durationS),
    );
    say(`  attach/detach over API 3.0: ${o.warmupS} s warm-up, ${o.durationS} s measured`);
    // The pool's ENIs end the v2 cycle attached or not; the 3.0 cycle learns which from the answers.
    const { rss: rssCycle3, ...cycle3 } = await phase('attach-detach-3', (t) =>
      attachDetach(t, fleet, o.warmupS, o.durationS, 'v3'),
    );
    say(`  attach/detach, each task polled with DescribeVpcTaskResult until it ends: v2, then API 3.0`);
    const { rss: rssPolled, ...polled } = await phase('polled', (t) =>
      attachDetachPolled(t, fleet, o.warmupS, o.durationS),
    );
    const { rss: rssPolled3, ...polled3 } = await phase('polled-3', (t) =>
      attachDetachPolled(t, fleet, o.warmupS, o.durationS, 'v3'),
    );
    say(
      `  DescribeNetworkInterfaces: ${o.warmupS} s warm-up, then by instanceId, by vpcId, by instanceId on 1 connection: ${o.durationS} s each`,
    );
    const described = await phase('describe', async (t) => ({
      // A fresh server: warm it up (JIT, caches) on the same query first, unmeasured.
      warm: await describe(t, fleet, 'instance', o.warmupS),
      byInstance: await describe(t, fleet, 'instance', o.durationS),
      byVpc: await describe(t, fleet, 'vpc', o.durationS),
      // The same query with nothing queued ahead of it: what it costs by itself, at this scale.
      byInstanceAlone: await describe({ ...t, connections: 1 }, fleet, 'instance', o.durationS),
    }));
    const peakRssMb = Math.max(rssCycle, rssCycle3, rssPolled, rssPolled3, described.rss);
    const { byInstance, byVpc, byInstanceAlone } = described;
    return {
      backend,
      enis: fleet.enis,
      seedMs: fleet.seedMs,
      cycle,
      cycle3,
      polled,
      polled3,
      byInstance,
      byVpc,
      byInstanceAlone,
      peakRssMb,
    };
  } finally {
    await db.drop();
  }
}

/** The main thread's profile (CPU.<date>.<time>.<pid>.0.<n>.cpuprofile; threads have their own). */
function newestProfile(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const newest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return newest[0]!;
}

/**
 * Reasons the figures cannot be trusted: error answers, tasks that did not succeed. ActionLocked in
 * the attach/detach cycle is not one: it is the server's true answer when its worker completes
 * fewer tasks per second than the API accepts (the cycle then meets an ENI whose task still runs),
 * and the completed-operations figure already says how many got done.
 */
function problems(r: Report): string[] {
  const out: string[] = [];
  const check = (what: string, errors: Record<string, number>) => {
    if (Object.keys(errors).length) out.push(`${what}: ${JSON.stringify(errors)}`);
  };
  check('baseline', r.baseline.errors);
  for (const run of r.runs) {
    const at = `${run.backend} ${run.enis} ENIs`;
    for (const [name, cycle] of [
      ['attach/detach', run.cycle],
      ['attach/detach over 3.0', run.cycle3],
    ] as const) {
      // Refusals that the cycle's own bookkeeping expects: busy ENIs, and the state answers it
      // learns an ENI's attachment from.
      const unexpected = Object.entries(cycle.load.errors).filter(([c]) => !BUSY.has(c) && !c.includes('Attachment'));
      check(`${at} ${name}`, Object.fromEntries(unexpected));
      const t = cycle.tasks;
      if (t.accepted === 0 || t.succeeded !== t.accepted) out.push(`${at} ${name}: ${JSON.stringify(t)}`);
    }
    for (const [name, p] of [
      ['polled attach/detach', run.polled],
      ['polled attach/detach over 3.0', run.polled3],
    ] as const) {
      const unexpected = Object.entries(p.load.errors).filter(([c]) => !BUSY.has(c) && !c.includes('Attachment'));
      check(`${at} ${name}`, Object.fromEntries(unexpected));
      if (p.failed > 0 || p.completed.requests === 0) out.push(`${at} ${name}: ${p.failed} tasks failed`);
    }
    check(`${at} describe by instance`, run.byInstance.errors);
    check(`${at} describe by VPC`, run.byVpc.errors);
    check(`${at} describe by instance, 1 connection`, run.byInstanceAlone.errors);
  }
  return out;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o.dataplane) {
    // Its own run (its own servers, a real host network): it prints its table and is done.
    await import('./dataplane.ts');
    return 0;
  }
  fs.mkdirSync(OUT, { recursive: true });
  say(
    `vpc-eni benchmark: ${o.connections} connections, ${o.durationS} s per scenario, scales ${o.scales.join(', ')}, ` +
      `TASK_LATENCY_MS=${o.taskLatencyMs}, VPC_ENI_QUOTA_ENIS=${ENIS_PER_VPC}${o.pgUrl ? ', PostgreSQL too' : ''}`,
  );

  say('\n[baseline] plain node:http server, same signed requests...');
  const plain = await startBaseline();
  let base;
  try {
    const target = {
      port: plain.port,
      account: ACCOUNT,
      connections: o.connections,
      cpuMs: () => plain.cpuMs(),
      databaseUrl: '',
    };
    base = await baseline(target, o.warmupS, o.durationS);
  } finally {
    await plain.stop();
  }
  say(`  ${Math.round(base.perS)} requests/s`);

  const runs: ScaleRun[] = [];
  const backends = [...(o.sqlite ? (['sqlite'] as const) : []), ...(o.pgUrl ? (['postgres'] as const) : [])];
  try {
    for (const backend of backends) {
      for (const enis of o.scales) runs.push(await measureScale(backend, o, enis));
    }
  } finally {
    fs.rmSync(path.join(OUT, `run-${process.pid}`), { recursive: true, force: true });
  }

  const partial = { date: new Date().toISOString(), machine: machine(), options: o, baseline: base, runs };
  const report: Report = { ...partial, targets: checkTargets(partial) };
  const stamp = report.date.slice(0, 19).replaceAll(':', '-');
  // A smoke run (CI, npm test) overwrites its one file instead of piling up dated ones.
  const file = path.join(OUT, o.smoke ? 'smoke-results.json' : `results-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

  process.stdout.write(
    `\n${conditions(report)}\n\n${table(report)}\n\nTargets:\n${targetList(report.targets)}\n\nJSON: ${path.relative(ROOT, file)}\n`,
  );
  const wrong = problems(report);
  if (wrong.length) {
    process.stdout.write(`\nThe run is not clean:\n- ${wrong.join('\n- ')}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
