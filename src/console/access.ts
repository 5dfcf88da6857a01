import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { adminAllowed, type AdminAccess } from '../control/access.ts';

// The console follows the operator surfaces' rule (control/access.ts): open on a loopback listener,
// elsewhere only with the admin token. A browser cannot send a bearer header when it follows a
// link, so the console also takes the token once as `/console?token=...` and answers with a
// session cookie. The cookie does not hold the token: it holds an expiry and an HMAC of it keyed by
// the token, so it is checked without any state (every replica accepts it), it stops working when
// it expires or when the token changes, and reading it does not reveal the token.

export const COOKIE_NAME = 'vpceni_console';
/** How long a console session lasts. */
export const SESSION_MS = 12 * 60 * 60 * 1000;

function mac(token: string, expiresAt: number): string {
  return createHmac('sha256', token).update(`vpc-eni console session ${expiresAt}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether `given` is the admin token (never true when none is set). */
export function isAdminToken(given: string, token: string | null): boolean {
  return token !== null && token !== '' && sameText(given, token);
}

/** The Set-Cookie value opening a session that lasts SESSION_MS from `now`. */
export function sessionCookie(token: string, now: number): string {
  const expiresAt = now + SESSION_MS;
  const value = `${expiresAt}.${mac(token, expiresAt)}`;
  return `${COOKIE_NAME}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}`;
}

/** The value of one cookie of a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function validSession(req: http.IncomingMessage, token: string | null, now: number): boolean {
  if (!token) return false;
  const value = cookieValue(req.headers.cookie, COOKIE_NAME);
  const m = value === undefined ? null : /^(\d{1,16})\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!m) return false;
  const expiresAt = Number(m[1]);
  return expiresAt > now && sameText(m[2]!, mac(token, expiresAt));
}

/** The admin rule, with a valid session cookie counting as the bearer token. */
export function consoleAllowed(
  req: http.IncomingMessage,
  access: AdminAccess,
  token: string | null,
  now: number,
): boolean {
  return adminAllowed(access, token) || validSession(req, token, now);
}
