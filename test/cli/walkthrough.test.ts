import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCOUNT_A } from '../support/harness.ts';
import { spawnServer, type ServerProcess } from '../support/process.ts';

// The README's walk-throughs, run as written against a fresh server: if a command in them stops
// working, this fails. `npx vpc-eni` is run as `node bin/vpc-eni.js` (what npx resolves to here,
// without npx's own start-up time).

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/vpc-eni.js');

/** The shell blocks of the README's "Walk-through" section, in order. */
function walkthroughBlocks(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Walk-through');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README walk-throughs', () => {
  let server: ServerProcess;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-walk-'));
    server = await spawnServer({ DATABASE_URL: `sqlite:${path.join(dir, 'walk.db')}`, TASK_LATENCY_MS: '20' });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const blocks = walkthroughBlocks();
  it('has the API 3.0 and the v2 walk-through', () => assert.equal(blocks.length, 2));

  for (const [n, block] of blocks.entries()) {
    it(`runs walk-through ${n + 1} as written (${n === 0 ? 'API 3.0' : 'v2'})`, () => {
      const script = block.replaceAll('npx vpc-eni', `node ${BIN}`);
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          VPC_ENI_ENDPOINT: `http://${server.host}`,
          VPC_ENI_SECRET_ID: ACCOUNT_A.secretId,
          VPC_ENI_SECRET_KEY: ACCOUNT_A.secretKey,
        },
      });
      assert.equal(result.status, 0, `walk-through failed:\n${result.stdout}\n${result.stderr}`);
      // The last command's answer: the ENI, attached to the instance.
      const last = result.stdout.slice(result.stdout.lastIndexOf('\n{'));
      if (n === 0) {
        const eni = JSON.parse(last).NetworkInterfaceSet[0];
        assert.equal(eni.State, 'AVAILABLE');
        assert.match(eni.Attachment.InstanceId, /^ins-[a-z0-9]{8}$/);
      } else {
        const eni = JSON.parse(last).data.data[0];
        assert.equal(eni.state, 'AVAILABLE');
        assert.match(eni.instanceSet.instanceId, /^ins-[a-z0-9]{8}$/);
      }
    });
  }
});
