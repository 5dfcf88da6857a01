import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import { isWriteAction, READ_VERBS, verbOf, WRITE_VERBS } from '../../src/api/request-scope.ts';
import { backends } from '../support/backends.ts';
import { controlClient, type ControlClient } from '../support/control.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { sdk3Client, type Product3 } from '../support/sdk3.ts';

// Which actions are audited (docs/audit.md, "Reads and writes"): the verb an action's name starts
// with says it. Every registered action's verb must be on one of the two lists, so a new verb
// makes this test fail until someone decides; and every registered action, called through its
// door with no parameters (refused, mostly), leaves exactly one event if it is a write, none if
// it is a read.

const reads = new Set<string>(READ_VERBS);
const writes = new Set<string>(WRITE_VERBS);

describe('the read/write rule', () => {
  it('no verb is on both lists', () => {
    assert.deepEqual(
      [...reads].filter((v) => writes.has(v)),
      [],
    );
  });

  for (const [door, names] of [
    ['v2', ACTIONS.map((a) => a.name)],
    ['3.0', ACTIONS_V3.map((a) => a.name)],
  ] as const) {
    it(`every ${door} action's verb is on a list, and the rule agrees with it`, () => {
      const unlisted = names.filter((n) => !reads.has(verbOf(n)) && !writes.has(verbOf(n)));
      assert.deepEqual(unlisted, [], 'decide whether these verbs read or write (request-scope.ts)');
      for (const n of names) assert.equal(isWriteAction(n), writes.has(verbOf(n)), n);
    });
  }

  it('an unknown verb counts as a write', () => {
    assert.equal(isWriteAction('FrobnicateVpc'), true);
    assert.equal(isWriteAction('DescribeVpcs'), false);
  });
});

for (const backend of backends()) {
  describe(`every registered action through its door [${backend.name}]`, () => {
    let server: TestServer;
    let control: ControlClient;
    before(async () => {
      server = await startServer(backend);
      control = controlClient(server.host);
    });
    after(() => server.close());

    const count = async (query: string): Promise<number> => {
      const r = await control.get(`events?${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.totalCount;
    };

    it('v2: a write leaves one event, a read none', async () => {
      const c = server.client();
      for (const a of ACTIONS) {
        const before = await count('');
        const r = await c.call(a.name, {});
        assert.equal(typeof r.code, 'number', `${a.name}: ${JSON.stringify(r)}`);
        const wanted = isWriteAction(a.name) ? 1 : 0;
        assert.equal((await count('')) - before, wanted, `${a.name} answered ${r.codeDesc}`);
        // Each action is called once on this server: its events are the one just made.
        assert.equal(await count(`eventName=${a.name}`), wanted, a.name);
      }
    });

    it('3.0: a write leaves one event with the answer’s RequestId, a read none', async () => {
      const c = sdk3Client(server.port);
      for (const a of ACTIONS_V3) {
        const before = await count('');
        const r = await c.call(a.product as Product3, a.name, {});
        assert.ok(r.RequestId, `${a.name}: ${JSON.stringify(r)}`);
        const wanted = isWriteAction(a.name) ? 1 : 0;
        const code = 'Error' in r ? r.Error.Code : 'Success';
        assert.equal(await count(`requestId=${r.RequestId}`), wanted, `${a.product}:${a.name} answered ${code}`);
        assert.equal((await count('')) - before, wanted, `${a.product}:${a.name}`);
      }
    });
  });
}
