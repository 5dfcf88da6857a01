import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { DOC_PATH, renderActionsDoc } from '../../scripts/actions-doc.ts';
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
