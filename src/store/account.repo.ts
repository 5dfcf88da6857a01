import type { Queryable } from './db.ts';

// Accounts, their API keys, and the signatures already accepted (replay protection, shared by all
// replicas because it lives in the database).

export interface ApiKey {
  secretId: string;
  appId: number;
  secretKey: string;
  enabled: boolean;
}

export async function countAccounts(q: Queryable): Promise<number> {
  const row = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM accounts');
  return row?.n ?? 0;
}

export async function upsertAccount(q: Queryable, appId: number, now: number): Promise<void> {
  await q.run('INSERT INTO accounts (app_id, created_at) VALUES (?, ?) ON CONFLICT (app_id) DO NOTHING', [appId, now]);
}

export async function upsertKey(q: Queryable, key: ApiKey): Promise<void> {
  await q.run(
    `INSERT INTO api_keys (secret_id, app_id, secret_key, enabled) VALUES (?, ?, ?, ?)
     ON CONFLICT (secret_id) DO UPDATE SET app_id = excluded.app_id, secret_key = excluded.secret_key,
       enabled = excluded.enabled`,
    [key.secretId, key.appId, key.secretKey, key.enabled ? 1 : 0],
  );
}

export async function findKey(q: Queryable, secretId: string): Promise<ApiKey | undefined> {
  const row = await q.get<{ secret_id: string; app_id: number; secret_key: string; enabled: number }>(
    'SELECT secret_id, app_id, secret_key, enabled FROM api_keys WHERE secret_id = ?',
    [secretId],
  );
  return row && { secretId: row.secret_id, appId: row.app_id, secretKey: row.secret_key, enabled: row.enabled === 1 };
}

/** The keys of one account (`vpc-eni credentials` finds the development key here). */
export async function keysOfAccount(q: Queryable, appId: number): Promise<ApiKey[]> {
  const rows = await q.all<{ secret_id: string; app_id: number; secret_key: string; enabled: number }>(
    'SELECT secret_id, app_id, secret_key, enabled FROM api_keys WHERE app_id = ? ORDER BY secret_id',
    [appId],
  );
  return rows.map((r) => ({
    secretId: r.secret_id,
    appId: r.app_id,
    secretKey: r.secret_key,
    enabled: r.enabled === 1,
  }));
}

/** Locks the account row: serialises per-account quota checks across replicas. */
export async function lockAccount(q: Queryable, appId: number): Promise<void> {
  await q.get(`SELECT app_id FROM accounts WHERE app_id = ?${q.caps.forUpdate}`, [appId]);
}

/** Records an accepted signature; false when it was already accepted (a replay). */
export async function claimSignature(
  q: Queryable,
  secretId: string,
  signature: string,
  expiresAt: number,
): Promise<boolean> {
  const changed = await q.run(
    `INSERT INTO request_signatures (secret_id, signature, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (secret_id, signature) DO NOTHING`,
    [secretId, signature, expiresAt],
  );
  return changed === 1;
}

export async function purgeSignatures(q: Queryable, now: number): Promise<number> {
  return q.run('DELETE FROM request_signatures WHERE expires_at < ?', [now]);
}
