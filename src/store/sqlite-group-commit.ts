import type Database from 'better-sqlite3';
import type { Queryable } from './db.ts';

// Transactions on SQLite's one writing connection, one at a time, sharing their COMMITs.
//
// A COMMIT costs system calls for every page it writes (WAL frames, then the checkpoint's copy) and
// for the file locks; that, not the SQL, was the most expensive part of a signed attach. Requests
// that are already queued behind one another mostly write the same pages (the last leaf of the task
// table and of its indexes, sqlite_sequence...), so they share one SQLite transaction: each runs in
// a SAVEPOINT of its own, whose failure undoes its own writes only, and the COMMIT comes when no
// transaction is waiting any more, or after MAX_GROUP of them. No caller learns its outcome before
// that COMMIT has happened: "done" is durable, and a failure never rests on writes that then did not
// commit. Isolation is as before: the transactions run one after another, and reads outside them
// (the other connection) see committed state only.

const MAX_GROUP = 32;

interface Member {
  /** Delivers the member's outcome, or `cause` when the shared transaction did not commit. */
  settle(cause: unknown): void;
}

export interface GroupCommit {
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` alone on the connection, outside any transaction (the open one is committed first). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far has run and committed. */
  drain(): Promise<void>;
}

export function groupCommit(raw: Database.Database, conn: Queryable): GroupCommit {
  const statement = (sql: string) => {
    const stmt = raw.prepare(sql);
    return () => stmt.run();
  };
  const begin = statement('BEGIN IMMEDIATE');
  const commit = statement('COMMIT');
  const rollback = statement('ROLLBACK');
  const savepoint = statement('SAVEPOINT grouped');
  const release = statement('RELEASE grouped');
  const rollbackTo = statement('ROLLBACK TO grouped');

  let queue: Promise<unknown> = Promise.resolve();
  /** Transactions queued that have not started yet. */
  let waiting = 0;
  let members: Member[] = [];
  /** Why SQLite rolled the whole transaction back on its own (it does, on some I/O errors). */
  let lost: unknown = null;

  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  }

  /** COMMITs the shared transaction and tells every member how it went. */
  function endGroup(): void {
    if (members.length === 0) return;
    const group = members;
    members = [];
    let cause: unknown = null;
    if (!raw.inTransaction) cause = lost ?? new Error('the SQLite transaction was rolled back');
    else {
      try {
        commit();
      } catch (err) {
        cause = err;
        if (raw.inTransaction) rollback();
      }
    }
    lost = null;
    for (const m of group) m.settle(cause);
  }

  /**
   * Commits at the end of this turn of the event loop: the other requests read from the sockets in
   * the same turn join the transaction first (each request otherwise runs to completion, its SQL
   * being synchronous, before the next one is even parsed).
   */
  let scheduled = false;
  function commitSoon(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void serially(async () => endGroup());
    });
  }

  function tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    waiting++;
    return new Promise<T>((resolve, reject) => {
      void serially(async () => {
        waiting--;
        try {
          if (!raw.inTransaction) begin();
          savepoint();
        } catch (err) {
          endGroup();
          return reject(err);
        }
        let outcome: { value: T } | { error: unknown };
        try {
          outcome = { value: await fn(conn) };
        } catch (error) {
          outcome = { error };
        }
        try {
          if (!('error' in outcome)) release();
          else if (raw.inTransaction) {
            rollbackTo();
            release();
          } else lost = outcome.error;
        } catch (err) {
          // The transaction cannot be trusted any more: nobody in it commits.
          lost = err;
          if (raw.inTransaction) rollback();
        }
        members.push({
          settle(cause) {
            if (cause) reject(cause);
            else if ('error' in outcome) reject(outcome.error);
            else resolve(outcome.value);
          },
        });
        if (members.length >= MAX_GROUP || !raw.inTransaction) endGroup();
        else if (waiting === 0) commitSoon();
      });
    });
  }

  return {
    tx,
    exclusive: (fn) =>
      serially(() => {
        endGroup();
        return fn();
      }),
    drain: () => serially(async () => endGroup()),
  };
}
