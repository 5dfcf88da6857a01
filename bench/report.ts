import os from 'node:os';
import type { BenchOptions } from './options.ts';
import type { CycleResult, Measured } from './scenarios.ts';

// The table (Markdown, so it can go into the README as printed), the targets of issue 5, and the
// JSON written next to them.

export interface ScaleRun {
  backend: 'sqlite' | 'postgres';
  enis: number;
  seedMs: number;
  cycle: CycleResult;
  /** The same cycle over API 3.0 (TC3: four HMACs and a SHA-256 per request, JSON). */
  cycle3: CycleResult;
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

export function checkTargets(r: Omit<Report, 'targets'>): TargetCheck[] {
  const base = r.baseline.perS;
  const sqlite = r.runs.filter((x) => x.backend === 'sqlite').sort((a, b) => a.enis - b.enis);
  const small = sqlite[0];
  const large = sqlite.length > 1 && sqlite.at(-1)!.enis >= 1_000_000 ? sqlite.at(-1)! : undefined;
  const out: TargetCheck[] = [];
  if (!small) return out;
  const share = small.cycle.completed.perS / base;
  out.push({
    target: 'completed attach+detach ops/s ≥ 15% of baseline rps',
    measured: `${(share * 100).toFixed(1)}% at ${int(small.enis)} ENIs`,
    met: share >= 0.15,
  });
  const cost = small.cycle3.completed.cpuUsPerOp / small.cycle.completed.cpuUsPerOp;
  out.push({
    target: 'API 3.0 attach/detach: server CPU per completed op (3.0 ÷ v2, same run; for information)',
    measured: `${cost.toFixed(2)} × (${int(small.cycle3.completed.cpuUsPerOp)} vs ${int(small.cycle.completed.cpuUsPerOp)} µs)`,
    met: null,
  });
  const p99 = small.cycle.attach.p99;
  out.push({
    target: 'p99 AttachNetworkInterface ≤ 20 ms at 64 connections',
    measured: `${ms(p99)} ms at ${r.options.connections} connections`,
    met: r.options.connections === 64 ? p99 <= 20 : null,
  });
  const scaled = large ? large.cycle.completed.perS / small.cycle.completed.perS : NaN;
  out.push({
    target: 'at 1,000,000 ENIs, attach throughput ≥ 80% of its value at 1,000',
    measured: large ? `${(scaled * 100).toFixed(0)}% (${int(large.enis)} vs ${int(small.enis)} ENIs)` : 'not run',
    met: large ? scaled >= 0.8 : null,
  });
  out.push({
    target: 'at 1,000,000 ENIs, p99 DescribeNetworkInterfaces by instance ≤ 10 ms',
    measured: large
      ? `${ms(large.byInstance.p99)} ms at ${r.options.connections} connections ` +
        `(${ms(large.byInstanceAlone.p99)} ms on 1 connection)`
      : 'not run',
    met: large ? large.byInstance.p99 <= 10 : null,
  });
  out.push({
    target: 'at 1,000,000 ENIs, server peak RSS ≤ 300 MB',
    measured: large ? `${int(large.peakRssMb)} MB` : 'not run',
    met: large ? large.peakRssMb <= 300 : null,
  });
  return out;
}

export function targetList(targets: TargetCheck[]): string {
  const mark = (m: boolean | null) => (m === null ? 'n/a' : m ? 'met' : 'MISSED');
  return targets.map((t) => `- ${mark(t.met)}: ${t.target} — ${t.measured}`).join('\n');
}
