import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ActionDef } from '../../src/api/v3/action.ts';
import { COMMON_CODES } from '../../src/api/v3/errors.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import type { Field } from '../../src/api/v3/schema.ts';
import { findViolations } from '../../src/cli/check.ts';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { rawRequest } from '../support/raw-client.ts';
import { tc3 } from '../support/raw3.ts';

// Hostile input for the API 3.0 door, derived from its registry: for every action, correctly
// signed JSON bodies whose parameters are the declared ones filled with plausible values (real ids
// of the caller, ids that name nothing, values in and out of range) or hostile ones (wrong JSON
// types, NUL, huge strings, nested garbage, SQL metacharacters). Every answer must be HTTP 200, the
// exact Content-Type, a `Response` with a RequestId and either a success or an error code the
// action declares (or a common one) — never InternalError — and the server keeps serving with its
// invariants intact. Seeded: VPC_ENI_FUZZ_SEED replays a run, VPC_ENI_FUZZ3_RUNS sets its size.

const RUNS = Number(process.env.VPC_ENI_FUZZ3_RUNS ?? 12);
const SEED = Number(process.env.VPC_ENI_FUZZ_SEED ?? 42);

type Ids = Record<'vpc' | 'subnet' | 'eni' | 'ins' | 'sg' | 'img', string[]>;

const HOSTILE: unknown[] = [
  null,
  '',
  ' ',
  '\u0000',
  'x'.repeat(5000),
  'Äpfel 😀 ΟΔΟΣ',
  "'; DROP TABLE enis; --",
  '%_\\',
  -1,
  0,
  2 ** 53,
  1.5,
  1e300,
  true,
  [],
  [null],
  [[[]]],
  {},
  { a: { b: [1] } },
  '10.0.0.300',
  '10.0.1.0/33',
];

/** A value for `field`: usually one of its own shape, sometimes anything at all. */
function value(field: Field<unknown>, ids: Ids, depth = 0): fc.Arbitrary<unknown> {
  const hostile = fc.constantFrom(...HOSTILE);
  const idPrefix = /^(vpc|subnet|eni|ins|sg|img)-xxxxxxxx$/.exec(field.type)?.[1] as keyof Ids | undefined;
  let own: fc.Arbitrary<unknown>;
  if (idPrefix) own = fc.constantFrom(...ids[idPrefix], `${idPrefix}-00000000`, `${idPrefix}-zz`);
  else if (field.item && depth < 3) own = fc.array(value(field.item, ids, depth + 1), { maxLength: 4 });
  else if (field.fields && depth < 3) {
    const entries = Object.entries(field.fields).map(([k, f]) => [
      k,
      fc.option(value(f, ids, depth + 1), { nil: undefined }),
    ]);
    own = fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>);
  } else if (field.type.startsWith('integer'))
    own = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.integer().map(String));
  else if (field.type.startsWith('true or false')) own = fc.constantFrom(true, false, 'TRUE', 'false', 'yes');
  else if (field.type.startsWith('IPv4'))
    own = fc.constantFrom('10.0.1.10', '10.0.1.0', '10.0.1.255', '10.0.9.9', '192.168.0.1');
  else if (field.type.startsWith('list of {Name, Values}')) {
    const names = /names: ([^)]*)\)/.exec(field.type)?.[1]?.split(', ') ?? [];
    const filter = fc.record({
      Name: fc.constantFrom(...names, 'tag:env', 'no-such-filter'),
      Values: fc.oneof(
        fc.array(fc.constantFrom(...Object.values(ids).flat(), 'TRUE', 'x', '10.0'), { maxLength: 3 }),
        hostile,
      ),
    });
    own = fc.array(fc.oneof(filter, hostile), { maxLength: 4 });
  } else if (field.type.startsWith('one of ')) own = fc.constantFrom(...field.type.slice(7).split(', '), 'NOPE');
  else
    own = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('demo', '10.0.0.0/16', '10.0.1.0/24', 'ap-guangzhou-3', '100003'),
    );
  return fc.oneof({ weight: 4, arbitrary: own }, { weight: 1, arbitrary: hostile });
}

function paramsOf(action: ActionDef, ids: Ids): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(action.params).map(([name, f]) => [
    name,
    f.isRequired
      ? fc.oneof({ weight: 9, arbitrary: value(f, ids) }, { weight: 1, arbitrary: fc.constant(undefined) })
      : fc.option(value(f, ids), { nil: undefined }),
  ]);
  return fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>);
}

for (const backend of backends()) {
  describe(`API 3.0 hostile input [${backend.name}]`, () => {
    let server: TestServer;
    const ids: Ids = { vpc: [], subnet: [], eni: [], ins: [], sg: [], img: ['img-00000000'] };
    before(async () => {
      // Slow tasks: inputs meet resources in flight too.
      server = await startServer(backend, { TASK_LATENCY_MS: '200' });
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      ids.vpc.push(net.vpcId);
      ids.subnet.push(net.subnetId);
      ids.ins.push(await instance(v2, net));
      ids.eni.push(await eni(v2, net));
      const sg = await v2.call('CreateSecurityGroup', { sgName: 'fuzz' });
      ids.sg.push(sg.data.sgId);
    });
    after(() => server.close());

    for (const action of ACTIONS_V3) {
      it(`${action.product} ${action.name}: every answer is a 3.0 envelope with a declared code`, async () => {
        const allowed = new Set<string>([...COMMON_CODES, ...(action.codes ?? [])]);
        await fc.assert(
          fc.asyncProperty(paramsOf(action, ids), async (params) => {
            const r = await tc3(server.port, { action: action.name, service: action.product, params });
            assert.equal(r.status, 200);
            assert.equal(r.headers['content-type'], 'application/json');
            const response = r.json.Response;
            assert.match(response.RequestId, /^[0-9a-f-]{36}$/);
            const error = response.Error;
            if (!error) return;
            assert.notEqual(error.Code, 'InternalError', `${action.name} ${JSON.stringify(params)}: ${error.Message}`);
            assert.ok(error.Message.length > 0, 'an error says why');
            if (action.codes)
              assert.ok(allowed.has(error.Code), `${action.name} answered undeclared ${error.Code}: ${error.Message}`);
            if (error.Code === 'MissingParameter' || error.Code === 'InvalidParameter') {
              assert.match(error.Message, /parameter|X-TC-|body/, `"${error.Message}" names no parameter`);
            }
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      });
    }

    it('keeps serving, and its state passes the invariant checker', async () => {
      const health = await rawRequest(server.port, { method: 'GET', target: '/healthz' });
      assert.equal(health.status, 200);
      await server.app.worker.idle();
      await new Promise((r) => setTimeout(r, 400));
      await server.app.worker.idle();
      assert.deepEqual(await findViolations(server.app.db), []);
    });
  });
}
