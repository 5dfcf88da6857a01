import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, spawnServer, tempDir } from '../support/process.ts';

// `npm start` as a process manager (or `kill %1`) sees it: SIGTERM or SIGINT to the npm process
// stops the server within seconds, and no node process is left serving.

/** The pids of the processes below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

describe('npm start passes signals to the server', { skip: !fs.existsSync('/proc/self/task') && 'needs /proc' }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the npm process stops the server within seconds`, async () => {
      const dir = tempDir();
      const server = await spawnServer(
        { DATABASE_URL: `sqlite:${path.join(dir, 'x.db')}`, VPC_ENI_CREDENTIALS_FILE: path.join(dir, 'c.json') },
        { cwd: ROOT, command: [npm[0]!, ...npm.slice(1), 'start', '--silent'] },
      );
      const below = descendants(server.child.pid!);
      assert.ok(below.length > 0, 'npm start runs no process');
      assert.equal((await fetch(`http://${server.host}/healthz`)).status, 200);
      const started = Date.now();
      await server.stop(signal);
      for (const deadline = Date.now() + 5000; below.some(alive) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(
        below.filter(alive),
        [],
        `left running after ${signal} to npm: ${below.filter(alive).join(', ')}`,
      );
      assert.ok(Date.now() - started < 5000);
      await assert.rejects(fetch(`http://${server.host}/healthz`), 'the port still answers');
    });
  }
});
