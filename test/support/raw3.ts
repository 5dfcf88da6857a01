import { randomInt } from 'node:crypto';
import { commonPairs, withSignature } from '../../src/api/v2/signature.ts';
import { signTc3 } from '../../src/api/v3/signature.ts';
import { ACCOUNT_A } from './harness.ts';
import { rawRequest, type RawResponse } from './raw-client.ts';

// A hand-driven API 3.0 client for what the official SDK will not do: tamper after signing,
// leave out a header, sign a stale timestamp, speak an unknown version or product. It signs with
// the same code the server verifies with (src/api/v3/signature.ts).

export interface Tc3Call {
  action: string;
  params?: Record<string, unknown>;
  service?: string;
  version?: string;
  region?: string | null;
  host?: string;
  timestampS?: number;
  account?: { secretId: string; secretKey: string };
  /** Change the request after signing. */
  tamper?: (r: { headers: Record<string, string>; body: string }) => void;
  method?: 'POST' | 'GET';
}

export async function tc3(port: number, c: Tc3Call): Promise<RawResponse & { json: any }> {
  const account = c.account ?? ACCOUNT_A;
  const host = c.host ?? `127.0.0.1:${port}`;
  const get = c.method === 'GET';
  const body = get ? '' : JSON.stringify(c.params ?? {});
  const query = get
    ? new URLSearchParams(Object.entries(c.params ?? {}).map(([k, v]) => [k, String(v)])).toString()
    : undefined;
  const headers = signTc3({
    secretId: account.secretId,
    secretKey: account.secretKey,
    host,
    service: c.service ?? 'vpc',
    action: c.action,
    version: c.version ?? (c.service === 'tag' ? '2018-08-13' : '2017-03-12'),
    region: c.region === null ? undefined : (c.region ?? 'ap-guangzhou'),
    timestampS: c.timestampS ?? Math.floor(Date.now() / 1000),
    body,
    query,
  });
  const req = { headers, body };
  c.tamper?.(req);
  const res = await rawRequest(port, {
    method: get ? 'GET' : 'POST',
    target: get ? `/?${query}` : '/',
    body: get ? undefined : req.body,
    headers: req.headers,
  });
  return { ...res, json: JSON.parse(res.text) };
}

/** A v1-signed (HmacSHA256) form POST to the 3.0 endpoint. */
export async function v1(port: number, params: Record<string, string>, o: { secretKey?: string } = {}) {
  const host = `127.0.0.1:${port}`;
  const common = commonPairs({ secretId: ACCOUNT_A.secretId, region: 'ap-guangzhou', nonce: randomInt(1, 2 ** 31) });
  const merged = Object.entries({ Version: '2017-03-12', ...Object.fromEntries(common), ...params });
  const all = Object.fromEntries(
    withSignature(merged, { secretKey: o.secretKey ?? ACCOUNT_A.secretKey, method: 'POST', host, path: '/' }),
  );
  const res = await rawRequest(port, { method: 'POST', target: '/', body: new URLSearchParams(all).toString() });
  return { ...res, json: JSON.parse(res.text), signed: all };
}

export const code = (r: { json: any }): string | undefined => r.json.Response?.Error?.Code;
