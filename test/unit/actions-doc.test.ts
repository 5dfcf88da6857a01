import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { DOC_PATH, renderActionsDoc } from '../../scripts/actions-doc.ts';
import { API3_DOC_PATH, renderApi3Doc } from '../../scripts/api3-actions-doc.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import { ACTIONS } from '../../src/api/v2/registry.ts';

describe('docs/actions.md (the coverage list)', () => {
  it('is exactly what `npm run docs` generates from the action declarations', async () => {
    const committed = fs.readFileSync(DOC_PATH, 'utf8');
    assert.ok(committed === (await renderActionsDoc()), 'docs/actions.md is stale: run `npm run docs` and commit it');
  });

  it('has a section for every registered Action, with every declared parameter', async () => {
    const doc = await renderActionsDoc();
    for (const action of ACTIONS) {
      assert.ok(doc.includes(`\n## ${action.name}\n`), `${action.name} has no section`);
      const section = doc.slice(doc.indexOf(`\n## ${action.name}\n`)).split('\n## ')[1]!;
      for (const param of Object.keys(action.params)) {
        assert.match(section, new RegExp('`' + param + '(\\.N)?`'), `${action.name} lacks ${param}`);
      }
    }
  });
});

describe('docs/api3-actions.md (the API 3.0 list)', () => {
  it('is exactly what `npm run docs` generates from the declarations', async () => {
    const committed = fs.readFileSync(API3_DOC_PATH, 'utf8');
    assert.ok(committed === (await renderApi3Doc()), 'docs/api3-actions.md is stale: run `npm run docs` and commit it');
  });

  it('has a section for every registered action, with every declared parameter', async () => {
    const doc = await renderApi3Doc();
    for (const action of ACTIONS_V3) {
      const start = doc.indexOf(`\n## ${action.name}\n`);
      assert.ok(start >= 0, `${action.name} has no section`);
      const section = doc.slice(start).split('\n## ')[1]!;
      for (const param of Object.keys(action.params))
        assert.ok(section.includes('`' + param), `${action.name} lacks ${param}`);
    }
  });
});
