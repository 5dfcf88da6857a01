import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { instanceLimits, MAX_IPS_UNATTACHED_ENI } from '../../src/domain/limits.ts';

// The project's docs stand alone: nothing cites the specification outside the repository, every
// citation of docs/contract.md names one of its headings, and what a user needs day to day (the
// per-instance limits, the time zone) is there and agrees with the code.

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONTRACT = fs.readFileSync(path.join(ROOT, 'docs/contract.md'), 'utf8');

/** The repository's own text files: sources, tests, scripts, docs. */
function ownFiles(): string[] {
  const out = ['README.md', 'CONTRIBUTING.md'];
  for (const dir of ['src', 'test', 'scripts', 'bench', 'docs', 'bin']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir), { recursive: true }).map(String)) {
      if (/\.(ts|js|md)$/.test(f)) out.push(path.join(dir, f));
    }
  }
  return out.filter((f) => f !== 'test/unit/docs.test.ts');
}

const headings = new Set([...CONTRACT.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!));

describe('the docs stand alone', () => {
  it('nothing cites the specification outside the repository', () => {
    const outside = ownFiles().filter((f) => /DECISIONS\.md|DECISIONS §|shared\/spec|\/work\//.test(read(f)));
    assert.deepEqual(outside, []);
  });

  it('every citation of docs/contract.md names one of its headings', () => {
    let cited = 0;
    for (const f of ownFiles()) {
      for (const m of read(f).matchAll(/docs\/contract\.md, "([^"]+)"(?:\s*(?:to|,|and)\s*(?:\/\/\s*)?"([^"]+)")?/g)) {
        for (const name of [m[1], m[2]].filter(Boolean) as string[]) {
          assert.ok(
            [...headings].some((h) => h.startsWith(name)),
            `${f} cites "${name}", not a heading of contract.md`,
          );
          cited++;
        }
      }
    }
    assert.ok(cited >= 15, `only ${cited} citations found: is the pattern still right?`);
  });

  it('the README links the contract, the limits and the time zone', () => {
    const readme = read('README.md');
    assert.ok(readme.includes('(docs/contract.md)'));
    assert.ok(headings.has('Limits per instance') && headings.has('Times (UTC+8)'));
    assert.match(CONTRACT, /Beijing time, UTC\+8/);
  });

  it('the table of limits per instance is the one the code enforces', () => {
    const table = CONTRACT.slice(CONTRACT.indexOf('### Limits per instance'));
    const rows: Array<[string, number, number, number]> = [
      ['1 core, 1 GB', 1, 1, 0],
      ['1 core, more than 1 GB', 1, 2, 0],
      ['2 cores', 2, 4, 0],
      ['3 or 4 cores, up to 16 GB', 4, 16, 0],
      ['3 or 4 cores, above 16 GB', 4, 32, 0],
      ['5 to 12 cores', 8, 16, 0],
      ['more than 12 cores', 16, 32, 0],
    ];
    for (const [label, cpu, mem] of rows) {
      const { enis, ipsPerEni } = instanceLimits(cpu, mem);
      assert.match(table, new RegExp(`\\| ${label} +\\| ${enis} +\\| ${ipsPerEni} +\\|`), label);
    }
    assert.ok(table.includes(`may hold up to ${MAX_IPS_UNATTACHED_ENI} private IPs`));
  });
});

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}
