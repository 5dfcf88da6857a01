import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import type { Field } from '../../src/api/v2/schema.ts';
import { sign, V2_PATH, withSignature } from '../../src/api/v2/signature.ts';
import { findViolations } from '../../src/cli/check.ts';
import { ALL_CODE_DESCS, codeOf, type CodeDesc } from '../../src/api/v2/errors.ts';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';

// Hostile input (issue 6): every action's parameters fuzzed with correctly signed requests. Every
// answer is a 4000 naming a parameter, a clean business error (5000/5100) or a success — never a
// 6000, a 500, a body that is not JSON, or a hang — and the server keeps serving. Then signature
// tampering: any one change after signing is 4100.
//
// CI: a fixed seed and VPC_ENI_FUZZ_RUNS (default 25) inputs per action. Long run:
//   VPC_ENI_FUZZ_RUNS=2000 VPC_ENI_FUZZ_SEED=7 npm test -- reliability/fuzz

const RUNS = Number(process.env.VPC_ENI_FUZZ_RUNS ?? 25);
const SEED = Number(process.env.VPC_ENI_FUZZ_SEED ?? 20240606);
const REQUEST_TIMEOUT_MS = 10_000;
const COMMON = ['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'SignatureMethod', 'Signature'];

type Pairs = Array<[string, string]>;
interface Reply {
  status: number;
  text: string;
}

/** One HTTP exchange on its own connection; a server that does not answer in time fails the test. */
function exchange(
  port: number,
  o: { method: string; target: string; body?: string; host?: string; contentType?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { host: o.host ?? `127.0.0.1:${port}`, connection: 'close' };
    if (o.body !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(o.body);
    }
    const req = http.request({ host: '127.0.0.1', port, method: o.method, path: o.target, headers, agent: false });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms (a hang)`)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // Over 1 MB the server may close the connection before the client has finished writing:
      // refused at the transport level, which is what the size limits promise.
      const size = Buffer.byteLength(o.target) + Buffer.byteLength(o.body ?? '');
      if (size > 1024 * 1024 && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        resolve({ status: 431, text: JSON.stringify({ error: `connection closed: ${err.code}` }) });
      } else reject(err);
    });
    req.end(o.body);
  });
}

/** Lone surrogates cannot be encoded as UTF-8: replace them, as String.prototype.toWellFormed does. */
const wellFormed = (text: string) =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** Percent-encodes every byte but the unreserved ones; spaces sometimes as `+`, as forms do. */
function encode(text: string, plusForSpace = false): string {
  const out = encodeURIComponent(wellFormed(text)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16));
  return plusForSpace ? out.replaceAll('%20', '+') : out;
}

interface Signing {
  account?: { secretId: string; secretKey: string };
  method?: 'GET' | 'POST';
  /** The host the client signs for (default: the one it sends to). */
  signedHost?: string;
}

/** The common parameters plus `params`, signed as a client would; values made well-formed first. */
function signed(host: string, action: string, params: Pairs, o: Signing = {}): Pairs {
  const account = o.account ?? ACCOUNT_A;
  const pairs: Pairs = [
    ['Action', action],
    ['Region', 'gz'],
    ['Timestamp', String(Math.floor(Date.now() / 1000))],
    ['Nonce', String(randomInt(1, 2 ** 47))],
    ['SecretId', account.secretId],
    ['SignatureMethod', 'HmacSHA256'],
    ...params.map(([k, v]): [string, string] => [wellFormed(k), wellFormed(grow(v))]),
  ];
  // A parameter given again replaces the common one (the fuzzer may choose Region itself).
  const merged = dedupeCommon(pairs);
  return withSignature(merged, {
    secretKey: account.secretKey,
    method: o.method ?? 'POST',
    host: o.signedHost ?? host,
  });
}

function dedupeCommon(pairs: Pairs): Pairs {
  const lastCommon = new Map<string, number>();
  pairs.forEach(([k], i) => COMMON.includes(k) && lastCommon.set(k, i));
  return pairs.filter(([k], i) => !COMMON.includes(k) || lastCommon.get(k) === i);
}

function send(port: number, method: 'GET' | 'POST', form: string, host?: string): Promise<Reply> {
  return method === 'GET'
    ? exchange(port, { method, target: `${V2_PATH}?${form}`, host })
    : exchange(port, { method, target: V2_PATH, body: form, host });
}

const formOf = (pairs: Pairs, plus = false) => pairs.map(([k, v]) => `${encode(k, plus)}=${encode(v, plus)}`).join('&');

/** What every answer must be: JSON with a known code and codeDesc, of an allowed class. */
function judge(reply: Reply, sentNames: readonly string[], declared: readonly string[], allowTransport = false) {
  // Over the documented sizes (POST body 1 MB, GET query 32 KB, request line and headers 1 MB).
  if (allowTransport && [413, 414, 431].includes(reply.status)) {
    assert.ok(JSON.parse(reply.text).error, `a transport error says why in JSON: ${reply.text}`);
    return `HTTP ${reply.status}`;
  }
  assert.equal(reply.status, 200, `HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
  let body: { code?: unknown; codeDesc?: unknown; message?: unknown };
  try {
    body = JSON.parse(reply.text) as typeof body;
  } catch {
    assert.fail(`not JSON: ${reply.text.slice(0, 300)}`);
  }
  assert.equal(typeof body.code, 'number', reply.text.slice(0, 300));
  assert.equal(typeof body.message, 'string');
  const code = body.code as number;
  const codeDesc = body.codeDesc as CodeDesc;
  if (body.code === 0) {
    assert.equal(codeDesc, 'Success');
    return 'success';
  }
  assert.ok(ALL_CODE_DESCS.includes(codeDesc), `unknown codeDesc ${String(codeDesc)}`);
  assert.equal(codeOf(codeDesc), code, `${codeDesc} carries the wrong code`);
  assert.ok([4000, 5000, 5100].includes(code), `never ${code}: ${reply.text.slice(0, 300)}`);
  const message = body.message as string;
  assert.ok(message.length > 0, 'an error says why');
  if (code === 4000) {
    const names = [...COMMON, ...declared, ...sentNames, ...sentNames.map((n) => n.replaceAll('_', '.'))];
    assert.ok(
      names.some((n) => message.includes(JSON.stringify(n.slice(0, 64))) || (n.length > 0 && message.includes(n))),
      `a 4000 names the parameter: ${codeDesc} "${message}"`,
    );
  }
  return `${code} ${codeDesc}`;
}

// ---- what to send -----------------------------------------------------------------------------

/** The parameter names an action declares, with list indices and object fields spelled out. */
function shapes(params: Record<string, Field<unknown>>): Array<{ name: string; list: boolean; fields: string[] }> {
  return Object.entries(params).map(([name, field]) => {
    const objectList = /^list of object \{([^}]*)\}/.exec(field.type);
    return {
      name,
      list: field.type.startsWith('list of'),
      fields: objectList ? objectList[1]!.split(',').map((s) => s.trim()) : [],
    };
  });
}

/** `${HUGE}n` is sent as n copies of 'é' (two bytes each, six once percent-encoded). */
const HUGE = '\ue000huge:';
const grow = (v: string) => (v.startsWith(HUGE) ? 'é'.repeat(Number(v.slice(HUGE.length))) : v);

const HOSTILE = [
  '',
  ' ',
  '0',
  '-1',
  '-0',
  '007',
  '1.5',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  'true',
  'FALSE',
  'null',
  '[]',
  '{}',
  '{"a":[1,{"b":null}]}',
  '"',
  "'",
  "' OR '1'='1",
  "'; DROP TABLE enis; --",
  '\\',
  '%',
  '%%',
  '_',
  '*',
  '\u0000',
  'a\u0000b',
  '\r\n',
  '<script>alert(1)</script>',
  '${process.exit()}',
  '__proto__',
  'constructor',
  '255.255.255.255',
  '10.0.1.300',
  '10.0.1.5/24',
  '0.0.0.0',
  '::1',
  'eni-00000000',
  'vpc-AAAAAAAA',
  'ins-',
  '9'.repeat(20),
  '2147483648',
  '-2147483649',
  '9007199254740993',
  'ap-guangzhou-3',
  '100003',
  '😀',
  'é',
  '\u202e',
  '\ufeff',
  'x'.repeat(256),
];

/** Values that make sense for a parameter name, so that fuzzing also reaches the business rules. */
function plausible(fixture: Fixture): Record<string, string[]> {
  return {
    vpcId: [fixture.vpcId],
    subnetId: [fixture.subnetId],
    networkInterfaceId: fixture.enis,
    instanceId: [fixture.instanceId],
    instanceIds: [fixture.instanceId],
    oldInstanceId: [fixture.instanceId],
    newInstanceId: [fixture.instanceId],
    sourceNetworkInterfaceId: fixture.enis,
    destinationNetworkInterfaceId: fixture.enis,
    zoneId: ['100003', 'ap-guangzhou-3'],
    cidrBlock: ['10.0.0.0/16', '10.0.9.0/24'],
    privateIpAddress: [`${fixture.subnetIp}77`, `${fixture.subnetIp}2`, `${fixture.subnetIp}3`, '10.0.1.77'],
    primary: ['true', '0'],
    taskId: [String(fixture.taskId)],
    cpu: ['2'],
    mem: ['4'],
    goodsNum: ['1', '2'],
    offset: ['0', '1'],
    limit: ['1', '20'],
    orderField: ['createTime'],
    orderDirection: ['asc'],
    secondaryPrivateIpAddressCount: ['1'],
    sgIds: fixture.sgId ? [fixture.sgId] : [],
    sgId: fixture.sgId ? [fixture.sgId] : [],
  };
}

interface Fixture {
  /** The first three octets of the fixture subnet's addresses, e.g. `10.7.1.`. */
  subnetIp: string;
  vpcId: string;
  subnetId: string;
  instanceId: string;
  enis: string[];
  taskId: number;
  sgId?: string;
}

function valueArb(leaf: string, fixture: Fixture): fc.Arbitrary<string> {
  const good = plausible(fixture)[leaf] ?? [];
  return fc.oneof(
    { arbitrary: good.length ? fc.constantFrom(...good) : fc.constant('fuzz'), weight: 4 },
    { arbitrary: fc.constantFrom(...HOSTILE), weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
    { arbitrary: fc.oneof(fc.integer(), fc.bigInt(), fc.double()).map(String), weight: 1 },
    // Huge values travel as a short token (so a counterexample prints short) and grow when sent.
    { arbitrary: fc.integer({ min: 1000, max: 40_000 }).map((n) => `${HUGE}${n}`), weight: 1 },
  );
}

/** A set of parameters for `action`: some declared, odd indices, stray names, `_` spellings. */
function paramsArb(params: Record<string, Field<unknown>>, fixture: Fixture): fc.Arbitrary<Pairs> {
  const entries = shapes(params).map((s) => {
    const indices = fc.oneof(
      { arbitrary: fc.constant([0]), weight: 3 },
      { arbitrary: fc.constant([0, 1]), weight: 1 },
      { arbitrary: fc.constantFrom([1], [0, 2], [0, 0], [999999], [1000000]), weight: 1 },
    );
    const names: fc.Arbitrary<string[]> = !s.list
      ? fc.constant([s.name])
      : indices.chain((ix) =>
          s.fields.length === 0
            ? fc.constant(ix.map((i) => `${s.name}.${i}`))
            : fc
                .subarray(s.fields, { minLength: 1 })
                .map((fs) => ix.flatMap((i) => fs.map((f) => `${s.name}.${i}.${f}`))),
        );
    return fc.option(
      names.chain((ns) =>
        fc.tuple(
          ...ns.map((n) =>
            fc.tuple(
              fc.constant(n),
              valueArb(
                n
                  .split('.')
                  .filter((p) => !/^\d+$/.test(p))
                  .at(-1)!,
                fixture,
              ),
            ),
          ),
        ),
      ),
      { freq: 3, nil: [] as Array<[string, string]> },
    );
  });
  const stray = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('Region', 'foo', 'vpc_Id', 'x.0', 'a.b.c', '', '.', '..0', '_', 'Signature_', 'Action_x'),
        fc.string({ unit: 'grapheme', maxLength: 12 }),
      ),
      fc.constantFrom(...HOSTILE),
    ),
    { maxLength: 2 },
  );
  return fc
    .tuple(
      fc.tuple(...entries),
      stray,
      fc.boolean(),
      fc.nat(4).map((n) => n === 0),
    )
    .map(([groups, extra, underscore, duplicate]) => {
      let pairs: Pairs = [...groups.flat(), ...extra];
      // `_` reads as `.` (docs/contract.md, "Authentication and accounts"): the same request spelled the other way.
      if (underscore) pairs = pairs.map(([k, v]) => [k.replaceAll('.', '_'), v]);
      if (duplicate && pairs.length > 0) pairs.push([pairs[0]![0], pairs[0]![1] + 'x']);
      return pairs;
    });
}

