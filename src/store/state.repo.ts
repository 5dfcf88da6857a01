import type { Queryable, SqlValue } from './db.ts';
import { Where } from './sql.ts';
import { TaskStatus } from '../domain/model.ts';
import { version as ENI_COUNTS_SINCE } from './migrations/009-eni-counts.ts';
import { recountEnis } from './vpc.repo.ts';

// The whole state as data, for test control's snapshots and resets (docs/test-control.md). A dump
// is logical (rows as JSON values), so one taken on SQLite restores on PostgreSQL and back.

/**
 * Every table that holds state, parents before children (the order rows are inserted in; deletes go
 * the other way). Test control's own tables are not state: rules, their log and the snapshots
 * survive a restore.
 */
export const STATE_TABLES = [
  'accounts',
  'api_keys',
  'vpcs',
  'subnets',
  'security_groups',
  'instances',
  'enis',
  'private_ips',
  'eni_security_groups',
  'tags',
  'tasks',
  'request_signatures',
  'client_tokens',
] as const;
const NOT_STATE = new Set([
  'schema_meta',
  'fault_rules',
  'fault_log',
  'snapshots',
  // The audit trail records what happened, so a restore does not rewind it; a reset clears it.
  'audit_events',
  'audit_event_resources',
]);

/** Tables whose ids a sequence hands out, so a restore can set where it continues. */
const SEQUENCED = ['tasks'] as const;

export interface TableDump {
  columns: string[];
  rows: SqlValue[][];
}

export interface StateDump {
  tables: Record<string, TableDump>;
  /** The id each sequenced table hands out next. */
  nextIds: Record<string, number>;
}

/** Refuses a database with a table this code does not know: a snapshot would silently miss it. */
export async function checkTablesKnown(q: Queryable, listSql: string): Promise<void> {
  const names = (await q.all<{ name: string }>(listSql)).map((r) => r.name);
  const known = new Set<string>(STATE_TABLES);
  const unknown = names.filter((n) => !known.has(n) && !NOT_STATE.has(n));
  if (unknown.length) throw new Error(`snapshots do not know the tables ${unknown.join(', ')}`);
}

/** The state tables this database has (an older schema lacks some), in STATE_TABLES order. */
async function presentTables(q: Queryable): Promise<string[]> {
  const names = new Set((await q.all<{ name: string }>(q.caps.listTablesSql)).map((r) => r.name));
  return STATE_TABLES.filter((t) => names.has(t));
}

export async function dumpState(q: Queryable): Promise<StateDump> {
  const tables: Record<string, TableDump> = {};
  for (const table of await presentTables(q)) {
    const rows = await q.all<Record<string, SqlValue>>(`SELECT * FROM ${table}`);
    const columns = rows.length ? Object.keys(rows[0]!) : [];
    tables[table] = { columns, rows: rows.map((r) => columns.map((c) => r[c] ?? null)) };
  }
  const nextIds: Record<string, number> = {};
  for (const table of SEQUENCED) {
    const row = await q.get<{ next: number | null }>(q.caps.nextIdSql, [table]);
    nextIds[table] = Number(row?.next ?? 1);
  }
  return { tables, nextIds };
}

/** How many rows of each state table there are. */
export async function countState(q: Queryable): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of STATE_TABLES) {
    out[table] = (await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? 0;
  }
  return out;
}

