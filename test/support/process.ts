import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_TAG } from './backends.ts';
import { ACCOUNT_A, ACCOUNT_B } from './harness.ts';

// A server as an operator runs it: its own process, `vpc-eni serve`, configured by environment;
// and the CLI as a user runs it, in a folder of its own.

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  host: string;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** Resolves when the process has exited (by itself or killed). */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/vpc-eni.js');

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder under the system's temporary directory, removed when the test process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vpc-eni-test-${RUN_TAG}`));
  made.push(dir);
  return dir;
}

/** The environment of this process without the settings vpc-eni reads, so a test says all it means. */
export function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k === 'http_proxy' || k === 'https_proxy') continue;
    if (/^(VPC_ENI_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$|TASK_|PG_POOL_SIZE$)/.test(k) && k !== 'VPC_ENI_TEST_PG_URL')
      continue;
    out[k] = v;
  }
  return out;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `vpc-eni <args>` to completion, in `cwd` (default: a new temp folder), with only `env` set. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  o: { cwd?: string; timeout?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: o.cwd ?? tempDir(),
    env: { ...cleanEnv(), ...env },
    encoding: 'utf8',
    timeout: o.timeout ?? 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `runCli` without blocking this process: for a server running in this process (harness.ts). */
export function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
  o: { cwd?: string; timeout?: number; uid?: number; gid?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd ?? tempDir(),
    env: { ...cleanEnv(), ...env },
    timeout: o.timeout ?? 30_000,
    uid: o.uid,
    gid: o.gid,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

/** `vpc-eni serve` (or `command`, e.g. npm start) with `env`; resolves once it listens. */
export async function spawnServer(
  env: Record<string, string>,
  o: { cwd?: string; command?: [string, ...string[]] } = {},
): Promise<ServerProcess> {
  const [file, ...args] = o.command ?? [process.execPath, BIN, 'serve'];
  const child = spawn(file, args, {
    cwd: o.cwd,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      VPC_ENI_ACCOUNTS: [ACCOUNT_A, ACCOUNT_B].map((a) => `${a.appId}:${a.secretId}:${a.secretKey}`).join(','),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${out}`));
    });
  });
  return {
    child,
    port,
    host: `127.0.0.1:${port}`,
    stdout: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
