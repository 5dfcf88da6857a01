import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Account } from './load.ts';

// The servers under test, each a child process started as a user would start it.

export interface Server {
  readonly pid: number;
  readonly port: number;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** CPU time used so far, all threads, user and system, in ms (10 ms resolution). */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface VpcEniOptions {
  databaseUrl: string;
  account: Account;
  taskLatencyMs: number;
  quotaEnis: number;
  /** Write a V8 CPU profile of the server here when it stops. */
  cpuProfDir?: string;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const LISTENING = /listening on http:\/\/[^/\s]+:(\d+)/;

/** `node bin/vpc-eni.js serve`, on a free port of 127.0.0.1. */
export function startVpcEni(o: VpcEniOptions): Promise<Server> {
  const node = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
  return startChild([...node, path.join(ROOT, 'bin/vpc-eni.js'), 'serve'], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    VPC_ENI_ACCOUNTS: `${o.account.appId}:${o.account.secretId}:${o.account.secretKey}`,
    TASK_LATENCY_MS: String(o.taskLatencyMs),
    VPC_ENI_QUOTA_ENIS: String(o.quotaEnis),
  });
}

/** The plain node:http server that sets the ceiling. */
export function startBaseline(): Promise<Server> {
  return startChild(['--import', 'tsx', path.join(ROOT, 'bench/baseline-server.ts')], {});
}

function startChild(args: string[], env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start within 60 s'), 60_000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server ${why}:\n${output}`));
    }
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      const m = LISTENING.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve(handle(child, Number(m[1])));
    });
  });
}

function handle(child: ChildProcess, port: number): Server {
  const pid = child.pid!;
  return {
    pid,
    port,
    peakRssMb() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status);
      return kb ? Number(kb[1]) / 1024 : NaN;
    },
    cpuMs() {
      // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name, in USER_HZ
      // (100 per second on Linux).
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
