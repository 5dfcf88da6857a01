import { timingSafeEqual } from 'node:crypto';

// Who may use the operator surfaces (test control, the console, /metrics): they show or change
// every account's state, so API keys do not open them. A loopback listener does (nothing off the
// machine can reach it); elsewhere only the admin token, VPC_ENI_ADMIN_TOKEN, as a bearer token.

export interface AdminAccess {
  /** The server listens on a loopback address only. */
  loopbackListener: boolean;
  /** The request's Authorization header. */
  authorization: string | undefined;
}

export function adminAllowed(req: AdminAccess, token: string | null): boolean {
  if (req.loopbackListener) return true;
  if (!token || !req.authorization?.startsWith('Bearer ')) return false;
  const given = Buffer.from(req.authorization.slice('Bearer '.length));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The refusal's text, saying what would open the door. */
export function adminRefusal(token: string | null, what: string): string {
  return token
    ? 'send the admin token: Authorization: Bearer <VPC_ENI_ADMIN_TOKEN>'
    : `${what} answers on a loopback listener only; set VPC_ENI_ADMIN_TOKEN to open it elsewhere`;
}
