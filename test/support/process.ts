import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ACCOUNT_A, ACCOUNT_B } from './harness.ts';

// A server as an operator runs it: its own process, `vpc-eni serve`, configured by environment.

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  host: string;
  /** Resolves when the process has exited (by itself or killed). */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const BIN = path.resolve(import.meta.dirname, '../../bin/vpc-eni.js');

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
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
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
