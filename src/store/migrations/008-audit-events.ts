// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.
//
// The audit trail (docs/audit.md): one row per audited request, with CloudAudit's fields and its
// resource ids (a JSON array, as the event is shown), and one row per resource id, so that "the
// events of eni-…" is an index lookup. `id` orders events written in the same millisecond and ties
// the resource rows to their event.
//
// Every audited write adds these rows in its own transaction, so each index is a cost on the hot
// path: on SQLite each index a random key lands in dirties a page of its own that the COMMIT then
// writes. Hence no index on `event_id` (nothing looks an event up by it; the ids are random UUIDs,
// unique by construction), and resource rows keyed by the event's integer `id` (increasing: its
// index only ever grows at the end), not by its text id.

export const version = 8;

export function up(t: { autoIdType: string }): string[] {
  return [
    `CREATE TABLE audit_events (
      id ${t.autoIdType},
      event_id TEXT NOT NULL,
      event_time BIGINT NOT NULL,
      event_name TEXT NOT NULL,
      api_version TEXT NOT NULL,
      product TEXT NOT NULL,
      region TEXT NOT NULL,
      request_id TEXT NOT NULL,
      error_code TEXT NOT NULL,
      app_id BIGINT NOT NULL,
      secret_id TEXT NOT NULL,
      source_ip TEXT NOT NULL,
      action_type TEXT NOT NULL,
      resources TEXT NOT NULL
    )`,
    'CREATE INDEX audit_events_by_time ON audit_events (event_time, id)',
    'CREATE INDEX audit_events_by_request ON audit_events (request_id)',
    'CREATE INDEX audit_events_by_name ON audit_events (event_name, event_time)',
    'CREATE INDEX audit_events_by_account ON audit_events (app_id, region)',
    `CREATE TABLE audit_event_resources (
      resource_id TEXT NOT NULL,
      event_row BIGINT NOT NULL,
      PRIMARY KEY (resource_id, event_row)
    )`,
    'CREATE INDEX audit_event_resources_by_event ON audit_event_resources (event_row)',
  ];
}
