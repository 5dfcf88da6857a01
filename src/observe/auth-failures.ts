// Which answers are admission refusals, and why (docs/observability.md, "Auth failures"). Both
// protocols spell these codes alike (v2 as its codeDesc). v2 answers an out-of-window Timestamp and
// a replayed signature with the same InvalidRequest.ReplayAttack (4500), as the real v2 does, and
// 3.0's signature v1 answers a replay with AuthFailure.SignatureExpire: the code is all the metric
// sees, so each counts under the reason its code names.

export type AuthFailureReason = 'signature' | 'expired' | 'replay' | 'unknown_key';

const REASONS: Readonly<Record<string, AuthFailureReason>> = {
  'AuthFailure.SignatureFailure': 'signature',
  // 3.0: no signature at all, or an Authorization header that is not TC3-HMAC-SHA256.
  'AuthFailure.InvalidAuthorization': 'signature',
  'AuthFailure.SignatureExpire': 'expired',
  'InvalidRequest.ReplayAttack': 'replay',
  'AuthFailure.SecretIdNotFound': 'unknown_key',
};

export function authFailureReason(code: string): AuthFailureReason | undefined {
  return REASONS[code];
}
