import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// TC3-HMAC-SHA256, the API 3.0 signature (docs/api3.md, "Signature"). Shared by the server's
// verifier and every client in this repository (CLI, tests, bench), so both sides sign the same
// way by construction.

export const TC3 = 'TC3-HMAC-SHA256';
const UNSIGNED = 'UNSIGNED-PAYLOAD';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The UTC calendar date of a UNIX timestamp, as the credential scope writes it. */
export function scopeDate(timestampS: number): string {
  return new Date(timestampS * 1000).toISOString().slice(0, 10);
}

// The signing key depends only on (secret key, date, service): derived once per day and key, not
// three HMACs per request.
const signingKeys = new Map<string, Buffer>();
function signingKey(secretKey: string, date: string, service: string): Buffer {
  const cacheKey = `${date}\n${service}\n${secretKey}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', 'TC3' + secretKey)
      .update(date)
      .digest();
    const kService = createHmac('sha256', kDate).update(service).digest();
    key = createHmac('sha256', kService).update('tc3_request').digest();
    if (signingKeys.size > 10_000) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

export interface CanonicalInput {
  method: string;
  path: string;
  /** GET: the query string exactly as sent; POST: ''. */
  query: string;
  /** The signed headers in the order listed, values as they are to be signed. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** Hex SHA-256 of the body, or of `UNSIGNED-PAYLOAD` when the client chose that. */
  payloadHash: string;
}

export function canonicalRequest(c: CanonicalInput): string {
  const headers = c.headers.map(([n, v]) => `${n}:${v}\n`).join('');
  const signed = c.headers.map(([n]) => n).join(';');
  return `${c.method}\n${c.path}\n${c.query}\n${headers}\n${signed}\n${c.payloadHash}`;
}

export function payloadHash(body: Buffer, contentSha256: string | undefined): string {
  return contentSha256 === UNSIGNED ? sha256Hex(UNSIGNED) : sha256Hex(body);
}

/** The hex signature of a canonical request for (timestamp, service), with `secretKey`. */
export function tc3Signature(secretKey: string, timestampS: number, service: string, canonical: string): string {
  const date = scopeDate(timestampS);
  const toSign = `${TC3}\n${timestampS}\n${date}/${service}/tc3_request\n${sha256Hex(canonical)}`;
  return createHmac('sha256', signingKey(secretKey, date, service))
    .update(toSign)
    .digest('hex');
}

export interface Authorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The parts of a TC3 Authorization header, or null when it does not have that shape. */
export function parseAuthorization(header: string): Authorization | null {
  const m = AUTH.exec(header.trim());
  if (!m) return null;
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders: m[4]!.split(';'), signature: m[5]! };
}

export function authorizationHeader(a: Omit<Authorization, 'signedHeaders'> & { signedHeaders: string[] }): string {
  return `${TC3} Credential=${a.secretId}/${a.date}/${a.service}/tc3_request, SignedHeaders=${a.signedHeaders.join(';')}, Signature=${a.signature}`;
}

export function hexMatches(expected: string, supplied: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(supplied);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A signed 3.0 request as a client sends it: POST JSON (or GET with `query`) to `host`, headers
 * content-type and host signed, for `service` (vpc, cvm). Used by the CLI, tests and bench.
 */
export function signTc3(o: {
  secretId: string;
  secretKey: string;
  host: string;
  service: string;
  action: string;
  version: string;
  region?: string;
  timestampS: number;
  body?: string;
  query?: string;
}): Record<string, string> {
  const get = o.query !== undefined;
  const contentType = get ? 'application/x-www-form-urlencoded' : 'application/json';
  const canonical = canonicalRequest({
    method: get ? 'GET' : 'POST',
    path: '/',
    query: o.query ?? '',
    headers: [
      ['content-type', contentType],
      ['host', o.host.toLowerCase()],
    ],
    payloadHash: sha256Hex(get ? '' : (o.body ?? '')),
  });
  const signature = tc3Signature(o.secretKey, o.timestampS, o.service, canonical);
  return {
    authorization: authorizationHeader({
      secretId: o.secretId,
      date: scopeDate(o.timestampS),
      service: o.service,
      signedHeaders: ['content-type', 'host'],
      signature,
    }),
    'content-type': contentType,
    host: o.host,
    'x-tc-action': o.action,
    'x-tc-version': o.version,
    'x-tc-timestamp': String(o.timestampS),
    ...(o.region !== undefined && { 'x-tc-region': o.region }),
  };
}
