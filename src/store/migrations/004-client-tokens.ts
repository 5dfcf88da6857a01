// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.
//
// API 3.0 ClientToken idempotency: (account, action, token) → the hash of the parameters and the
// answer given, for 24 hours. A row without an answer is a first request still being handled.

export const version = 4;

export function up(): string[] {
  return [
    `CREATE TABLE client_tokens (
      app_id BIGINT NOT NULL,
      action TEXT NOT NULL,
      token TEXT NOT NULL,
      params_hash TEXT NOT NULL,
      response TEXT,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      PRIMARY KEY (app_id, action, token)
    )`,
    'CREATE INDEX client_tokens_expiry ON client_tokens (expires_at)',
  ];
}
