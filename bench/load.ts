import autocannon from 'autocannon';
import { algorithmOf, sign, sourceString, V2_PATH } from '../src/api/v2/signature.ts';

// Drives a server with autocannon (keep-alive, fixed connections, bounded duration), every request
// a freshly signed v2 POST: a new Timestamp/Nonce each time, or the server would answer 4500 replay.

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
  /** Sees the parsed answer of a request that got an HTTP 200. */
  done?(answer: Answer): void;
}

export type Answer = { code: number; codeDesc: string; taskId?: number } & Record<string, unknown>;

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
  const pairs: [string, string][] = [
    ...Object.entries(params),
    ['Region', region],
    ['Timestamp', String(Math.floor(Date.now() / 1000))],
    ['Nonce', String(++nonce)],
    ['SecretId', account.secretId],
  ];
  const signature = sign(account.secretKey, algorithmOf(undefined), sourceString('POST', host, V2_PATH, pairs));
  pairs.push(['Signature', signature]);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
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
    url: `http://${host}${V2_PATH}`,
    connections: o.connections,
    duration: o.durationS,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: V2_PATH,
        setupRequest(req, context) {
          const op = o.next();
          context.op = op;
          return {
            ...req,
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
          const answer = JSON.parse(body) as Answer;
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
