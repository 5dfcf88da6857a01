import os from 'node:os';
import type { BenchOptions } from './options.ts';
import type { CycleResult, Measured, PolledResult } from './scenarios.ts';

// The table (Markdown, so it can go into the README as printed), the targets of issue 5, and the
// JSON written next to them.

export interface ScaleRun {
  backend: 'sqlite' | 'postgres';
  enis: number;
  seedMs: number;
  cycle: CycleResult;
  /** The same cycle over API 3.0 (TC3: four HMACs and a SHA-256 per request, JSON). */
  cycle3: CycleResult;
  /** The cycle with every task polled by its caller until it ends (v2, then 3.0). */
  polled: PolledResult;
  polled3: PolledResult;
  byInstance: Measured;
  byVpc: Measured;
  /** By instance on one connection: the query's own latency, no queue ahead of it. */
  byInstanceAlone: Measured;
  peakRssMb: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** null: this run cannot tell (e.g. no 1,000,000-ENI scale). */
  met: boolean | null;
}

export interface Report {
  date: string;
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string };
  options: BenchOptions;
  baseline: Measured;
  runs: ScaleRun[];
  targets: TargetCheck[];
}

export function machine(): Report['machine'] {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const errors = (e: Record<string, number>) =>
  Object.entries(e)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '0';

export function table(r: Report): string {
  const base = r.baseline.perS;
  const rows: string[][] = [];
  const row = (
    head: string[],
    scenario: string,
    perS: number,
    latency?: { p50: number; p99: number },
    measured?: { cpuUsPerOp: number; errors: Record<string, number> },
  ) =>
    rows.push([
      ...head,
      scenario,
      int(perS),
      (perS / base).toFixed(2),
      latency ? ms(latency.p50) : '',
      latency ? ms(latency.p99) : '',
      measured ? int(measured.cpuUsPerOp) : '',
      measured ? errors(measured.errors) : '',
    ]);
  row(['-', '-'], 'baseline: node:http, fixed v2 answer', base, r.baseline, r.baseline);
  for (const run of r.runs) {
    const head = [run.backend, int(run.enis)];
    const c = run.cycle;
    const perS = (count: number) => count / c.load.durationS;
    row(head, 'attach+detach, completed ops', c.completed.perS, undefined, c.completed);
    row(head, '↳ AttachNetworkInterface requests', perS(c.attach.count), c.attach);
    row(head, '↳ DetachNetworkInterface requests', perS(c.detach.count), c.detach);
    const c3 = run.cycle3;
    row(head, 'attach+detach over API 3.0, completed ops', c3.completed.perS, undefined, c3.completed);
    row(head, '↳ AttachNetworkInterface 3.0 requests', c3.attach.count / c3.load.durationS, c3.attach);
    row(head, '↳ DetachNetworkInterface 3.0 requests', c3.detach.count / c3.load.durationS, c3.detach);
    for (const [name, p] of [
      ['v2', run.polled],
      ['API 3.0', run.polled3],
    ] as const) {
      const perS = (count: number) => count / p.load.durationS;
      row(head, `polled attach+detach over ${name}, completed ops`, p.completed.perS, undefined, p.completed);
      row(head, `↳ Attach requests (busy answers: ${pct(p.busyShare)})`, perS(p.attach.count), p.attach);
      row(head, `↳ DescribeVpcTaskResult (${p.pollsPerOp.toFixed(1)} per op)`, perS(p.poll.count), p.poll);
    }
    row(head, 'DescribeNetworkInterfaces by instanceId', run.byInstance.perS, run.byInstance, run.byInstance);
    row(head, 'DescribeNetworkInterfaces by vpcId', run.byVpc.perS, run.byVpc, run.byVpc);
    row(head, '↳ by instanceId, 1 connection', run.byInstanceAlone.perS, run.byInstanceAlone, run.byInstanceAlone);
    rows.push([...head, `server peak RSS (VmHWM): ${int(run.peakRssMb)} MB`, '', '', '', '', '', '']);
  }
  const header = [
    'backend',
    'ENIs',
    'scenario',
    'per s',
    '× baseline',
    'p50 ms',
    'p99 ms',
    'server CPU µs/op',
    'errors',
  ];
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

export function conditions(r: Report): string {
  const m = r.machine;
  const o = r.options;
  return (
    `${r.date}, ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}; ` +
    `${o.connections} connections, ${o.durationS} s per scenario after ${o.warmupS} s warm-up, ` +
    `TASK_LATENCY_MS=${o.taskLatencyMs}, load generator on the same machine`
  );
}

/** The performance issue's targets, each against the same run's baseline (README § Benchmark). */
const COMPLETED_TARGET = { sqlite: 0.35, postgres: 0.08 } as const;

export function checkTargets(r: Omit<Report, 'targets'>): TargetCheck[] {
  const base = r.baseline.perS;
  const out: TargetCheck[] = [];
  const at64 = r.options.connections === 64;
  for (const backend of ['sqlite', 'postgres'] as const) {
    const runs = r.runs.filter((x) => x.backend === backend).sort((a, b) => a.enis - b.enis);
    const small = runs[0];
    if (!small) continue;
    const large = runs.length > 1 && runs.at(-1)!.enis >= 1_000_000 ? runs.at(-1)! : undefined;
    const share = small.polled.completed.perS / base;
    out.push({
      target: `${backend}: completed attach+detach ops, tasks polled, ≥ ${COMPLETED_TARGET[backend]} × baseline`,
      measured: `${share.toFixed(3)} × (${int(small.polled.completed.perS)}/s, ${small.polled.pollsPerOp.toFixed(1)} polls per op; v2, ${int(small.enis)} ENIs)`,
      met: share >= COMPLETED_TARGET[backend],
    });
    if (backend === 'sqlite') {
      const p99 = small.cycle.attach.p99;
      out.push({
        target: 'sqlite: p99 AttachNetworkInterface ≤ 20 ms at 64 connections (bench cycle)',
        measured: `${ms(p99)} ms at ${r.options.connections} connections`,
        met: at64 ? p99 <= 20 : null,
      });
    } else {
      const busy = Object.entries(small.cycle.load.errors)
        .filter(([code]) => code === 'ActionLocked')
        .reduce((n, [, count]) => n + count, 0);
      const writes = small.cycle.attach.count + small.cycle.detach.count + busy;
      out.push({
        target: 'postgres: no ActionLocked answers in the bench cycle',
        measured: `${pct(writes ? busy / writes : 0)} (${busy} of ${writes})`,
        met: busy === 0,
      });
    }
    const kept = large ? large.byVpc.perS / small.byVpc.perS : NaN;
    out.push({
      target: `${backend}: DescribeNetworkInterfaces by VPC at 1,000,000 ENIs ≥ 80% of its throughput at 1,000`,
      measured: large
        ? `${(kept * 100).toFixed(0)}% (${int(large.byVpc.perS)} vs ${int(small.byVpc.perS)}/s)`
        : 'not run',
      met: large ? kept >= 0.8 : null,
    });
    if (large) {
      const scaled = large.cycle.completed.perS / small.cycle.completed.perS;
      out.push({
        target: `${backend}: attach throughput at 1,000,000 ENIs ≥ 80% of 1,000 (earlier target)`,
        measured: `${(scaled * 100).toFixed(0)}%`,
        met: scaled >= 0.8,
      });
      out.push({
        target: `${backend}: server peak RSS at 1,000,000 ENIs ≤ 300 MB (earlier target)`,
        measured: `${int(large.peakRssMb)} MB`,
        met: large.peakRssMb <= 300,
      });
    }
  }
  return out;
}

export function targetList(targets: TargetCheck[]): string {
  const mark = (m: boolean | null) => (m === null ? 'n/a' : m ? 'met' : 'MISSED');
  return targets.map((t) => `- ${mark(t.met)}: ${t.target} — ${t.measured}`).join('\n');
}
