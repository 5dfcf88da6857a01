import type { Queryable } from './db.ts';

// ClientToken records (migration 004). The primary key makes the first request with a token the
// only one to claim it, on every replica.

export interface TokenKey {
  appId: number;
  action: string;
  token: string;
}

export type Claim =
  { state: 'claimed' } | { state: 'processing' } | { state: 'done'; paramsHash: string; response: string };

/**
 * Claims `key` for a request with `paramsHash`, or says who holds it: a finished request (its
 * answer) or one still being handled. An expired record, or a claim abandoned for `staleMs` (its
 * server died), is taken over.
 */
export async function claimToken(
  q: Queryable,
  key: TokenKey,
  o: { paramsHash: string; now: number; ttlMs: number; staleMs: number },
): Promise<Claim> {
  await q.run(
    'DELETE FROM client_tokens WHERE app_id = ? AND action = ? AND token = ? AND (expires_at < ? OR (response IS NULL AND created_at < ?))',
    [key.appId, key.action, key.token, o.now, o.now - o.staleMs],
  );
  const inserted = await q.run(
    `INSERT INTO client_tokens (app_id, action, token, params_hash, response, created_at, expires_at)
     VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT (app_id, action, token) DO NOTHING`,
    [key.appId, key.action, key.token, o.paramsHash, o.now, o.now + o.ttlMs],
  );
  if (inserted === 1) return { state: 'claimed' };
  const row = await q.get<{ params_hash: string; response: string | null }>(
    'SELECT params_hash, response FROM client_tokens WHERE app_id = ? AND action = ? AND token = ?',
    [key.appId, key.action, key.token],
  );
  if (!row || row.response === null) return { state: 'processing' };
  return { state: 'done', paramsHash: row.params_hash, response: row.response };
}

/** The claimed request succeeded: its answer is what a retry gets. */
export async function completeToken(q: Queryable, key: TokenKey, response: string): Promise<void> {
  await q.run('UPDATE client_tokens SET response = ? WHERE app_id = ? AND action = ? AND token = ?', [
    response,
    key.appId,
    key.action,
    key.token,
  ]);
}

/** The claimed request failed: only successes are remembered, so the token is free again. */
export async function releaseToken(q: Queryable, key: TokenKey): Promise<void> {
  await q.run('DELETE FROM client_tokens WHERE app_id = ? AND action = ? AND token = ? AND response IS NULL', [
    key.appId,
    key.action,
    key.token,
  ]);
}

export async function purgeClientTokens(q: Queryable, now: number): Promise<number> {
  return q.run('DELETE FROM client_tokens WHERE expires_at < ?', [now]);
}
