import { createHash } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import { claimToken, completeToken, releaseToken, type TokenKey } from '../../store/client-token.repo.ts';
import type { Product } from './errors.ts';

// ClientToken (docs/api3.md, "Idempotent writes"): the first successful answer to (account,
// action, token) is kept 24 hours; the same call again gets that answer, RequestId included (so
// no second task), the same token with other parameters is refused, and so is a second call while
// the first is still being handled. Only successes are kept. The records are in the database, so
// every replica sees them.

const TTL_MS = 24 * 3600_000;
/** A claim this old without an answer belongs to a server that died: it may be taken over. */
const STALE_MS = 60_000;

/** Which code each product answers, and why. */
const CODES: Record<Product, { mismatch: string; processing: string }> = {
  vpc: {
    mismatch: 'UnsupportedOperation.IdempotentParameterMismatch',
    processing: 'UnsupportedOperation.IdempotentProcessing',
  },
  cvm: { mismatch: 'InvalidParameterValue', processing: 'MutexOperation.TaskRunning' },
  // No tag action takes a ClientToken; the generic codes, should one ever do.
  tag: { mismatch: 'InvalidParameterValue', processing: 'FailedOperation' },
};

export class IdempotencyRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parameters in a canonical form (keys sorted at every level), ClientToken left out. */
function hashOf(params: Record<string, unknown>): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'ClientToken'));
  return createHash('sha256')
    .update(JSON.stringify(canonical(rest)))
    .digest('hex');
}

export type Answer = Record<string, unknown>;

/** Runs `call` once per (account, action, token); a retry gets the first answer. */
export async function withClientToken(
  db: Db,
  now: number,
  key: TokenKey,
  product: Product,
  params: Record<string, unknown>,
  call: () => Promise<Answer>,
): Promise<Answer> {
  const paramsHash = hashOf(params);
  const claim = await db.tx((tx) => claimToken(tx, key, { paramsHash, now, ttlMs: TTL_MS, staleMs: STALE_MS }));
  if (claim.state === 'processing') {
    throw new IdempotencyRefusal(
      CODES[product].processing,
      `a call with ClientToken ${key.token} is still being handled`,
    );
  }
  if (claim.state === 'done') {
    if (claim.paramsHash !== paramsHash) {
      throw new IdempotencyRefusal(
        CODES[product].mismatch,
        `ClientToken ${key.token} was used for a ${key.action} call with other parameters`,
      );
    }
    return JSON.parse(claim.response) as Answer;
  }
  let answer: Answer;
  try {
    answer = await call();
  } catch (err) {
    await db.tx((tx) => releaseToken(tx, key));
    throw err;
  }
  await db.tx((tx) => completeToken(tx, key, JSON.stringify(answer)));
  return answer;
}
