import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Capabilities, Db, Queryable, SqlValue } from './db.ts';
import { SAFETY_NET_PAGES, startCheckpointer } from './sqlite-checkpointer.ts';
import { groupCommit } from './sqlite-group-commit.ts';

// Embedded mode: one process owns the file. Writes go through one connection, one transaction at a
// time (an async mutex, because a transaction body awaits between statements and another request
// must not slip its statements into it). Reads outside a transaction use a second connection, which
// in WAL mode sees committed data only — the same isolation PostgreSQL gives.

type Statement = Database.Statement<unknown[], unknown>;

const CAPS: Capabilities = {
  forUpdate: '',
  forUpdateSkipLocked: '',
  autoIdType: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  multiProcess: false,
  bytewise: '', // BINARY, SQLite's default
  tableExistsSql: "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
  listTablesSql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  // AUTOINCREMENT keeps the highest id handed out in sqlite_sequence.
  nextIdSql: 'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM sqlite_sequence WHERE name = ?',
  setNextIdSql: 'UPDATE sqlite_sequence SET seq = ? - 1 WHERE name = ?',
  writableCte: false,
  jsonArrayElements: 'json_each(?)',
};

class Connection implements Queryable {
  readonly caps = CAPS;
  private readonly statements = new Map<string, Statement>();
  constructor(readonly raw: Database.Database) {}

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
  // async, so that a failing statement rejects the promise like PostgreSQL's instead of throwing.
  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params) as T[];
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params) as T | undefined;
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const stmt = this.prepare(sql);
    // A statement that returns rows (INSERT ... RETURNING) cannot be run(), only iterated.
    if (stmt.reader) return stmt.all(...params).length;
    return stmt.run(...params).changes;
  }
}

function connect(file: string, readonly: boolean): Database.Database {
  const raw = new Database(file, { readonly: readonly && file !== ':memory:' });
  raw.pragma('busy_timeout = 5000');
  if (!readonly) {
    raw.pragma('journal_mode = WAL');
    // NORMAL in WAL mode loses nothing when the process crashes; only an OS crash or power loss
    // can take back the last commits. That is the usual trade for an embedded control plane.
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`); // checkpoints run on their own thread
  }
  return raw;
}

export function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const writer = new Connection(connect(file, false));
  // An in-memory database has no second connection to read from.
  const reader = file === ':memory:' ? null : new Connection(connect(file, true));
  // One transaction at a time on the writer, sharing COMMITs (sqlite-group-commit.ts).
  const writes = groupCommit(writer.raw, writer);
  const checkpointer = file === ':memory:' ? null : startCheckpointer(file);
  const { tx, exclusive } = writes;

  const read: Queryable = reader ?? {
    caps: CAPS,
    all: (sql, params) => exclusive(() => writer.all(sql, params)),
    get: (sql, params) => exclusive(() => writer.get(sql, params)),
    run: (sql, params) => exclusive(() => writer.run(sql, params)),
  };

  return {
    dialect: 'sqlite',
    caps: CAPS,
    all: (sql, params) => read.all(sql, params),
    get: (sql, params) => read.get(sql, params),
    // A write outside an explicit transaction is still one transaction of its own.
    run: (sql, params) => tx((q) => q.run(sql, params)),
    write: (sql, params) => tx((q) => q.all(sql, params)),
    tx,
    lockForMigration: () => Promise.resolve(),
    close: async () => {
      await writes.drain();
      await checkpointer?.stop();
      reader?.raw.close();
      writer.raw.close();
    },
  };
}
