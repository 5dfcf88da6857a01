// The one database seam. Repositories write portable SQL with `?` placeholders against `Queryable`;
// what differs between SQLite and PostgreSQL is expressed as capability fields here, never as
// `if (dialect === ...)` in the code above the store.

export type SqlValue = string | number | bigint | null;

export interface Queryable {
  readonly caps: Capabilities;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Capabilities {
  /** Appended to a SELECT that reads rows the transaction is about to change ('' where the
   *  engine serialises writers anyway, as SQLite does). */
  readonly forUpdate: string;
  /** Appended to the task-claim SELECT so replicas never claim the same task. */
  readonly forUpdateSkipLocked: string;
  /** Column type of an auto-increasing integer primary key. */
  readonly autoIdType: string;
  /** Whether several processes may share this database (replicas, CLI tools). */
  readonly multiProcess: boolean;
  /** Appended to a text column in ORDER BY so names sort by code point on every engine. */
  readonly bytewise: string;
  /** A query answering `n` = 1 when the table named by its one parameter exists, else 0. */
  readonly tableExistsSql: string;
  /** A query answering `name` for every table of the database (PostgreSQL: of the schema in use). */
  readonly listTablesSql: string;
  /** A query answering `next`, the id the table named by its parameter hands out next. */
  readonly nextIdSql: string;
  /** A statement making the table named by its second parameter hand out the first one next. */
  readonly setNextIdSql: string;
  /** Whether a WITH clause may hold INSERTs: writes to several tables then go in one statement,
   *  one round trip (PostgreSQL), where elsewhere they are several cheap statements (SQLite). */
  readonly writableCte: boolean;
  /** A FROM item with one text column `value`: the elements of the JSON array bound to its one
   *  parameter, so one statement inserts a list of any length. */
  readonly jsonArrayElements: string;
}

export interface Db extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction. Reads inside see the transaction's own writes; reads outside
   * see committed state only. Serialisation failures and deadlocks are retried a few times, so
   * `fn` must not have side effects outside the database.
   */
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs one statement that writes and answers rows (`… RETURNING`) as a transaction of its own:
   * on PostgreSQL one round trip, where `tx` would add a BEGIN and a COMMIT.
   */
  write<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Calls `onNotify` whenever any process sends `notify(channel)` (replicas only); the stop. */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  notify?(channel: string): Promise<void>;
  /** Held inside a transaction: serialises schema migrations across processes. */
  lockForMigration(tx: Queryable): Promise<void>;
  close(): Promise<void>;
}

/** `poolSize`: connections the Db may hold at once where it pools them (PostgreSQL). */
export async function openDb(url: string, o: { poolSize?: number } = {}): Promise<Db> {
  if (url.startsWith('sqlite:')) {
    const { openSqlite } = await import('./sqlite.ts');
    return openSqlite(url.slice('sqlite:'.length));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(url, o);
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${JSON.stringify(url)})`);
}
