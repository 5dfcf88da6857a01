// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.

export const version = 1;

export function up(t: { autoIdType: string }): string[] {
  return [
    `CREATE TABLE accounts (
      app_id BIGINT PRIMARY KEY,
      created_at BIGINT NOT NULL
    )`,
    `CREATE TABLE api_keys (
      secret_id TEXT PRIMARY KEY,
      app_id BIGINT NOT NULL REFERENCES accounts (app_id),
      secret_key TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1
    )`,
    `CREATE TABLE vpcs (
      id TEXT PRIMARY KEY,
      app_id BIGINT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      cidr TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX vpcs_by_owner ON vpcs (app_id, region, created_at)`,
    `CREATE TABLE subnets (
      id TEXT PRIMARY KEY,
      app_id BIGINT NOT NULL,
      region TEXT NOT NULL,
      vpc_id TEXT NOT NULL REFERENCES vpcs (id),
      zone_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      cidr TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX subnets_by_vpc ON subnets (vpc_id, created_at)`,
    `CREATE INDEX subnets_by_owner ON subnets (app_id, region, created_at)`,
    `CREATE TABLE security_groups (
      id TEXT PRIMARY KEY,
      app_id BIGINT NOT NULL,
      region TEXT NOT NULL,
      name TEXT NOT NULL,
      remark TEXT NOT NULL,
      project_id BIGINT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX security_groups_by_owner ON security_groups (app_id, region, created_at)`,
    `CREATE TABLE instances (
      id TEXT PRIMARY KEY,
      app_id BIGINT NOT NULL,
      region TEXT NOT NULL,
      zone_id INTEGER NOT NULL,
      name TEXT NOT NULL,
      cpu INTEGER NOT NULL,
      mem INTEGER NOT NULL,
      vpc_id TEXT REFERENCES vpcs (id),
      subnet_id TEXT REFERENCES subnets (id),
      status INTEGER NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX instances_by_owner ON instances (app_id, region, created_at)`,
    `CREATE INDEX instances_by_subnet ON instances (subnet_id)`,
    `CREATE TABLE enis (
      id TEXT PRIMARY KEY,
      app_id BIGINT NOT NULL,
      region TEXT NOT NULL,
      vpc_id TEXT NOT NULL REFERENCES vpcs (id),
      subnet_id TEXT NOT NULL REFERENCES subnets (id),
      name TEXT NOT NULL,
      description TEXT NOT NULL,
      mac TEXT NOT NULL UNIQUE,
      is_primary INTEGER NOT NULL,
      state TEXT NOT NULL,
      instance_id TEXT,
      attach_time BIGINT,
      target_instance_id TEXT,
      task_id BIGINT,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX enis_by_owner ON enis (app_id, region, created_at)`,
    `CREATE INDEX enis_by_vpc ON enis (vpc_id, created_at)`,
    `CREATE INDEX enis_by_subnet ON enis (subnet_id)`,
    `CREATE INDEX enis_by_instance ON enis (instance_id)`,
    `CREATE INDEX enis_by_target ON enis (target_instance_id)`,
    `CREATE TABLE private_ips (
      subnet_id TEXT NOT NULL REFERENCES subnets (id),
      ip_num BIGINT NOT NULL,
      eni_id TEXT NOT NULL,
      is_primary INTEGER NOT NULL,
      state TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (subnet_id, ip_num)
    )`,
    `CREATE INDEX private_ips_by_eni ON private_ips (eni_id)`,
    `CREATE TABLE eni_security_groups (
      eni_id TEXT NOT NULL,
      sg_id TEXT NOT NULL REFERENCES security_groups (id),
      position INTEGER NOT NULL,
      PRIMARY KEY (eni_id, sg_id)
    )`,
    `CREATE INDEX eni_security_groups_by_sg ON eni_security_groups (sg_id)`,
    `CREATE TABLE tasks (
      id ${t.autoIdType},
      app_id BIGINT NOT NULL,
      type TEXT NOT NULL,
      status INTEGER NOT NULL,
      payload TEXT NOT NULL,
      output TEXT,
      created_at BIGINT NOT NULL,
      due_at BIGINT NOT NULL,
      lease_until BIGINT,
      attempts INTEGER NOT NULL DEFAULT 0,
      finished_at BIGINT
    )`,
    `CREATE INDEX tasks_due ON tasks (status, due_at)`,
    `CREATE TABLE request_signatures (
      secret_id TEXT NOT NULL,
      signature TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      PRIMARY KEY (secret_id, signature)
    )`,
    `CREATE INDEX request_signatures_expiry ON request_signatures (expires_at)`,
  ];
}
