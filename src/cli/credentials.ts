import path from 'node:path';
import { DEV_APP_ID } from '../app.ts';
import { databaseLabel, loadConfig } from '../config.ts';
import { idGenerator } from '../domain/ids.ts';
import { keysOfAccount, upsertKey } from '../store/account.repo.ts';
import { saveKey } from './credentials-file.ts';
import { openExistingDb } from './database.ts';

// `vpc-eni credentials`: the development account's key, read from the database of DATABASE_URL
// (so it is never lost with the credentials file), printed and saved again where `vpc-eni call`
// looks for it. `--rotate` gives the account a new key and disables the old ones.

export async function credentialsCommand(o: { rotate?: boolean; json?: boolean; env?: boolean }): Promise<number> {
  const config = loadConfig();
  const label = databaseLabel(config.databaseUrl);
  const db = await openExistingDb(config.databaseUrl);
  let key;
  try {
    key = await db.tx(async (tx) => {
      const keys = await keysOfAccount(tx, DEV_APP_ID);
      const current = keys.find((k) => k.enabled);
      if (!current || !o.rotate) return current;
      const ids = idGenerator();
      const fresh = { appId: DEV_APP_ID, secretId: 'AKID' + ids.secret(32), secretKey: ids.secret(32), enabled: true };
      for (const k of keys) if (k.enabled) await upsertKey(tx, { ...k, enabled: false });
      await upsertKey(tx, fresh);
      return fresh;
    });
  } finally {
    await db.close();
  }
  if (!key) {
    throw new Error(`${label} has no development account with an enabled key: its accounts come from VPC_ENI_ACCOUNTS`);
  }
  const file = path.resolve(config.credentialsFile);
  saveKey(config.credentialsFile, config.databaseUrl, key);
  if (o.env) {
    process.stdout.write(`export VPC_ENI_SECRET_ID=${key.secretId}\nexport VPC_ENI_SECRET_KEY=${key.secretKey}\n`);
  } else if (o.json) {
    const { appId, secretId, secretKey } = key;
    process.stdout.write(
      JSON.stringify({ appId, secretId, secretKey, database: label, savedTo: file }, null, 2) + '\n',
    );
  } else {
    process.stdout.write(
      [
        `${o.rotate ? 'new development key' : 'development account'} of ${label}:`,
        `  appId     ${key.appId}`,
        `  SecretId  ${key.secretId}`,
        `  SecretKey ${key.secretKey}`,
        `  saved to  ${file}`,
        ...(o.rotate ? ['The old key is disabled; a running server stops accepting it within 5 seconds.'] : []),
      ].join('\n') + '\n',
    );
  }
  return 0;
}
