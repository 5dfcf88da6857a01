import http from 'node:http';
import net from 'node:net';
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { ACCOUNT_A } from './harness.ts';

// The unchanged official API 3.0 client (tencentcloud-sdk-nodejs) aimed at a local server, both
// ways the docs describe: endpoint `127.0.0.1:PORT` over http (it then signs host 127.0.0.1 and
// credential scope `127`), or the real endpoint with an agent that dials the local port (it signs
// vpc.tencentcloudapi.com). Answers come back as the SDK resolves them; errors as { Error }.

// The SDK tunnels through CONNECT when a lower-case http_proxy is set (docs/api3.md).
delete process.env.http_proxy;
delete process.env.https_proxy;

export type Aim = 'endpoint' | 'agent';

export interface Sdk3Options {
  aim?: Aim;
  method?: 'POST' | 'GET';
  signMethod?: 'TC3-HMAC-SHA256' | 'HmacSHA256' | 'HmacSHA1';
  account?: { secretId: string; secretKey: string };
  region?: string;
  language?: 'zh-CN' | 'en-US';
}

export type Answer3 = Record<string, any> & { RequestId: string };
export type Product3 = 'vpc' | 'cvm' | 'tag';
export type Error3 = { Error: { Code: string; Message: string }; RequestId?: string };

export interface Client3 {
  /** Calls `action` of `product` and resolves with the Response (success) or { Error } (API error). */
  call(product: Product3, action: string, params?: Record<string, unknown>): Promise<Answer3 | Error3>;
  /** Like call, but fails the test unless the answer is a success. */
  ok(product: Product3, action: string, params?: Record<string, unknown>): Promise<Answer3>;
  /** Polls DescribeVpcTaskResult for a RequestId until it is no longer RUNNING. */
  waitTask(requestId: string): Promise<Answer3>;
}

function localAgent(port: number): http.Agent {
  const agent = new http.Agent({ keepAlive: false });
  agent.createConnection = ((_opts: unknown, cb: unknown) => net.connect(port, '127.0.0.1', cb as () => void)) as never;
  return agent;
}

export function sdk3Client(port: number, o: Sdk3Options = {}): Client3 {
  const account = o.account ?? ACCOUNT_A;
  const aim = o.aim ?? 'endpoint';
  const clients = new Map<string, any>();
  const clientOf = (product: Product3) => {
    let c = clients.get(product);
    if (!c) {
      const Client = {
        vpc: tencentcloud.vpc.v20170312.Client,
        cvm: tencentcloud.cvm.v20170312.Client,
        tag: tencentcloud.tag.v20180813.Client,
      }[product];
      const httpProfile: Record<string, unknown> =
        aim === 'endpoint'
          ? { endpoint: `127.0.0.1:${port}`, protocol: 'http://', reqMethod: o.method ?? 'POST' }
          : { protocol: 'http://', reqMethod: o.method ?? 'POST', agent: localAgent(port) };
      c = new Client({
        credential: { secretId: account.secretId, secretKey: account.secretKey },
        region: o.region ?? 'ap-guangzhou',
        profile: { signMethod: o.signMethod ?? 'TC3-HMAC-SHA256', httpProfile, language: o.language },
      });
      clients.set(product, c);
    }
    return c;
  };
  const client: Client3 = {
    async call(product, action, params = {}) {
      const c = clientOf(product);
      try {
        return (await c.request(action, params)) as Answer3;
      } catch (err) {
        const e = err as { code?: string; message: string; requestId?: string };
        if (e.code === undefined) throw err;
        return { Error: { Code: e.code, Message: e.message }, RequestId: e.requestId };
      }
    },
    async ok(product, action, params = {}) {
      const r = await client.call(product, action, params);
      if ('Error' in r) throw new Error(`${action}: ${JSON.stringify(r)}`);
      return r;
    },
    async waitTask(requestId) {
      for (let i = 0; i < 500; i++) {
        const r = await client.ok('vpc', 'DescribeVpcTaskResult', { TaskId: requestId });
        if (r.Status !== 'RUNNING') return r;
        await new Promise((res) => setTimeout(res, 10));
      }
      throw new Error(`task ${requestId} still running after 500 polls`);
    },
  };
  return client;
}

/** An error answer with exactly `code`; the message names `mentions` when given. */
export function isError(r: Answer3 | Error3, code: string, mentions?: string): r is Error3 {
  if (!('Error' in r)) throw new Error(`expected ${code}, got success ${JSON.stringify(r)}`);
  if (r.Error.Code !== code) throw new Error(`expected ${code}, got ${r.Error.Code}: ${r.Error.Message}`);
  if (mentions !== undefined && !r.Error.Message.includes(mentions)) {
    throw new Error(`"${r.Error.Message}" should name ${mentions}`);
  }
  return true;
}
