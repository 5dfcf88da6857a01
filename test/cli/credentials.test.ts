import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { runCliAsync, spawnServer, tempDir } from '../support/process.ts';

// The development account of a server run without VPC_ENI_ACCOUNTS: its key is saved per database
// (a second server in the same folder on another database adds its own, and `vpc-eni call` picks
// the one of its DATABASE_URL), a server that cannot save it does not start, and `vpc-eni
// credentials` prints or rotates it at any time, from the database itself.

interface Folder {
  cwd: string;
  /** The environment of a server and of the CLI in this folder, on `url`. */
  env(url: string): Record<string, string>;
}

function folder(): Folder {
  const cwd = tempDir();
  return {
    cwd,
    env: (url) => ({ DATABASE_URL: url, VPC_ENI_ACCOUNTS: '', VPC_ENI_CREDENTIALS_FILE: './data/credentials.json' }),
  };
}

/** `vpc-eni call` from the folder, as the walk-through runs it: only DATABASE_URL and the endpoint. */
const call = (f: Folder, url: string, host: string, ...args: string[]) =>
  runCliAsync(['call', ...args], { DATABASE_URL: url, VPC_ENI_ENDPOINT: `http://${host}` }, { cwd: f.cwd });

const savedFile = (f: Folder) =>
  JSON.parse(fs.readFileSync(path.join(f.cwd, 'data/credentials.json'), 'utf8')) as {
    databases: Record<string, { appId: number; secretId: string; secretKey: string }>;
  };

