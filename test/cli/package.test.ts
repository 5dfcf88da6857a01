import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, spawnServer, tempDir } from '../support/process.ts';

// What `npm pack` makes: a package that runs `vpc-eni serve` from node_modules of an empty folder.
// A real `npm install` of it compiles better-sqlite3 (minutes), so this test unpacks the tarball
// where npm would put it and links the other packages from this checkout; it proves that the
// package holds every file the program needs, that what it needs at run time is in
// `dependencies`, and that tsx runs its sources from inside node_modules.

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('the npm package', () => {
  it('is MIT, with a LICENSE file, and needs nothing from devDependencies to run', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
    for (const dep of ['tsx', 'commander', 'better-sqlite3', 'pg', 'pino']) assert.ok(pkg.dependencies[dep], dep);
  });

  it('installed in an empty folder, runs vpc-eni serve', async () => {
    const dir = tempDir();
    const out = execFileSync(npm[0]!, [...npm.slice(1), 'pack', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const tarball = path.join(dir, out.trim().split('\n').at(-1)!);
    const app = path.join(dir, 'app');
    const installed = path.join(app, 'node_modules', pkg.name);
    fs.mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);

    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    assert.ok(files.includes('package/LICENSE') && files.includes('package/README.md'));
    assert.ok(!files.some((f) => f.startsWith('package/test/')), 'tests are packed');
    assert.ok(!files.some((f) => f.startsWith('package/data/')), 'local data is packed');

    // The other packages, as npm would have installed them beside it.
    for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
      if (name === '.bin' || name.startsWith('.')) continue;
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name));
    }
    const bin = path.join(installed, pkg.bin['vpc-eni']!);
    const version = execFileSync(process.execPath, [bin, '--version'], { cwd: app, encoding: 'utf8' });
    assert.equal(version.trim(), pkg.version);

    const server = await spawnServer({ VPC_ENI_ACCOUNTS: '' }, { cwd: app, command: [process.execPath, bin, 'serve'] });
    try {
      assert.equal((await fetch(`http://${server.host}/healthz`)).status, 200);
      assert.match(server.stdout(), /created a development account/);
      assert.ok(fs.existsSync(path.join(app, 'data/vpc-eni.db')), 'the database is not in the folder it ran in');
    } finally {
      await server.stop();
    }
  });
});
