import autocannon from 'autocannon';
import { commonPairs, V2_PATH, withSignature } from '../src/api/v2/signature.ts';
import { signTc3 } from '../src/api/v3/signature.ts';

// Drives a server with autocannon (keep-alive, fixed connections, bounded duration), every request
// a freshly signed v2 POST (a new Timestamp/Nonce each time, or the server would answer 4500 replay)
// or API 3.0 POST (TC3-HMAC-SHA256 over a JSON body).

export interface Account {
  appId: number;
  secretId: string;
  secretKey: string;
}

/** One request to send: its Action parameters, and what to do with the answer. */
export interface Op {
  /** Latencies are kept per label ("attach", "detach", ...; "attach refused" for non-zero codes). */
  label: string;
  params: Record<string, string>;
  /** Send as API 3.0 (`params` is then the JSON body, the Action goes in X-TC-Action). */
  api3?: { action: string; service: 'vpc' | 'cvm' };
  /** Sees the parsed answer of a request that got an HTTP 200. */
  done?(answer: Answer): void;
}

/** A v2 answer; a 3.0 one is read as code 0 / 1 with its Error.Code as codeDesc and its RequestId. */
export type Answer = {
  code: number;
  codeDesc: string;
  taskId?: number;
  requestId?: string;
  /** The whole 3.0 answer (`Response`), for scenarios that read its fields. */
  response?: Record<string, unknown>;
} & Record<string, unknown>;

export interface LoadOptions {
  port: number;
  account: Account;
  region: string;
  connections: number;
  durationS: number;
  /** The next request to send; called once per request, just before it is written. */
  next(): Op;
}

export interface Latency {
  count: number;
  p50: number;
  p99: number;
}

export interface LoadResult {
  durationS: number;
  requests: number;
  /** Answers with code 0. */
  ok: number;
  /** Answers with another code, by codeDesc; transport errors and timeouts as "transport". */
  errors: Record<string, number>;
  rps: number;
  latency: Record<string, Latency>;
}

let nonce = Math.floor(Math.random() * 1e9);

/** A signed x-www-form-urlencoded body for `params` plus the common parameters. */
export function signedBody(host: string, account: Account, region: string, params: Record<string, string>): string {
  // HmacSHA1, the SDK's default, as the baseline's requests were measured with.
  const common = commonPairs({ secretId: account.secretId, region, nonce: ++nonce, signatureMethod: 'HmacSHA1' });
  const pairs = withSignature([...Object.entries(params), ...common], {
    secretKey: account.secretKey,
    method: 'POST',
    host,
  });
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** The headers and body of a signed API 3.0 POST. */
export function signed3(
  host: string,
  account: Account,
  region: string,
  op: Op,
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(op.params);
  const headers = signTc3({
    ...account,
    host,
    service: op.api3!.service,
    action: op.api3!.action,
    version: '2017-03-12',
    region,
    timestampS: Math.floor(Date.now() / 1000),
    body,
  });
  return { headers, body };
}

function readAnswer(op: Op, body: string): Answer {
  if (!op.api3) return JSON.parse(body) as Answer;
  const r = (JSON.parse(body) as { Response: { Error?: { Code: string }; RequestId: string } }).Response;
  return { code: r.Error ? 1 : 0, codeDesc: r.Error?.Code ?? 'Success', requestId: r.RequestId, response: r };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const host = `127.0.0.1:${o.port}`;
  const samples = new Map<string, number[]>();
  const errors: Record<string, number> = {};
  let ok = 0;
  // autocannon calls onResponse, then emits 'response' with the request's duration, synchronously:
  // the label travels between the two through this variable.
  let lastLabel = '';

  const instance = autocannon({
    url: `http://${host}/`,
    connections: o.connections,
    duration: o.durationS,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest(req, context) {
          const op = o.next();
          context.op = op;
          if (op.api3) return { ...req, path: '/', ...signed3(host, o.account, o.region, op) };
          return {
            ...req,
            path: V2_PATH,
            headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
            body: signedBody(host, o.account, o.region, op.params),
          };
        },
        onResponse(status, body, context) {
          const op = context.op as Op;
          // Refusals (cheap and fast) are timed apart, so they do not flatter the latency of the work.
          lastLabel = `${op.label} refused`;
          if (status !== 200) {
            errors[`HTTP ${status}`] = (errors[`HTTP ${status}`] ?? 0) + 1;
            return;
          }
          const answer = readAnswer(op, body);
          if (answer.code === 0) {
            ok++;
            lastLabel = op.label;
          } else errors[answer.codeDesc] = (errors[answer.codeDesc] ?? 0) + 1;
          op.done?.(answer);
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    let list = samples.get(lastLabel);
    if (!list) samples.set(lastLabel, (list = []));
    list.push(ms);
  });
  const result = await instance;
  const transport = result.errors + result.timeouts;
  if (transport > 0) errors.transport = transport;

  const latency: Record<string, Latency> = {};
  for (const [label, list] of samples) {
    const sorted = Float64Array.from(list).sort();
    latency[label] = { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
  return {
    durationS: result.duration,
    requests: result.requests.total,
    ok,
    errors,
    rps: result.requests.total / result.duration,
    latency,
  };
}
