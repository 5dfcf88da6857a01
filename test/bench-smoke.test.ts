import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

// Benchmarks are not tests, but a benchmark nobody runs rots: this runs `npm run bench -- --smoke`
// (a tiny seed, about a second per scenario; PostgreSQL too when the tests have it) and checks
// that it completes cleanly — every request answered 0, every accepted task succeeded — and
// writes its table and JSON. The figures themselves are not checked.

const ROOT = path.resolve(import.meta.dirname, '..');

it('npm run bench -- --smoke completes cleanly and writes its report', { timeout: 120_000 }, () => {
  const pg = process.env.VPC_ENI_TEST_PG_URL;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--smoke', ...(pg ? ['--pg', pg] : [])],
    { cwd: ROOT, encoding: 'utf8', timeout: 110_000 },
  );
  assert.equal(result.status, 0, `bench --smoke failed:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /\| baseline: node:http, fixed v2 answer \|/);
  assert.match(result.stdout, /\| sqlite \| 100 \| attach\+detach, completed ops \|/);
  assert.match(result.stdout, /\| sqlite \| 100 \| attach\+detach over API 3\.0, completed ops \|/);
  assert.match(result.stdout, /\| sqlite \| 100 \| polled attach\+detach over v2, completed ops \|/);
  assert.match(result.stdout, /- (met|MISSED): sqlite: completed attach\+detach ops, tasks polled/);

  const report = JSON.parse(fs.readFileSync(path.join(ROOT, '.bench/smoke-results.json'), 'utf8'));
  assert.equal(report.runs.length, pg ? 2 : 1);
  for (const run of report.runs) {
    assert.ok(run.cycle.tasks.accepted > 0, `${run.backend}: no attach/detach was accepted`);
    assert.equal(run.cycle.tasks.succeeded, run.cycle.tasks.accepted);
    assert.ok(run.cycle3.tasks.accepted > 0, `${run.backend}: no 3.0 attach/detach was accepted`);
    assert.equal(run.cycle3.tasks.succeeded, run.cycle3.tasks.accepted);
    for (const polled of [run.polled, run.polled3]) {
      assert.ok(polled.completed.perS > 0 && polled.failed === 0, `${run.backend}: the polled cycle completed nothing`);
      assert.ok(polled.pollsPerOp >= 1, `${run.backend}: an operation ended without a poll seeing it`);
    }
    assert.ok(run.byInstance.perS > 0 && run.byVpc.perS > 0 && run.byInstanceAlone.perS > 0);
    assert.ok(run.peakRssMb > 0);
  }
});
