// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.
//
// Test control (docs/test-control.md): fault rules every replica applies, the log of which rule fired
// on which request, named snapshots, and what a task needs to be held, failed on purpose or reset by
// region.

export const version = 7;

export function up(t: { autoIdType: string }): string[] {
  return [
    // `position` orders the list (first match wins); `seen` and `fired` count matches and firings
    // across replicas, so `skip` and `times` hold for the deployment, not per process.
    `CREATE TABLE fault_rules (
      id TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      rule TEXT NOT NULL,
      app_id BIGINT,
      seen INTEGER NOT NULL DEFAULT 0,
      fired INTEGER NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL
    )`,
    `CREATE TABLE fault_log (
      id ${t.autoIdType},
      at BIGINT NOT NULL,
      rule_id TEXT NOT NULL,
      app_id BIGINT,
      request_id TEXT,
      task_id BIGINT,
      action TEXT NOT NULL,
      api_version TEXT,
      phase TEXT NOT NULL,
      effect TEXT NOT NULL
    )`,
    `CREATE TABLE snapshots (
      name TEXT PRIMARY KEY,
      created_at BIGINT NOT NULL,
      schema_version INTEGER NOT NULL,
      body TEXT NOT NULL
    )`,
    // A task's region (reset by region), and the failure a fault rule decided for it at creation.
    'ALTER TABLE tasks ADD COLUMN region TEXT',
    'ALTER TABLE tasks ADD COLUMN injected_failure TEXT',
  ];
}
