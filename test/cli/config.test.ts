import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig, loadClientConfig } from '../../src/config.ts';
import { openDb } from '../../src/store/db.ts';
import { SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { backends, PG_URL } from '../support/backends.ts';
import { BIN, runCliAsync, spawnServer, tempDir } from '../support/process.ts';

// Every setting that cannot be used stops the program with a message naming the variable, the
// value and what is expected; so does a database, port or folder that cannot be used. A server
// says when it creates or migrates a schema, and refuses a database that holds someone else's
// tables unless told to.

describe('configuration errors name the variable, the value and what is expected', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /^PORT must be an integer from 0 to 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT must be an integer from 0 to 65535 \(got "70000"\)$/],
    [
      { LOG_LEVEL: 'bogus' },
      /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "bogus"\)$/,
    ],
    [{ VPC_ENI_AUTO_MIGRATE: 'no' }, /^VPC_ENI_AUTO_MIGRATE must be true or false \(got "no"\)$/],
    [{ VPC_ENI_AUTO_MIGRATE: '0' }, /^VPC_ENI_AUTO_MIGRATE must be true or false \(got "0"\)$/],
    [
      { DATABASE_URL: 'sqlite:' },
      /^DATABASE_URL must be sqlite:<path of a file> or postgres:.*; the path is empty \(got "sqlite:"\)$/,
    ],
    [
      { DATABASE_URL: 'mysql://x/y' },
      /^DATABASE_URL must be sqlite:<path of a file> or postgres:\/\/.* \(got "mysql:\/\/x\/y"\)$/,
    ],
    [{ DATABASE_URL: 'postgres://a b' }, /^DATABASE_URL must be .*this is not a URL \(got "postgres:\/\/a b"\)$/],
    [{ TASK_LATENCY_MS: '-5' }, /^TASK_LATENCY_MS must be an integer from 0 to 3600000 \(got "-5"\)$/],
    [{ DATA_PLANE_FAILURE_RATE: '2' }, /^DATA_PLANE_FAILURE_RATE must be a number from 0 to 1 \(got "2"\)$/],
    [{ PG_POOL_SIZE: 'ten' }, /^PG_POOL_SIZE must be an integer from 1 to 1000 \(got "ten"\)$/],
    [
      { VPC_ENI_ACCOUNTS: '12:AKID' },
      /^VPC_ENI_ACCOUNTS must be appId:secretId:secretKey,\.\.\. \(cannot read the entry "12:AKID"\)$/,
    ],
    [{ VPC_ENI_REGIONS: 'x' }, /^VPC_ENI_REGIONS: cannot read "x" \(want name:short:number:zones\)$/],
  ];
  for (const [env, message] of cases) {
    it(`${Object.entries(env)[0]!.join('=')}`, () => assert.throws(() => loadConfig(env), { message }));
  }

  it('the defaults, and true/false for VPC_ENI_AUTO_MIGRATE', () => {
    const c = loadConfig({});
    assert.deepEqual(
      [c.port, c.host, c.databaseUrl, c.autoMigrate, c.logLevel],
      [8080, '127.0.0.1', 'sqlite:./data/vpc-eni.db', true, 'info'],
    );
    assert.equal(loadConfig({ VPC_ENI_AUTO_MIGRATE: 'false' }).autoMigrate, false);
    assert.equal(loadConfig({ VPC_ENI_AUTO_MIGRATE: 'true' }).autoMigrate, true);
  });

  it('the CLI: VPC_ENI_ENDPOINT, HOST and PORT', () => {
    assert.throws(() => loadClientConfig({ VPC_ENI_ENDPOINT: 'ftp://x' }), {
      message: /^VPC_ENI_ENDPOINT must be a URL like/,
    });
    assert.equal(loadClientConfig({ HOST: '0.0.0.0', PORT: '8081' }).endpoint.href, 'http://127.0.0.1:8081/');
    assert.equal(loadClientConfig({}).endpointFrom, 'HOST and PORT');
  });

  it('vpc-eni serve stops at once on a bad setting, naming it', async () => {
    const r = await runCliAsync(['serve'], { LOG_LEVEL: 'bogus' });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      'vpc-eni serve: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "bogus")\n',
    );
  });
});

