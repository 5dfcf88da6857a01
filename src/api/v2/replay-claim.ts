import type { Db, Queryable } from '../../store/db.ts';

// A signed request's signature is recorded as used (the replay check: docs/decisions.md, "Replay key") in the
// first transaction the request commits anyway: a signed AttachNetworkInterface is then one
// transaction, not two. A request that commits none (a read, or one refused before or during its
// transaction) records it on its own at the end — before its answer goes out, so a replay still
// answers 4500 whatever the action would have said, and a refused request still counts as used.

export interface ClaimingDb {
  /** The database as the request's action sees it. */
  readonly db: Db;
  /** Records the signature unless a committed transaction already did; throws on a replay. */
  settle(): Promise<void>;
}

export function claimInFirstTransaction(db: Db, claim: (q: Queryable) => Promise<void>): ClaimingDb {
  let claimed = false;
  // Settles once the transaction carrying the claim has committed (claimed) or failed (not);
  // another transaction of the same request waits for that before deciding whether to carry it.
  let carrier: Promise<void> = Promise.resolve();

  /** Waits until no transaction of this request is carrying the claim. */
  async function quiet(): Promise<void> {
    for (let seen: Promise<void> | null = null; seen !== carrier;) await (seen = carrier);
  }

  async function tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    await quiet();
    if (claimed) return db.tx(fn);
    const run = db.tx(async (q) => {
      await claim(q);
      return fn(q);
    });
    carrier = run.then(
      () => {
        claimed = true;
      },
      () => undefined,
    );
    return run;
  }

  return {
    db: {
      dialect: db.dialect,
      caps: db.caps,
      all: (sql, params) => db.all(sql, params),
      get: (sql, params) => db.get(sql, params),
      run: (sql, params) => (claimed ? db.run(sql, params) : tx((q) => q.run(sql, params))),
      tx,
      lockForMigration: (q) => db.lockForMigration(q),
      close: () => db.close(),
    },
    async settle() {
      await quiet();
      if (claimed) return;
      await db.tx(claim);
      claimed = true;
    },
  };
}
