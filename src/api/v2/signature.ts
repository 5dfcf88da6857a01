import { createHmac, timingSafeEqual } from 'node:crypto';

// The v2 signature ("signature v1" in later Tencent docs), v2-common.md §2. Shared by the server's
// verifier and the `vpc-eni call` client so both sides sign the same way by construction.

export type SignatureAlgorithm = 'HmacSHA1' | 'HmacSHA256';

export const V2_PATH = '/v2/index.php';

/** Only the exact value HmacSHA256 selects SHA-256; anything else, or nothing, means SHA-1. */
export function algorithmOf(signatureMethod: string | undefined): SignatureAlgorithm {
  return signatureMethod === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
}

/**
 * `METHOD + host + path + '?' + name=value&...`: every parameter but Signature, names with `_`
 * read as `.`, sorted by code unit, raw (decoded) values; with POST, values starting with `@` are
 * left out (the SDKs' file-upload convention).
 */
export function sourceString(
  method: string,
  host: string,
  path: string,
  params: ReadonlyArray<readonly [string, string]>,
): string {
  const upper = method.toUpperCase();
  const pairs: [string, string][] = [];
  for (const [name, value] of params) {
    if (name === 'Signature') continue;
    if (upper === 'POST' && value.startsWith('@')) continue;
    pairs.push([name.replaceAll('_', '.'), value]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `${upper}${host}${path}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

export function sign(secretKey: string, algorithm: SignatureAlgorithm, source: string): string {
  return createHmac(algorithm === 'HmacSHA256' ? 'sha256' : 'sha1', secretKey)
    .update(source, 'utf8')
    .digest('base64');
}

/** Constant-time comparison of the expected signature with the one the client sent. */
export function signatureMatches(expected: string, supplied: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(supplied);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type Pairs = Array<[string, string]>;

/**
 * The common parameters a client adds: Region, a fresh Timestamp, a Nonce, the SecretId and the
 * signature method. Every v2 client in this repository (CLI, tests, bench) starts from these.
 */
export function commonPairs(o: {
  secretId: string;
  region: string;
  nonce: number;
  timestampS?: number;
  signatureMethod?: SignatureAlgorithm;
}): Pairs {
  return [
    ['Region', o.region],
    ['Timestamp', String(o.timestampS ?? Math.floor(Date.now() / 1000))],
    ['Nonce', String(o.nonce)],
    ['SecretId', o.secretId],
    ['SignatureMethod', o.signatureMethod ?? 'HmacSHA256'],
  ];
}

/** `pairs` plus the Signature a client computes for `method` on `host` (path /v2/index.php, or `path`). */
export function withSignature(
  pairs: Pairs,
  o: { secretKey: string; method: string; host: string; path?: string },
): Pairs {
  const algorithm = algorithmOf(pairs.find(([k]) => k === 'SignatureMethod')?.[1]);
  const source = sourceString(o.method, o.host, o.path ?? V2_PATH, pairs);
  return [...pairs, ['Signature', sign(o.secretKey, algorithm, source)]];
}
