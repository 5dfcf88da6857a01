// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.
//
// Tags of VPCs, subnets, security groups, ENIs and instances (docs/api3.md, "Tags"): one row per
// (resource, key). Resource ids are unique across accounts and kinds, so they key the rows alone;
// the account, region and kind are kept for the tag service's lookups and for the checker. The
// filters `tag-key` and `tag:<key>` look rows up by key (and value).

export const version = 6;

export function up(): string[] {
  return [
    `CREATE TABLE tags (
      resource_id TEXT NOT NULL,
      tag_key TEXT NOT NULL,
      tag_value TEXT NOT NULL,
      app_id BIGINT NOT NULL,
      region TEXT NOT NULL,
      resource_type TEXT NOT NULL,
      PRIMARY KEY (resource_id, tag_key)
    )`,
    'CREATE INDEX tags_by_key ON tags (tag_key, tag_value)',
  ];
}
