import { fail } from '../../domain/errors.ts';
import type { SignatureClaim } from '../../store/audit.repo.ts';
import { keyLookup } from '../keys.ts';
import type { Db } from '../../store/db.ts';
import { printable, type Pairs } from './params.ts';
import type { ParamMap } from './schema.ts';
import { algorithmOf, sign, signatureMatches, sourceString, V2_PATH } from './signature.ts';

// Admission of a v2 request, in the documented order: common parameters (4000), key
// (4104), signature (4100), timestamp window and replay (4500).

export interface Admitted {
  appId: number;
  action: string;
  region: string;
  secretId: string;
  /** The signature, to record as used (4500 when it already was: a replay). The handler records it
   *  with the request's first committed write, or on its own (request-scope.ts). */
  signature: SignatureClaim;
}

export interface Authenticator {
  admit(method: string, host: string, pairs: Pairs, params: ParamMap): Promise<Admitted>;
}

const UINT = /^\d{1,19}$/;

function common(params: ParamMap, name: string, pattern?: RegExp): string {
  const value = params.get(name);
  if (value === undefined || value === '')
    fail('invalidParameter', `common parameter ${name} is required`, { reason: 'missing' });
  if (pattern && !pattern.test(value))
    fail('invalidParameter', `common parameter ${name} must be an unsigned integer`, { reason: 'type' });
  return value;
}

export function authenticator(db: Db, opts: { now: () => number; windowS: number }): Authenticator {
  const lookup = keyLookup(db, opts.now);

  return {
    async admit(method, host, pairs, params) {
      const action = common(params, 'Action');
      const region = common(params, 'Region');
      const timestamp = Number(common(params, 'Timestamp', UINT));
      common(params, 'Nonce', UINT);
      const secretId = common(params, 'SecretId');
      const signature = common(params, 'Signature');

      const key = await lookup(secretId);
      if (!key || !key.enabled) fail('unknownKey', `SecretId ${printable(secretId)} does not exist or is disabled`);

      const expected = sign(
        key.secretKey,
        algorithmOf(params.get('SignatureMethod')),
        sourceString(method, host, V2_PATH, pairs),
      );
      if (!signatureMatches(expected, signature)) {
        fail(
          'signatureMismatch',
          'the signature does not match; sign METHOD + Host + /v2/index.php + sorted parameters',
        );
      }

      const nowS = opts.now() / 1000;
      if (Math.abs(nowS - timestamp) > opts.windowS) {
        fail(
          'expired',
          `Timestamp ${timestamp} is more than ${opts.windowS} s away from server time ${Math.floor(nowS)}`,
        );
      }
      const expiresAt = (timestamp + opts.windowS) * 1000;
      return { appId: key.appId, action, region, secretId, signature: { secretId, signature, expiresAt } };
    },
  };
}