for (const backend of backends()) {
  describe(`hostile input [${backend.name}]`, () => {
    let server: TestServer;
    let fixture: Fixture;
    let tried = 0;
    const outcomes = new Map<string, number>();

    /** Fresh resources for the fuzzer to aim at: the previous action's inputs may have deleted them. */
    async function build(): Promise<Fixture> {
      const c = server.client();
      const n = ++builds;
      const net = await vpcWithSubnet(c, { cidr: `10.${n % 250}.0.0/16`, subnetCidr: `10.${n % 250}.1.0/24` });
      const ins = await instance(c, net);
      const enis = [await eni(c, net), await eni(c, net, { secondaryPrivateIpAddressCount: 1 })];
      const attach = await c.run('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: enis[0],
        instanceId: ins,
      });
      let sgId: string | undefined;
      if (ACTIONS.some((a) => a.name === 'CreateSecurityGroup')) {
        const sg = await c.call('CreateSecurityGroup', { sgName: 'fuzz' });
        sgId = sg.data?.sgId;
      }
      const subnetIp = `10.${n % 250}.1.`;
      return { ...net, instanceId: ins, enis, taskId: attach.taskId, sgId, subnetIp };
    }
    let builds = 0;

    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100000' });
      fixture = await build();
    });
    after(async () => {
      console.log(`# ${backend.name}: inputs tried ${tried}; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
      await server.close();
    });

    for (const action of ACTIONS) {
      it(`${action.name}: every answer is a clean 4000, 5000, 5100 or success`, async (t) => {
        fixture = await build();
        const declared = Object.keys(action.params);
        await fc.assert(
          fc.asyncProperty(
            paramsArb(action.params, fixture),
            fc.constantFrom('GET', 'POST'),
            fc.boolean(),
            async (params, method, plus) => {
              const pairs = signed(server.host, action.name, params, { method: method as 'GET' | 'POST' });
              const reply = await send(server.port, method as 'GET' | 'POST', formOf(pairs, plus));
              tried++;
              const outcome = judge(
                reply,
                params.map(([k]) => k),
                declared,
                true,
              );
              outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
            },
          ),
          { seed: SEED + action.name.length, numRuns: RUNS, includeErrorInReport: true },
        );
        t.diagnostic(`${RUNS} inputs`);
      });
    }

    it('malformed percent-encoding, in names and values: 4000 naming the parameter', async () => {
      const bad = ['%', '%G1', '%E0%A4', '%ED%A0%80', '%C0%AF', '%FF', 'a%2', '%%41'];
      for (const method of ['GET', 'POST'] as const) {
        for (const b of bad) {
          const pairs = signed(server.host, 'DescribeVpcEx', [['vpcName', 'x']], { method });
          for (const form of [
            formOf(pairs) + `&vpcName2=${b}`,
            formOf(pairs) + `&${b}=1`,
            formOf(pairs).replace('Region=gz', `Region=${b}`),
          ]) {
            const reply = await send(server.port, method, form);
            tried++;
            const body = JSON.parse(reply.text);
            assert.deepEqual([body.code, body.codeDesc], [4000, 'InvalidParameter'], reply.text);
            assert.match(body.message, /percent-encoded/);
          }
        }
      }
    });

    it('a NUL character in any parameter of any action: 4000 naming it (PostgreSQL answered 6000)', async () => {
      for (const action of ACTIONS) {
        for (const s of shapes(action.params)) {
          const name = !s.list ? s.name : s.fields.length ? `${s.name}.0.${s.fields[0]}` : `${s.name}.0`;
          const pairs = signed(server.host, action.name, [[name, 'a\u0000b']]);
          const reply = await send(server.port, 'POST', formOf(pairs));
          tried++;
          const body = JSON.parse(reply.text);
          assert.deepEqual(
            [body.code, body.codeDesc],
            [4000, 'InvalidParameter'],
            `${action.name} ${name}: ${reply.text}`,
          );
          assert.ok(body.message.includes(name), body.message);
        }
      }
    });

    it('oversize bodies and queries: 413 and 414, and the server goes on', async () => {
      const big = 'x'.repeat(1024 * 1024 + 1);
      assert.equal((await exchange(server.port, { method: 'POST', target: V2_PATH, body: big })).status, 413);
      // Found by this fuzzer: a query over 64 KB was cut off by Node's header limit with a bare 431.
      for (const kb of [33, 200]) {
        const longQuery = 'a=' + 'x'.repeat(kb * 1024);
        const reply = await exchange(server.port, { method: 'GET', target: `${V2_PATH}?${longQuery}` });
        assert.equal(reply.status, 414, `${kb} KB query`);
        assert.match(JSON.parse(reply.text).error, /32 KB/);
      }

      // Just under the limit, correctly signed: an answer about the parameter, not a crash.
      const pairs = signed(server.host, 'DescribeVpcEx', [['vpcName', 'y'.repeat(300_000)]]);
      const reply = await send(server.port, 'POST', formOf(pairs));
      assert.equal(reply.status, 200);
      const body = JSON.parse(reply.text);
      assert.deepEqual([body.code, body.codeDesc], [4000, 'InvalidParameterValue']);
      assert.match(body.message, /vpcName/);
      tried += 5;
    });

    it('a body that is not a form, and JSON sent as a form: 4000 for the missing common parameter', async () => {
      for (const body of ['{"Action":"DescribeVpcEx"}', '\u0000\u0001\u0002', '&&&=&==', '=x']) {
        const reply = await exchange(server.port, {
          method: 'POST',
          target: V2_PATH,
          body,
          contentType: 'application/json',
        });
        tried++;
        judge(
          reply,
          body.split('&').map((part) => part.split('=')[0]!),
          [],
        );
        assert.equal(JSON.parse(reply.text).code, 4000, reply.text);
      }
    });

    it('signature tampering: any one change after signing is 4100', async () => {
      const c = server.client();
      // Filters that name no resource: the fuzzing above may have deleted the fixture's.
      const base: Pairs = [
        ['eniName', 'tamper'],
        ['offset', '0'],
        ['orderDirection', 'asc'],
      ];
      const other: Record<string, string> = {
        Action: 'DeleteNetworkInterface',
        Region: 'sh',
        SignatureMethod: 'HmacSHA1',
        SecretId: ACCOUNT_B.secretId,
      };
      const pairs = signed(server.host, 'DescribeNetworkInterfaces', base);
      const expect4100 = async (form: string, method: 'GET' | 'POST', what: string, host?: string) => {
        const reply = await send(server.port, method, form, host);
        tried++;
        const body = JSON.parse(reply.text);
        assert.deepEqual([body.code, body.codeDesc], [4100, 'AuthFailure.SignatureFailure'], `${what}: ${reply.text}`);
      };
      for (const [i, [name, value]] of pairs.entries()) {
        const changed =
          other[name] ??
          (/^\d+$/.test(value)
            ? String(Number(value) + 1)
            : name === 'Signature'
              ? sign('x', 'HmacSHA256', 'y')
              : value + 'x');
        const tampered = pairs.map((p, j): [string, string] => (j === i ? [name, changed] : p));
        await expect4100(formOf(tampered), 'POST', `changing ${name}`);
      }
      await expect4100(formOf([...pairs, ['eniDescription', 'added']]), 'POST', 'adding a parameter');
      await expect4100(formOf(pairs.filter(([k]) => k !== 'eniName')), 'POST', 'removing a parameter');
      await expect4100(formOf(pairs.map(([k, v]) => [k === 'eniName' ? 'EniName' : k, v])), 'POST', 'renaming');
      await expect4100(formOf(pairs), 'GET', 'changing the method');
      await expect4100(formOf(pairs), 'POST', 'changing the host', 'vpc.api.qcloud.com');
      // Signed for another host, sent here: the host in the signed string is the one received.
      const forOther = signed(server.host, 'DescribeNetworkInterfaces', base, { signedHost: 'vpc.api.qcloud.com' });
      await expect4100(formOf(forOther), 'POST', 'signing for another host');
      // Untouched, the same request is accepted: the tampering, not the request, was refused.
      const ok = await send(server.port, 'POST', formOf(signed(server.host, 'DescribeNetworkInterfaces', base)));
      assert.equal(JSON.parse(ok.text).code, 0, ok.text);
      // And through the official client, after all of that, the server still serves.
      assert.equal((await c.call('DescribeVpcEx', {})).code, 0);
    });

    it('after all of it: the server serves and the database is sound', async () => {
      const c = server.client();
      const r = await c.call('DescribeNetworkInterfaces', { vpcId: fixture.vpcId });
      assert.equal(r.code, 0, JSON.stringify(r));
      await server.app.worker.idle();
      const violations = await findViolations(server.app.db, { stuckAfterMs: 60_000 });
      assert.deepEqual(violations, []);
    });
  });
}
