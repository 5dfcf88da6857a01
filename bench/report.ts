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
  byInstance: Measured;
  byVpc: Measured;
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
  const rows: string[][] = [
    [
      '-',
      '-',
      'baseline: node:http, fixed v2 answer',
      int(base),
      '1.00',
      ms(r.baseline.p50),
      ms(r.baseline.p99),
      errors(r.baseline.errors),
    ],
  ];
  const ratio = (n: number) => (n / base).toFixed(2);
  for (const run of r.runs) {
    const head = [run.backend, int(run.enis)];
    const c = run.cycle;
    const reqPerS = (count: number) => count / c.load.durationS;
    rows.push(
      [
        ...head,
        'attach+detach, completed ops',
        int(c.completed.perS),
        ratio(c.completed.perS),
        '',
        '',
        errors(c.load.errors),
      ],
      [
        ...head,
        '↳ AttachNetworkInterface requests',
        int(reqPerS(c.attach.count)),
        ratio(reqPerS(c.attach.count)),
        ms(c.attach.p50),
        ms(c.attach.p99),
        '',
      ],
      [
        ...head,
        '↳ DetachNetworkInterface requests',
        int(reqPerS(c.detach.count)),
        ratio(reqPerS(c.detach.count)),
        ms(c.detach.p50),
        ms(c.detach.p99),
        '',
      ],
      [
        ...head,
        'DescribeNetworkInterfaces by instanceId',
        int(run.byInstance.perS),
        ratio(run.byInstance.perS),
        ms(run.byInstance.p50),
        ms(run.byInstance.p99),
        errors(run.byInstance.errors),
      ],
      [
        ...head,
        'DescribeNetworkInterfaces by vpcId',
        int(run.byVpc.perS),
        ratio(run.byVpc.perS),
        ms(run.byVpc.p50),
        ms(run.byVpc.p99),
        errors(run.byVpc.errors),
      ],
      [...head, `server peak RSS (VmHWM): ${int(run.peakRssMb)} MB`, '', '', '', '', ''],
    );
  }
  const header = ['backend', 'ENIs', 'scenario', 'per s', '× baseline', 'p50 ms', 'p99 ms', 'errors'];
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
    measured: large ? `${ms(large.byInstance.p99)} ms` : 'not run',
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