describe('what cannot be used stops the server, with the setting concerned', () => {
  it('a port in use: PORT, and the process ends', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const dir = tempDir();
      const r = await runCliAsync(['serve'], {
        PORT: String(port),
        DATABASE_URL: `sqlite:${dir}/x.db`,
        VPC_ENI_ACCOUNTS: '1:AKIDx:y',
      });
      assert.equal(r.status, 1, 'the server kept running, or exited 0');
      assert.match(r.stderr, new RegExp(`PORT=${port}: 127\\.0\\.0\\.1:${port} is already in use`));
    } finally {
      busy.close();
    }
  });

  it('an unreachable PostgreSQL: DATABASE_URL (password hidden) and the reason', async () => {
    const r = await runCliAsync(['serve'], { DATABASE_URL: 'postgres://admin:s3cret@127.0.0.1:1/vpceni', PORT: '0' });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /DATABASE_URL=postgres:\/\/admin@127\.0\.0\.1:1\/vpceni: cannot reach the database server: connect ECONNREFUSED 127\.0\.0\.1:1/,
    );
    assert.doesNotMatch(r.stderr, /s3cret/);
  });

  it('a data folder that cannot be written: DATABASE_URL and the path', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), '');
    const r = await runCliAsync(['serve'], { DATABASE_URL: `sqlite:${dir}/file/vpc-eni.db`, PORT: '0' });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /DATABASE_URL=sqlite:.*\/file\/vpc-eni\.db: cannot open or write .*\/file\/vpc-eni\.db: .*can this user create and write files in/,
    );
  });

  it('a read-only data folder, as a user without write access', async (t) => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(data, 0o555);
    // root writes anywhere: run the server as nobody, if nobody can read this checkout.
    const asRoot = process.getuid?.() === 0;
    if (asRoot && !readableByOthers(BIN)) return t.skip('the checkout is not readable by other users');
    const r = await runCliAsync(
      ['serve'],
      { DATABASE_URL: `sqlite:${data}/vpc-eni.db`, PORT: '0' },
      { cwd: dir, ...(asRoot && { uid: 65534, gid: 65534 }) },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /DATABASE_URL=sqlite:.*\/data\/vpc-eni\.db: cannot open or write .*: unable to open database file \(can this user create and write files in .*\/data\?\)/,
    );
  });

  it('a second server on the same SQLite file is refused while the first runs, and starts once it stopped', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${dir}/one.db`, VPC_ENI_CREDENTIALS_FILE: `${dir}/c.json` };
    const first = await spawnServer(env);
    const second = await runCliAsync(['serve'], { ...env, PORT: '0', VPC_ENI_ACCOUNTS: '1:AKIDx:y' });
    assert.equal(second.status, 1);
    assert.match(
      second.stderr,
      new RegExp(`another vpc-eni server \\(pid ${first.child.pid}\\) has this database open`),
    );
    await first.stop();
    const third = await spawnServer(env);
    await third.stop();
    assert.ok(!fs.existsSync(`${dir}/one.db.lock`), 'the lock outlives the server');
  });

  it('vpc-eni check on a SQLite file that does not exist says so and creates nothing', async () => {
    const dir = tempDir();
    const r = await runCliAsync(['check'], { DATABASE_URL: `sqlite:${dir}/missing/x.db` });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /DATABASE_URL=sqlite:.*\/missing\/x\.db: there is no database at/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

/** Whether every folder above `file` can be entered, and the file read, by any user. */
function readableByOthers(file: string): boolean {
  for (let p = path.dirname(file); p !== path.dirname(p); p = path.dirname(p)) {
    if ((fs.statSync(p).mode & 0o001) === 0) return false;
  }
  return (fs.statSync(file).mode & 0o004) !== 0;
}

/** A database holding a table of someone else's. */
async function foreignDatabase(url: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const db = await openDb(url);
    await db.run('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    await db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
  } finally {
    await client.end();
  }
}

for (const backend of backends()) {
  describe(`schemas the server creates or is refused [${backend.name}]`, () => {
    it('says that it created the schema, and says nothing of it at the next start', async () => {
      const url = await backend.freshUrl();
      const first = await spawnServer({ DATABASE_URL: url });
      await first.stop();
      assert.match(first.stdout(), new RegExp(`created the vpc-eni schema \\(version ${SCHEMA_VERSION}\\) in `));
      const again = await spawnServer({ DATABASE_URL: url });
      await again.stop();
      assert.doesNotMatch(again.stdout(), /schema/);
    });

    it('refuses a database with tables of its own unless migrate --allow-non-empty', async () => {
      const url = await backend.freshUrl();
      await foreignDatabase(url);
      const env = { DATABASE_URL: url, VPC_ENI_ACCOUNTS: '1:AKIDx:y', PORT: '0' };
      for (const args of [['serve'], ['migrate']]) {
        const r = await runCliAsync(args, env, { timeout: 20_000 });
        assert.equal(r.status, 1, `${args[0]} accepted a foreign database: ${r.stdout}`);
        assert.match(
          r.stderr,
          /the database holds tables \(customers\) but no vpc-eni schema: refusing.*--allow-non-empty/,
        );
      }
      const forced = await runCliAsync(['migrate', '--allow-non-empty'], env);
      assert.equal(forced.status, 0, forced.stderr);
      const check = await runCliAsync(['check'], env);
      assert.equal(check.status, 0, check.stderr);
      assert.equal(check.stdout, 'no invariant violated\n');
    });
  });
}

if (PG_URL) {
  describe('PostgreSQL URLs in messages', () => {
    it('never show the password', async () => {
      const url = new URL(PG_URL!);
      url.password = 'topsecret';
      url.port = '1';
      const r = await runCliAsync(['migrate'], { DATABASE_URL: url.toString() });
      assert.equal(r.status, 1);
      assert.doesNotMatch(r.stderr, /topsecret/);
    });
  });
}
