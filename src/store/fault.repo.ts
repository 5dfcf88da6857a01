import type { FaultRule } from '../control/faults.ts';
import type { Queryable } from './db.ts';

// Fault rules and the log of their firings (migration 007). Rules are stored as their JSON; the
// counters are columns so that every replica counts with one atomic UPDATE.

export interface StoredRule {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export async function listFaultRules(q: Queryable): Promise<StoredRule[]> {
  const rows = await q.all<{ rule: string; seen: number; fired: number }>(
    'SELECT rule, seen, fired FROM fault_rules ORDER BY position, id',
  );
  return rows.map((r) => ({ rule: JSON.parse(r.rule) as FaultRule, seen: r.seen, fired: r.fired }));
}

/** Appends `rules` after the stored ones, in their order. */
export async function insertFaultRules(q: Queryable, rules: readonly FaultRule[], now: number): Promise<void> {
  const last = await q.get<{ n: number | null }>('SELECT MAX(position) AS n FROM fault_rules');
  let position = (last?.n ?? 0) + 1;
  for (const r of rules) {
    await q.run('INSERT INTO fault_rules (id, position, rule, app_id, created_at) VALUES (?, ?, ?, ?, ?)', [
      r.id,
      position++,
      JSON.stringify(r),
      r.account ?? null,
      now,
    ]);
  }
}

/** Deletes rules by id (every rule when `ids` is null), only an account's when `appId` is given. */
export async function deleteFaultRules(q: Queryable, ids: readonly string[] | null, appId?: number): Promise<number> {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  if (ids !== null) {
    if (ids.length === 0) return 0;
    clauses.push(`id IN (${ids.map(() => '?').join(', ')})`);
    params.push(...ids);
  }
  if (appId !== undefined) {
    clauses.push('app_id = ?');
    params.push(appId);
  }
  return q.run(`DELETE FROM fault_rules${clauses.length ? ' WHERE ' + clauses.join(' AND ') : ''}`, params);
}

/** Counts one more match of the rule; its counters after, or undefined when it is gone. */
export async function countFaultMatch(q: Queryable, id: string): Promise<{ seen: number; fired: number } | undefined> {
  return q.get('UPDATE fault_rules SET seen = seen + 1 WHERE id = ? RETURNING seen, fired', [id]);
}

/** Counts a firing if the rule has one left (`times`); false when another request took the last. */
export async function claimFaultFiring(q: Queryable, id: string, times: number | undefined): Promise<boolean> {
  const limit = times === undefined ? '' : ' AND fired < ?';
  const changed = await q.run(
    `UPDATE fault_rules SET fired = fired + 1 WHERE id = ?${limit}`,
    times === undefined ? [id] : [id, times],
  );
  return changed === 1;
}

export interface FaultLogEntry {
  at: number;
  ruleId: string;
  appId: number | null;
  requestId: string | null;
  taskId?: number | null;
  action: string;
  apiVersion: string | null;
  phase: string;
  effect: string;
}

export async function logFaultFiring(q: Queryable, e: FaultLogEntry): Promise<void> {
  await q.run(
    `INSERT INTO fault_log (at, rule_id, app_id, request_id, task_id, action, api_version, phase, effect)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [e.at, e.ruleId, e.appId, e.requestId, e.taskId ?? null, e.action, e.apiVersion, e.phase, e.effect],
  );
}

/** The latest firings, newest first. */
export async function listFaultLog(q: Queryable, o: { account?: number; limit: number }): Promise<FaultLogEntry[]> {
  const where = o.account === undefined ? '' : ' WHERE app_id = ?';
  return q.all<FaultLogEntry>(
    `SELECT at, rule_id AS "ruleId", app_id AS "appId", request_id AS "requestId", task_id AS "taskId", action,
            api_version AS "apiVersion", phase, effect
     FROM fault_log${where} ORDER BY id DESC LIMIT ${Math.max(1, Math.min(1000, Math.floor(o.limit)))}`,
    o.account === undefined ? [] : [o.account],
  );
}
