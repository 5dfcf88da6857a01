import fs from 'node:fs';
import path from 'node:path';
import { databaseLabel } from '../config.ts';

// The credentials file (VPC_ENI_CREDENTIALS_FILE, default ./data/credentials.json): the key of the
// development account of each database a server ran on from this folder, so that `vpc-eni call`
// finds the key of the database it is pointed at. One entry per database: a second server on
// another database adds its own entry instead of replacing the first one's.

export interface StoredKey {
  appId: number;
  secretId: string;
  secretKey: string;
}

interface CredentialsFile {
  note: string;
  /** By database, as `databaseLabel` names it (a SQLite path made absolute, no password). */
  databases: Record<string, StoredKey>;
}

const NOTE =
  'Written by `vpc-eni serve`: the development key of each database. `vpc-eni credentials` prints or rotates it.';

function isKey(v: unknown): v is StoredKey {
  const k = v as StoredKey;
  return typeof k === 'object' && k !== null && typeof k.secretId === 'string' && typeof k.secretKey === 'string';
}

/** The entries of the file; none when it does not exist. A file that is not one of ours is refused. */
export function readCredentialsFile(file: string): Record<string, StoredKey> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path.resolve(file)} (VPC_ENI_CREDENTIALS_FILE): ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `${path.resolve(file)} (VPC_ENI_CREDENTIALS_FILE) is not JSON, so not a credentials file vpc-eni wrote: ` +
        'move it away or set VPC_ENI_CREDENTIALS_FILE to another path',
    );
  }
  // A file of an older version held one key, of no known database: it is replaced, not merged.
  const databases = (parsed as Partial<CredentialsFile> | null)?.databases;
  if (typeof databases !== 'object' || databases === null) return {};
  return Object.fromEntries(Object.entries(databases).filter(([, key]) => isKey(key)));
}

/** The development key saved for the database at `databaseUrl`, if any. */
export function savedKey(file: string, databaseUrl: string): StoredKey | undefined {
  return readCredentialsFile(file)[databaseLabel(databaseUrl)];
}

/**
 * Saves `key` as the development key of `databaseUrl`, keeping the other databases' entries; false
 * when the file already held exactly that. Owner-only permissions; written whole, then renamed, so
 * a crash never leaves half a file.
 */
export function saveKey(file: string, databaseUrl: string, key: StoredKey): boolean {
  const databases = readCredentialsFile(file);
  const label = databaseLabel(databaseUrl);
  const old = databases[label];
  if (old && old.secretId === key.secretId && old.secretKey === key.secretKey && old.appId === key.appId) return false;
  databases[label] = { appId: key.appId, secretId: key.secretId, secretKey: key.secretKey };
  const body: CredentialsFile = { note: NOTE, databases };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(temp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new Error(
      `cannot save the development key to ${path.resolve(file)} (VPC_ENI_CREDENTIALS_FILE): ${(err as Error).message}`,
    );
  }
  return true;
}
