import type { Db, Queryable, SqlValue } from './db.ts';
import { Where } from './sql.ts';
import { claimSignature } from './account.repo.ts';

// The audit trail (migration 008, docs/audit.md): what a request still owes the database — its
// signature claim (v2 replay protection) and its audit event — is written by one call, inside the
// transaction of the change where there is one, else on its own. On PostgreSQL that call is ONE
// statement (a data-modifying WITH), so an audited write costs no extra round trip beyond it.

export interface AuditEvent {
  eventId: string;
  /** Epoch milliseconds: when the door admitted the request. */
  eventTime: number;
  eventName: string;
  apiVersion: string;
  product: string;
  region: string;
  requestId: string;
  /** 'Success', or the code the answer carried (3.0 Error.Code, v2 codeDesc). */
  errorCode: string;
  appId: number;
  secretId: string;
  sourceIp: string;
  actionType: string;
  /** Resource ids, without repeats. */
  resources: string[];
}

/** A v2 (or v1-signed) request's signature, to be recorded as used. */
export interface SignatureClaim {
  secretId: string;
  signature: string;
  expiresAt: number;
}

const EVENT_COLUMNS =
  'event_id, event_time, event_name, api_version, product, region, request_id, error_code, app_id, secret_id, source_ip, action_type, resources';

function eventValues(e: AuditEvent): SqlValue[] {
  return [
    e.eventId,
    e.eventTime,
    e.eventName,
    e.apiVersion,
    e.product,
    e.region,
    e.requestId,
    e.errorCode,
    e.appId,
    e.secretId,
    e.sourceIp,
    e.actionType,
    // In code-point order, as the events show them.
    JSON.stringify([...e.resources].sort()),
  ];
}

/** The event's columns as a SELECT list; the numbers cast, as a parameter in a SELECT has no type. */
const EVENT_SELECT = 'SELECT ?, CAST(? AS BIGINT), ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), ?, ?, ?, ?';

/** The claim and the event as one statement answering one row when written, none on a replay;
 *  null where the engine needs several (an event on SQLite). */
function oneStatement(
  caps: Queryable['caps'],
  claim: SignatureClaim | null,
  event: AuditEvent | null,
): { sql: string; params: SqlValue[] } | null {
  const claimValues = claim ? [claim.secretId, claim.signature, claim.expiresAt] : [];
  const insertClaim = `INSERT INTO request_signatures (secret_id, signature, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (secret_id, signature) DO NOTHING RETURNING 1 AS claimed`;
  if (!event) return claim ? { sql: insertClaim, params: claimValues } : null;
  if (!caps.writableCte) return null;
  const withResources = event.resources.length > 0;
  const sql =
    `WITH ${claim ? `c AS (${insertClaim}), ` : ''}` +
    `e AS (INSERT INTO audit_events (${EVENT_COLUMNS}) ${EVENT_SELECT}` +
    `${claim ? ' WHERE EXISTS (SELECT 1 FROM c)' : ''} RETURNING id)` +
    (withResources
      ? `, r AS (INSERT INTO audit_event_resources (resource_id, event_row) SELECT value, e.id FROM e, ${caps.jsonArrayElements})`
      : '') +
    ' SELECT id FROM e';
  const params = [...claimValues, ...eventValues(event), ...(withResources ? [JSON.stringify(event.resources)] : [])];
  return { sql, params };
}

/**
 * Writes the claim and the event (either may be null) in the transaction `q`. False when the claim
 * was a replay: then nothing is written, and the caller's transaction must not commit.
 */
export async function recordRequest(
  q: Queryable,
  claim: SignatureClaim | null,
  event: AuditEvent | null,
): Promise<boolean> {
  const one = oneStatement(q.caps, claim, event);
  if (one) return (await q.all(one.sql, one.params)).length === 1;
  if (!event) return true; // nothing owed
  if (claim && !(await claimSignature(q, claim.secretId, claim.signature, claim.expiresAt))) return false;
  const row = await q.get<{ id: number }>(
    `INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    eventValues(event),
  );
  for (const resourceId of event.resources) {
    await q.run('INSERT INTO audit_event_resources (resource_id, event_row) VALUES (?, ?)', [resourceId, row!.id]);
  }
  return true;
}

/** recordRequest outside any transaction: one statement is a write of its own (one round trip on
 *  PostgreSQL, not three); several get a transaction, so the claim and the event go together. */
export async function recordRequestAlone(
  db: Db,
  claim: SignatureClaim | null,
  event: AuditEvent | null,
): Promise<boolean> {
  const one = oneStatement(db.caps, claim, event);
  if (one) return (await db.write(one.sql, one.params)).length === 1;
  return db.tx((q) => recordRequest(q, claim, event));
}

export interface EventFilter {
  requestId?: string;
  eventName?: string;
  resourceId?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, inclusive. */
  until?: number;
  appId?: number;
  /** A small validated integer: it is written into the SQL, as a page limit (sql.ts). */
  limit: number;
  offset: number;
}

interface EventRow {
  event_id: string;
  event_time: number;
  event_name: string;
  api_version: string;
  product: string;
  region: string;
  request_id: string;
  error_code: string;
  app_id: number;
  secret_id: string;
  source_ip: string;
  action_type: string;
  /** A JSON array of resource ids. */
  resources: string;
}

/** The events the filter matches, newest first (ties: the later written first), and how many match. */
export async function listAuditEvents(
  q: Queryable,
  f: EventFilter,
): Promise<{ events: AuditEvent[]; totalCount: number }> {
  const where = new Where();
  if (f.requestId !== undefined) where.add('request_id = ?', f.requestId);
  if (f.eventName !== undefined) where.add('event_name = ?', f.eventName);
  if (f.resourceId !== undefined)
    where.add('id IN (SELECT event_row FROM audit_event_resources WHERE resource_id = ?)', f.resourceId);
  if (f.since !== undefined) where.add('event_time >= ?', f.since);
  if (f.until !== undefined) where.add('event_time <= ?', f.until);
  if (f.appId !== undefined) where.add('app_id = ?', f.appId);
  if (!Number.isSafeInteger(f.limit) || f.limit < 1) throw new Error(`bad page limit ${f.limit}`);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events${where.sql}`, where.params);
  const rows = await q.all<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM audit_events${where.sql} ORDER BY event_time DESC, id DESC LIMIT ${f.limit} OFFSET ?`,
    [...where.params, f.offset],
  );
  return {
    totalCount: Number(total?.n ?? 0),
    events: rows.map((r) => ({
      eventId: r.event_id,
      eventTime: Number(r.event_time),
      eventName: r.event_name,
      apiVersion: r.api_version,
      product: r.product,
      region: r.region,
      requestId: r.request_id,
      errorCode: r.error_code,
      appId: Number(r.app_id),
      secretId: r.secret_id,
      sourceIp: r.source_ip,
      actionType: r.action_type,
      resources: JSON.parse(r.resources) as string[],
    })),
  };
}
