import { V2_PATH } from '../src/api/v2/signature.ts';
import { signedBody, type Account, type Answer } from './load.ts';

// A plain signed v2 call, for what the benchmark checks outside the measured load.

export async function call(
  port: number,
  account: Account,
  region: string,
  params: Record<string, string>,
): Promise<Answer> {
  const host = `127.0.0.1:${port}`;
  const res = await fetch(`http://${host}${V2_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: signedBody(host, account, region, params),
  });
  if (res.status !== 200) throw new Error(`${params.Action}: HTTP ${res.status}`);
  return (await res.json()) as Answer;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}
