import { randomInt } from 'node:crypto';
import { commonPairs, V2_PATH, withSignature } from '../api/v2/signature.ts';
import { VERSIONS } from '../api/v3/handler.ts';
import type { Product } from '../api/v3/errors.ts';
import { signTc3 } from '../api/v3/signature.ts';

// A signed request to a vpc-eni server, signed by the same code the server verifies with: v2
// (HmacSHA256 form POST) or API 3.0 (TC3-HMAC-SHA256, JSON POST). `vpc-eni call` and the action
// reference's examples (scripts/*-doc.ts) both go through here.

export type Answer = Record<string, unknown>;

export interface Key {
  secretId: string;
  secretKey: string;
}

export interface Target {
  endpoint: URL;
  /** Where the endpoint came from, named when it cannot be reached (`VPC_ENI_ENDPOINT`...). */
  endpointFrom?: string;
  key: Key;
  region: string;
  /** Signing time in seconds (default now). */
  timestampS?: () => number;
}

/** One v2 call; resolves with the whole answer (`code`, `codeDesc`, ...). */
export async function requestV2(t: Target, action: string, params: Array<[string, string]>): Promise<Answer> {
  const pairs = withSignature(
    [
      ['Action', action],
      ...commonPairs({
        secretId: t.key.secretId,
        region: t.region,
        nonce: randomInt(1, 2 ** 47),
        timestampS: t.timestampS?.(),
      }),
      ...params,
    ],
    { secretKey: t.key.secretKey, method: 'POST', host: t.endpoint.host },
  );
  return post(t, new URL(V2_PATH, t.endpoint), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(pairs).toString(),
  });
}

/** One API 3.0 call; resolves with the inner `Response` object. */
export async function requestV3(
  t: Target,
  product: Product,
  action: string,
  params: Record<string, unknown>,
): Promise<Answer> {
  const body = JSON.stringify(params);
  const headers = signTc3({
    ...t.key,
    host: t.endpoint.host,
    service: product,
    action,
    version: VERSIONS[product],
    region: t.region,
    timestampS: t.timestampS?.() ?? Math.floor(Date.now() / 1000),
    body,
  });
  const answer = await post(t, new URL('/', t.endpoint), { headers, body });
  return (answer as { Response?: Answer }).Response ?? answer;
}

async function post(t: Target, url: URL, init: { headers: Record<string, string>; body: string }): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', ...init });
  } catch (err) {
    throw unreachable(err, t.endpoint, t.endpointFrom);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`${url.href} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text) as Answer;
  } catch {
    throw new Error(`${url.href} answered something that is not JSON (is it a vpc-eni server?): ${text.slice(0, 200)}`);
  }
}

/** Why `endpoint` could not be reached, named: fetch says only "fetch failed", its cause says why. */
export function unreachable(err: unknown, endpoint: URL, endpointFrom?: string): Error {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  const from = endpointFrom ? ` (from ${endpointFrom})` : '';
  return new Error(
    `cannot reach the server at ${endpoint.origin}${from}: ${why}; is it running (npm start)? ` +
      'VPC_ENI_ENDPOINT names another one',
  );
}