/** Retries `fn` until it holds (the server caches keys for up to 5 seconds). */
async function eventually(fn: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

for (const backend of backends()) {
  describe(`the development key [${backend.name}]`, () => {
    it('a second server on another database keeps the first one’s key; each CLI reaches its own', async () => {
      const f = folder();
      const [urlA, urlB] = [await backend.freshUrl(), await backend.freshUrl()];
      const a = await spawnServer(f.env(urlA), { cwd: f.cwd });
      const b = await spawnServer(f.env(urlB), { cwd: f.cwd });
      try {
        for (const s of [a, b]) assert.match(s.stdout(), /created a development account[\s\S]*SecretKey /);
        assert.equal(Object.keys(savedFile(f).databases).length, 2);
        for (const [url, s] of [
          [urlA, a],
          [urlB, b],
        ] as const) {
          const r = await call(f, url, s.host, 'DescribeVpcEx', '--get', 'code');
          assert.equal(r.status, 0, r.stderr);
        }
        // The key of one database does not open the other.
        const crossed = await call(f, urlA, b.host, 'DescribeVpcEx', '--get', 'code');
        assert.equal(crossed.status, 1);
        assert.match(crossed.stderr, /AuthFailure.SecretIdNotFound/);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });

    it('a restart names the key instead of losing it, and saves it again if the file is gone', async () => {
      const f = folder();
      const url = await backend.freshUrl();
      const first = await spawnServer(f.env(url), { cwd: f.cwd });
      await first.stop();
      const key = Object.values(savedFile(f).databases)[0]!;
      fs.rmSync(path.join(f.cwd, 'data/credentials.json'));
      const again = await spawnServer(f.env(url), { cwd: f.cwd });
      try {
        assert.match(again.stdout(), new RegExp(`development account 1000000, SecretId ${key.secretId}`));
        assert.doesNotMatch(again.stdout(), /SecretKey/);
        assert.deepEqual(Object.values(savedFile(f).databases)[0], key);
        const r = await call(f, url, again.host, 'DescribeVpcEx', '--get', 'code');
        assert.equal(r.status, 0, r.stderr);
      } finally {
        await again.stop();
      }
    });

    it('vpc-eni credentials prints the key from the database; --rotate replaces it on a running server', async () => {
      const f = folder();
      const url = await backend.freshUrl();
      const server = await spawnServer(f.env(url), { cwd: f.cwd });
      try {
        const old = Object.values(savedFile(f).databases)[0]!;
        fs.rmSync(path.join(f.cwd, 'data/credentials.json'));
        const shown = await runCliAsync(['credentials', '--json'], f.env(url), { cwd: f.cwd });
        assert.equal(shown.status, 0, shown.stderr);
        const printed = JSON.parse(shown.stdout) as Record<string, unknown>;
        assert.deepEqual({ appId: printed.appId, secretId: printed.secretId, secretKey: printed.secretKey }, old);
        assert.deepEqual(Object.values(savedFile(f).databases)[0], old);

        const env = await runCliAsync(['credentials', '--env'], f.env(url), { cwd: f.cwd });
        assert.equal(
          env.stdout,
          `export VPC_ENI_SECRET_ID=${old.secretId}\nexport VPC_ENI_SECRET_KEY=${old.secretKey}\n`,
        );

        const rotated = await runCliAsync(['credentials', '--rotate'], f.env(url), { cwd: f.cwd });
        assert.equal(rotated.status, 0, rotated.stderr);
        const fresh = Object.values(savedFile(f).databases)[0]!;
        assert.notEqual(fresh.secretId, old.secretId);
        assert.ok(rotated.stdout.includes(fresh.secretKey));
        const r = await call(f, url, server.host, 'DescribeVpcEx', '--get', 'code');
        assert.equal(r.status, 0, r.stderr);
        const oldRefused = await eventually(async () => {
          const o = await runCliAsync(['call', 'DescribeVpcEx'], {
            VPC_ENI_ENDPOINT: `http://${server.host}`,
            VPC_ENI_SECRET_ID: old.secretId,
            VPC_ENI_SECRET_KEY: old.secretKey,
          });
          return o.status === 1 && o.stdout.includes('AuthFailure.SecretIdNotFound');
        });
        assert.ok(oldRefused, 'the old key still works after rotation');
      } finally {
        await server.stop();
      }
    });
  });
}

describe('the credentials file', () => {
  it('a server that cannot save the key stops before it listens, naming the file; credentials recovers it', async () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'not-a-folder'), '');
    const url = `sqlite:${path.join(cwd, 'dev.db')}`;
    const env = { DATABASE_URL: url, VPC_ENI_ACCOUNTS: '', VPC_ENI_CREDENTIALS_FILE: 'not-a-folder/credentials.json' };
    const refused = await runCliAsync(['serve'], { ...env, PORT: '0' }, { cwd, timeout: 20_000 });
    assert.equal(refused.status, 1);
    assert.doesNotMatch(refused.stdout, /listening/);
    assert.match(
      refused.stderr,
      /cannot (read|save the development key to) .*not-a-folder\/credentials.json \(VPC_ENI_CREDENTIALS_FILE\)/,
    );
    assert.match(refused.stderr, /vpc-eni credentials/);

    const shown = await runCliAsync(['credentials'], { ...env, VPC_ENI_CREDENTIALS_FILE: 'ok.json' }, { cwd });
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /SecretKey [A-Za-z0-9]{32}/);
    assert.ok(fs.existsSync(path.join(cwd, 'ok.json')));
  });

  it('a file that is not JSON is not overwritten', async () => {
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'data'));
    fs.writeFileSync(path.join(cwd, 'data/credentials.json'), 'my notes');
    const r = await runCliAsync(['serve'], { VPC_ENI_ACCOUNTS: '', PORT: '0' }, { cwd, timeout: 20_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /data\/credentials.json \(VPC_ENI_CREDENTIALS_FILE\) is not JSON/);
    assert.equal(fs.readFileSync(path.join(cwd, 'data/credentials.json'), 'utf8'), 'my notes');
  });

  it('vpc-eni credentials on a database that does not exist creates nothing', async () => {
    const cwd = tempDir();
    const r = await runCliAsync(['credentials'], { DATABASE_URL: 'sqlite:./nothing/here.db' }, { cwd });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /DATABASE_URL=sqlite:.*\/nothing\/here.db: there is no database at/);
    assert.deepEqual(fs.readdirSync(cwd), []);
  });
});