/** Replaces the whole state with `dump`, inside the caller's transaction. */
export async function restoreState(q: Queryable, dump: StateDump): Promise<void> {
  const present = await presentTables(q);
  for (const table of [...present].reverse()) await q.run(`DELETE FROM ${table}`);
  for (const table of present) {
    const t = dump.tables[table];
    if (!t || t.rows.length === 0) continue;
    // Many rows per statement, well inside both engines' limit on bound parameters.
    const per = Math.max(1, Math.floor(30_000 / t.columns.length));
    const row = `(${t.columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < t.rows.length; i += per) {
      const chunk = t.rows.slice(i, i + per);
      await q.run(
        `INSERT INTO ${table} (${t.columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`,
        chunk.flat(),
      );
    }
  }
  for (const table of SEQUENCED) {
    const next = dump.nextIds[table];
    if (next !== undefined) await q.run(q.caps.setNextIdSql, [next, table]);
  }
  // The leases in the dump were held by workers of another moment: every running task is free.
  await q.run('UPDATE tasks SET lease_until = NULL WHERE lease_until IS NOT NULL');
  // Counters are derived, not trusted: a file may have been edited by hand or cut from another
  // database. A scratch database carrying an older file forward has none yet (their migration
  // fills them there).
  if ((await schemaVersionOf(q)) >= ENI_COUNTS_SINCE) await recountEnis(q);
}

async function schemaVersionOf(q: Queryable): Promise<number> {
  return (await q.get<{ version: number }>('SELECT version FROM schema_meta WHERE id = 1'))?.version ?? 0;
}

/** Running tasks that a worker holds right now (leased), in a scope. */
export async function leasedTasks(q: Queryable, scope: ResetScope, now: number): Promise<number> {
  const { sql, params } = taskScope(scope);
  const row = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM tasks WHERE status = ? AND lease_until > ?${sql}`, [
    TaskStatus.RUNNING,
    now,
    ...params,
  ]);
  return row?.n ?? 0;
}

export interface ResetScope {
  appId?: number;
  region?: string;
  /** Accounts and their keys go too (only without a region: accounts are not regional). */
  accounts?: boolean;
}

/** The rows of the scope's owner: account and/or region columns. */
function ownedBy(s: ResetScope): Where {
  const where = new Where();
  if (s.appId !== undefined) where.add('app_id = ?', s.appId);
  if (s.region !== undefined) where.add('region = ?', s.region);
  return where;
}

function taskScope(s: ResetScope): { sql: string; params: SqlValue[] } {
  const where = ownedBy(s);
  return { sql: where.clauses.map((c) => ' AND ' + c).join(''), params: where.params };
}

/** Deletes the state in scope (inside the caller's transaction); rows removed per table. */
export async function resetState(q: Queryable, s: ResetScope): Promise<Record<string, number>> {
  const { sql: where, params, clauses: owned } = ownedBy(s);
  const of = (table: string, column = 'id') => `SELECT ${column} FROM ${table}${where}`;
  const removed: Record<string, number> = {};
  const del = async (table: string, sql: string, p: SqlValue[] = params) => {
    removed[table] = (removed[table] ?? 0) + (await q.run(sql, p));
  };
  const scoped = owned.length > 0;
  await del(
    'eni_security_groups',
    `DELETE FROM eni_security_groups${scoped ? ` WHERE eni_id IN (${of('enis')})` : ''}`,
  );
  await del('private_ips', `DELETE FROM private_ips${scoped ? ` WHERE subnet_id IN (${of('subnets')})` : ''}`);
  await del('tags', `DELETE FROM tags${where}`);
  for (const table of ['enis', 'instances', 'subnets', 'security_groups', 'vpcs']) {
    await del(table, `DELETE FROM ${table}${where}`);
  }
  const t = taskScope(s);
  await del('tasks', `DELETE FROM tasks WHERE 1 = 1${t.sql}`, t.params);
  // The scope's audit events go too, so that a test starts with none (docs/audit.md).
  await del(
    'audit_event_resources',
    `DELETE FROM audit_event_resources${scoped ? ` WHERE event_row IN (${of('audit_events', 'id')})` : ''}`,
  );
  await del('audit_events', `DELETE FROM audit_events${where}`);
  if (s.region === undefined) {
    // Replay records are the account's, not a region's.
    const byAccount = s.appId === undefined ? '' : ' WHERE app_id = ?';
    const accountParams = s.appId === undefined ? [] : [s.appId];
    await del('client_tokens', `DELETE FROM client_tokens${byAccount}`, accountParams);
    await del(
      'request_signatures',
      `DELETE FROM request_signatures${s.appId === undefined ? '' : ' WHERE secret_id IN (SELECT secret_id FROM api_keys WHERE app_id = ?)'}`,
      accountParams,
    );
    if (s.accounts) {
      await del('api_keys', `DELETE FROM api_keys${byAccount}`, accountParams);
      await del('accounts', `DELETE FROM accounts${byAccount}`, accountParams);
    }
  }
  // What is left keeps its ENIs, but a reset deletes rows wholesale: the counters are recomputed.
  await recountEnis(q);
  return removed;
}

/** A stored snapshot's summary (its body is read only to export or restore it). */
export interface SnapshotRow {
  name: string;
  createdAt: number;
  schemaVersion: number;
  bytes: number;
}

export async function saveSnapshot(
  q: Queryable,
  s: { name: string; createdAt: number; schemaVersion: number; body: string },
): Promise<void> {
  await q.run('DELETE FROM snapshots WHERE name = ?', [s.name]);
  await q.run('INSERT INTO snapshots (name, created_at, schema_version, body) VALUES (?, ?, ?, ?)', [
    s.name,
    s.createdAt,
    s.schemaVersion,
    s.body,
  ]);
}

export async function listSnapshots(q: Queryable): Promise<SnapshotRow[]> {
  return q.all<SnapshotRow>(
    `SELECT name, created_at AS "createdAt", schema_version AS "schemaVersion", LENGTH(body) AS bytes
     FROM snapshots ORDER BY created_at, name`,
  );
}

export async function snapshotBody(q: Queryable, name: string): Promise<string | undefined> {
  return (await q.get<{ body: string }>('SELECT body FROM snapshots WHERE name = ?', [name]))?.body;
}

export async function deleteSnapshot(q: Queryable, name: string): Promise<boolean> {
  return (await q.run('DELETE FROM snapshots WHERE name = ?', [name])) === 1;
}
