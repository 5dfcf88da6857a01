import { findKey, type ApiKey } from '../store/account.repo.ts';
import type { Db } from '../store/db.ts';

const KEY_CACHE_MS = 5_000;

/**
 * API keys by SecretId, for every front door. Keys are read on every request; a short cache
 * spares the database without letting a disabled key live on for long.
 */
export function keyLookup(db: Db, now: () => number): (secretId: string) => Promise<ApiKey | undefined> {
  const keys = new Map<string, { key: ApiKey | undefined; until: number }>();
  return async (secretId) => {
    const t = now();
    const hit = keys.get(secretId);
    if (hit && hit.until > t) return hit.key;
    const key = await findKey(db, secretId);
    if (keys.size > 10_000) keys.clear();
    keys.set(secretId, { key, until: t + KEY_CACHE_MS });
    return key;
  };
}
