import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, describe, it } from 'node:test';
import { DOC_PATH, renderActionsDoc } from '../../scripts/actions-doc.ts';
import { API3_DOC_PATH, renderApi3Doc } from '../../scripts/api3-actions-doc.ts';
import { COMMON_CODES } from '../../src/api/v3/errors.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import { V2_CODES, V3_MEANINGS } from '../../src/cli/codes.ts';
import { exampleOf } from '../../src/cli/examples.ts';

// The action references are generated (npm run docs) and must be what the declarations and the
// example scenarios give today; every action has a section with its parameters, answer, codes and
// an example that ran.

/** The section of `doc` about `action`, up to the next one. */
function sectionOf(doc: string, action: string): string {
  const start = doc.indexOf(`\n## ${action}\n`);
  assert.ok(start >= 0, `${action} has no section`);
  return doc.slice(start).split('\n## ')[1]!;
}

describe('docs/actions.md (the v2 reference)', () => {
  let doc: string;
  before(async () => {
    doc = await renderActionsDoc();
  });

  it('is exactly what `npm run docs` generates from the declarations', () => {
    const committed = fs.readFileSync(DOC_PATH, 'utf8');
    assert.ok(committed === doc, 'docs/actions.md is stale: run `npm run docs` and commit it');
  });

  it('has, for every Action, its parameters, answer, codes and an example that ran', () => {
    for (const action of ACTIONS) {
      const section = sectionOf(doc, action.name);
      for (const param of Object.keys(action.params)) {
        assert.match(section, new RegExp('`' + param + '(\\.N)?`'), `${action.name} lacks ${param}`);
      }
      assert.ok(exampleOf('2', action.name), `${action.name} has no example in src/cli/examples.ts`);
      assert.match(section, /\*\*Answer\*\*[\s\S]*\| `code` +\| integer/, `${action.name} lacks its answer`);
      assert.match(section, /```sh\nvpc-eni call /, `${action.name} lacks its example`);
      for (const code of V2_CODES[action.name] ?? []) assert.ok(section.includes('`' + code + '`'), code);
    }
  });

  it('lists the codes of every Action and of no Action that does not exist', () => {
    assert.deepEqual(Object.keys(V2_CODES).sort(), ACTIONS.map((a) => a.name).sort());
  });
});

describe('docs/api3-actions.md (the API 3.0 reference)', () => {
  let doc: string;
  before(async () => {
    doc = await renderApi3Doc();
  });

  it('is exactly what `npm run docs` generates from the declarations', () => {
    const committed = fs.readFileSync(API3_DOC_PATH, 'utf8');
    assert.ok(committed === doc, 'docs/api3-actions.md is stale: run `npm run docs` and commit it');
  });

  it('has, for every action, its parameters, answer, codes and an example that ran', () => {
    for (const action of ACTIONS_V3) {
      const section = sectionOf(doc, action.name);
      for (const param of Object.keys(action.params)) {
        assert.ok(section.includes('`' + param), `${action.name} lacks ${param}`);
      }
      assert.ok(exampleOf('3', action.name), `${action.name} has no example in src/cli/examples.ts`);
      assert.match(section, /\| `RequestId` +\| string/, `${action.name} lacks its answer`);
      assert.match(section, /```sh\nvpc-eni call --api 3 /, `${action.name} lacks its example`);
      for (const code of action.codes ?? []) assert.ok(section.includes('`' + code + '`'), code);
    }
  });

  it('explains every code an action declares (src/cli/codes.ts)', () => {
    const codes = new Set([...COMMON_CODES, ...ACTIONS_V3.flatMap((a) => a.codes ?? [])]);
    const unexplained = [...codes].filter((c) => !V3_MEANINGS[c]);
    assert.deepEqual(unexplained, [], 'add a line for each to V3_MEANINGS in src/cli/codes.ts');
  });
});
