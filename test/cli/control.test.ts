import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/harness.ts';

// `vpc-eni faults | tasks | reset | snapshot | seed` against a running server: each prints the
// endpoint's answer, and a refusal exits 1 with the reason on stderr.

const BIN = path.resolve(import.meta.dirname, '../../bin/vpc-eni.js');

describe('test control from the command line', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await startServer(backends()[0]!);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-test-'));
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Asynchronous: the server answering these runs in this very process.
  const cli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, VPC_ENI_ENDPOINT: `http://${server.host}` },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('adds, lists, logs and clears fault rules', async () => {
    const added = await cli(
      'faults',
      'add',
      '{"id":"cli-1","action":"DescribeVpcs","error":{"code":"RequestLimitExceeded"}}',
    );
    assert.equal(added.status, 0, added.stderr);
    assert.equal(JSON.parse(added.stdout).rules[0].id, 'cli-1');
    const listed = JSON.parse((await cli('faults', 'list')).stdout);
    assert.deepEqual(
      listed.rules.map((r: { id: string }) => r.id),
      ['cli-1'],
    );
    const refused = await cli('faults', 'add', '{"action":"NoSuchAction","drop":true}');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /HTTP 400: rule \[0\]\.action "NoSuchAction" matches no action/);
    assert.equal((await cli('faults', 'add', 'not json')).status, 2);
    assert.equal((await cli('faults', 'remove', 'cli-1')).status, 0);
    assert.deepEqual(JSON.parse((await cli('faults', 'list')).stdout).rules, []);
    assert.equal((await cli('faults', 'log', '--limit', '5')).status, 0);
  });

  it('saves, exports, imports and restores snapshots; pushes and pops checkpoints; resets', async () => {
    assert.equal((await cli('snapshot', 'save', 'cli')).status, 0);
    const file = path.join(dir, 'cli.json');
    const exported = await cli('snapshot', 'export', 'cli', file);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).format, 'vpc-eni-snapshot');
    assert.equal((await cli('snapshot', 'import', 'again', file)).status, 0);
    assert.equal((await cli('snapshot', 'restore', 'again')).status, 0);
    const names = JSON.parse((await cli('snapshot', 'list')).stdout).snapshots.map((s: { name: string }) => s.name);
    assert.deepEqual(names.sort(), ['again', 'cli']);
    assert.equal(JSON.parse((await cli('snapshot', 'push')).stdout).depth, 1);
    assert.equal(JSON.parse((await cli('snapshot', 'pop')).stdout).depth, 0);
    const empty = await cli('snapshot', 'pop');
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /HTTP 409: the checkpoint stack is empty/);
    const reset = await cli('reset', '--account', '1251000001');
    assert.equal(reset.status, 0, reset.stderr);
    assert.ok('vpcs' in JSON.parse(reset.stdout).removed);
    assert.equal((await cli('tasks', 'latency', 'AttachNetworkInterface=500')).status, 0);
    assert.deepEqual(JSON.parse((await cli('tasks', 'latency')).stdout).byType, { AttachNetworkInterface: 500 });
    assert.equal((await cli('tasks', 'latency', 'Attach=fast')).status, 2);
    assert.equal((await cli('seed', 'same')).status, 0);
  });
});
