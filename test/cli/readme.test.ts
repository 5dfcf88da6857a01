import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, startServer, type TestServer } from '../support/harness.ts';
import { cleanEnv, ROOT, tempDir } from '../support/process.ts';

// The README's SDK snippets, run as written: each pasted into a `.js` file of an ES-module package
// (as this repository is) that has the project's packages, with the key in the environment as the
// README says to put it, against a fresh server (its port instead of 8080).

/** The ```js blocks of the README's "From the official SDKs" section. */
function snippets(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### From the official SDKs');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function run(file: string, env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, [file], { cwd: path.dirname(file), env, timeout: 30_000 });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, out })));
}

describe('README SDK snippets', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await startServer(backends()[0]!);
    dir = tempDir();
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  });
  after(() => server.close());

  const blocks = snippets();
  it('has the two API 3.0 snippets and the v2 one', () => assert.equal(blocks.length, 3));

  const expected = [/TotalCount: 0/, /TotalCount: 0/, /code: 0/];
  for (const [n, block] of blocks.entries()) {
    it(`snippet ${n + 1} runs as a .js file of an ES module`, async () => {
      const file = path.join(dir, `snippet-${n + 1}.js`);
      fs.writeFileSync(file, block.replaceAll('8080', String(server.port)));
      const r = await run(file, {
        ...cleanEnv(),
        VPC_ENI_SECRET_ID: ACCOUNT_A.secretId,
        VPC_ENI_SECRET_KEY: ACCOUNT_A.secretKey,
      });
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, expected[n]!);
    });
  }
});
