// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.
//
// What API 3.0 needs on top of v2's state (docs/api3.md): a task remembers the RequestId of the
// call that created it (3.0's TaskId); an attached ENI has a device index; ENIs carry a QoS level;
// instances carry their type name, image and the fields 3.0 echoes back (a JSON object of
// attributes with no rule attached), and the RequestId of their latest lifecycle operation; VPCs
// and subnets have attributes of the same kind; security groups know when they last changed.

export const version = 3;

export function up(): string[] {
  return [
    'ALTER TABLE tasks ADD COLUMN request_id TEXT',
    'CREATE UNIQUE INDEX tasks_by_request ON tasks (request_id)',
    'ALTER TABLE enis ADD COLUMN device_index INTEGER',
    "ALTER TABLE enis ADD COLUMN qos_level TEXT NOT NULL DEFAULT 'DEFAULT'",
    "ALTER TABLE instances ADD COLUMN instance_type TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE instances ADD COLUMN image_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE instances ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'",
    'ALTER TABLE instances ADD COLUMN latest_operation TEXT',
    'ALTER TABLE instances ADD COLUMN latest_request_id TEXT',
    "ALTER TABLE vpcs ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE subnets ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'",
    'ALTER TABLE security_groups ADD COLUMN updated_at BIGINT',
  ];
}
