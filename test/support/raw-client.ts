import { randomInt } from 'node:crypto';
import http from 'node:http';
import { V2_PATH, withSignature } from '../../src/api/v2/signature.ts';
import { ACCOUNT_A } from './harness.ts';

// A hand-driven v2 client for what the official SDK cannot do: replay a request byte for byte,
// choose Timestamp and Nonce, leave out a common parameter, tamper after signing, or speak HTTP
// the SDK never would (wrong path or method, oversized bodies, raw malformed encodings).

export type Params = Record<string, string>;

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The common parameters a client adds, with a fresh Timestamp and a random Nonce. */
export function commonParams(o: { secretId?: string; region?: string; timestamp?: number } = {}): Params {
  return {
    Region: o.region ?? 'gz',
    Timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    Nonce: String(randomInt(1, 2 ** 31)),
    SecretId: o.secretId ?? ACCOUNT_A.secretId,
  };
}

/** Adds Signature, computed as a client would for `method` on `host`. */
export function signParams(params: Params, o: { secretKey?: string; method: string; host: string }): Params {
  return Object.fromEntries(
    withSignature(Object.entries(params), {
      secretKey: o.secretKey ?? ACCOUNT_A.secretKey,
      method: o.method,
      host: o.host,
    }),
  );
}

/** application/x-www-form-urlencoded, as browsers and the SDK's request library write it. */
export function encodeForm(params: Params): string {
  return new URLSearchParams(params).toString();
}

export interface RawRequest {
  method: string;
  /** The request target as it goes on the request line: a path with query, or an absolute URL. */
  target: string;
  body?: string | Buffer;
  headers?: http.OutgoingHttpHeaders;
}

/** One HTTP exchange on a fresh connection, the body read as text. */
export function rawRequest(port: number, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { host: `127.0.0.1:${port}`, connection: 'close', ...r.headers };
    if (r.body !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(r.body);
    }
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.target, headers, agent: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Sends already-signed parameters to /v2/index.php: GET in the query, POST in the body. */
export function sendParams(
  port: number,
  method: 'GET' | 'POST',
  params: Params,
  o: { hostHeader?: string } = {},
): Promise<RawResponse> {
  const form = encodeForm(params);
  const headers = o.hostHeader === undefined ? {} : { host: o.hostHeader };
  return method === 'GET'
    ? rawRequest(port, { method, target: `${V2_PATH}?${form}`, headers })
    : rawRequest(port, { method, target: V2_PATH, body: form, headers });
}

/** Signs `params` (common parameters added unless given) for this server and sends them. */
export async function rawCall(
  port: number,
  params: Params,
  o: { method?: 'GET' | 'POST'; secretKey?: string } = {},
): Promise<Record<string, any>> {
  const method = o.method ?? 'POST';
  const host = `127.0.0.1:${port}`;
  const signed = signParams({ ...commonParams(), ...params }, { method, host, secretKey: o.secretKey });
  const res = await sendParams(port, method, signed);
  return JSON.parse(res.text) as Record<string, any>;
}
