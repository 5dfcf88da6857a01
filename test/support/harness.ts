import type { AddressInfo } from 'node:net';
import Capi from 'qcloudapi-sdk';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { SimulatedDataPlane } from '../../src/tasks/driver.ts';
import type { Backend } from './backends.ts';

// A real listening server for wire tests, driven through the official v2 client (qcloudapi-sdk).

export const ACCOUNT_A = {
  appId: 1251000001,
  secretId: 'AKIDtestAccountA0000000000000000001',
  secretKey: 'secretKeyA000000000000000000000001',
};
export const ACCOUNT_B = {
  appId: 1251000002,
  secretId: 'AKIDtestAccountB0000000000000000002',
  secretKey: 'secretKeyB000000000000000000000002',
};

export interface TestServer {
  app: App;
  port: number;
  host: string;
  driver: SimulatedDataPlane;
  config: Config;
  /** A client of account A (default) or another account, with the SDK's options. */
  client(o?: ClientOptions): Client;
  close(): Promise<void>;
}

export interface ClientOptions {
  account?: { secretId: string; secretKey: string };
  method?: 'GET' | 'POST';
  signatureMethod?: 'sha1' | 'sha256';
  region?: string;
}

export type Answer = Record<string, any> & { code: number; codeDesc: string; message: string };

export interface Client {
  call(action: string, params?: Record<string, unknown>): Promise<Answer>;
  /** Calls an async action, asserts it was accepted, and waits for its task to finish. */
  run(action: string, params?: Record<string, unknown>): Promise<Answer & { task: Answer }>;
  waitTask(taskId: number): Promise<Answer>;
}

export async function startServer(backend: Backend, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({
    // env.DATABASE_URL reopens an existing database (a restart); otherwise each server gets a new one.
    DATABASE_URL: env.DATABASE_URL ?? (await backend.freshUrl()),
    TASK_LATENCY_MS: '20',
    TASK_POLL_MS: '50',
    VPC_ENI_ACCOUNTS: [ACCOUNT_A, ACCOUNT_B].map((a) => `${a.appId}:${a.secretId}:${a.secretKey}`).join(','),
    ...env,
  });
  const driver = new SimulatedDataPlane();
  const app = await buildApp(config, { log: createLogger(process.env.LOG_LEVEL ?? 'silent'), driver });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const port = (app.server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return {
    app,
    port,
    host,
    driver,
    config,
    client: (o = {}) => sdkClient(host, o),
    close: () => app.close(),
  };
}

export function sdkClient(host: string, o: ClientOptions = {}): Client {
  const account = o.account ?? ACCOUNT_A;
  const capi = new Capi({
    SecretId: account.secretId,
    SecretKey: account.secretKey,
    Region: o.region ?? 'gz',
    host,
    protocol: 'http',
    method: o.method ?? 'POST',
    signatureMethod: o.signatureMethod ?? 'sha1',
  });
  const send = (action: string, params: Record<string, unknown>): Promise<Answer> =>
    new Promise((resolve, reject) => {
      capi.request({ Action: action, ...params }, (err: Error | null, body: unknown) => {
        if (err) return reject(err);
        try {
          resolve((typeof body === 'string' ? JSON.parse(body) : body) as Answer);
        } catch (e) {
          reject(new Error(`not JSON: ${String(body).slice(0, 200)} (${(e as Error).message})`));
        }
      });
    });
  const client: Client = {
    // The SDK draws its nonce from 65,536 values, so two identical calls in one second (a task being
    // polled) now and then sign alike and the second is refused as a replay, unexecuted. A real
    // client sends it again with a fresh nonce; so do we.
    async call(action, params = {}) {
      for (let attempt = 1; ; attempt++) {
        const r = await send(action, params);
        if (r.codeDesc !== 'InvalidRequest.ReplayAttack' || attempt === 5) return r;
      }
    },
    async waitTask(taskId) {
      for (let i = 0; i < 500; i++) {
        const r = await client.call('DescribeVpcTaskResult', { taskId });
        if (r.code !== 0 || r.data.status !== 2) return r;
        await new Promise((res) => setTimeout(res, 10));
      }
      throw new Error(`task ${taskId} still running after 500 polls`);
    },
    async run(action, params = {}) {
      const r = await client.call(action, params);
      if (r.code !== 0) throw new Error(`${action} failed: ${JSON.stringify(r)}`);
      const task = await client.waitTask(r.taskId as number);
      return { ...r, task };
    },
  };
  return client;
}
