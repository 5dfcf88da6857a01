import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type Answer, type TestServer } from '../support/harness.ts';
import { commonParams, rawCall, sendParams, signParams, type Params } from '../support/raw-client.ts';

// Admission of a v2 request (docs/contract.md, "Authentication and accounts"): signature, keys, timestamp window, replay, and the
// order of those checks against Action and Region. The official SDK covers the honest client; the
// raw client covers what the SDK cannot send (replays, chosen timestamps, tampering).

function expectError(r: Record<string, any>, code: number, codeDesc: string, mentions?: string): void {
  assert.deepEqual({ code: r.code, codeDesc: r.codeDesc }, { code, codeDesc }, JSON.stringify(r));
  assert.equal(typeof r.message, 'string');
  assert.ok(r.message.length > 0, 'an error says why');
  if (mentions !== undefined)
    assert.ok(r.message.includes(mentions), `${JSON.stringify(r.message)} should name ${mentions}`);
}

function expectSuccess(r: Record<string, any>): void {
  assert.deepEqual({ code: r.code, codeDesc: r.codeDesc }, { code: 0, codeDesc: 'Success' }, JSON.stringify(r));
}

function without(params: Params, name: string): Params {
  const copy = { ...params };
  delete copy[name];
  return copy;
}

const json = async (p: Promise<{ text: string }>): Promise<Record<string, any>> => JSON.parse((await p).text);

for (const backend of backends()) {
  describe(`v2 authentication [${backend.name}]`, () => {
    let server: TestServer;
    let host: string;
    before(async () => {
      server = await startServer(backend);
      host = server.host;
    });
    after(() => server.close());

    /** DescribeVpcEx, the cheapest read, signed for this server. */
    const describeVpcs = (extra: Params = {}): Params => ({ ...commonParams(), Action: 'DescribeVpcEx', ...extra });

    describe('the official SDK', () => {
      for (const method of ['GET', 'POST'] as const) {
        for (const signatureMethod of ['sha1', 'sha256'] as const) {
          it(`${method} with ${signatureMethod === 'sha1' ? 'HmacSHA1' : 'HmacSHA256'}: values with spaces, +, &, = and UTF-8 arrive intact`, async () => {
            const c = server.client({ method, signatureMethod });
            const vpcName = `${method} ${signatureMethod} a+b&c=d%25/子网`;
            const created = await c.call('CreateVpc', { vpcName, cidrBlock: '10.0.0.0/16' });
            expectSuccess(created);
            const found = await c.call('DescribeVpcEx', { vpcId: created.unVpcId });
            expectSuccess(found);
            assert.equal(found.totalCount, 1);
            assert.equal(found.data[0].vpcName, vpcName);
          });
        }
      }

      it('a wrong SecretKey → 4100 AuthFailure.SignatureFailure', async () => {
        const c = server.client({ account: { secretId: ACCOUNT_A.secretId, secretKey: ACCOUNT_B.secretKey } });
        expectError(await c.call('DescribeVpcEx'), 4100, 'AuthFailure.SignatureFailure');
      });

      it('an unknown SecretId → 4104 AuthFailure.SecretIdNotFound', async () => {
        const c = server.client({ account: { secretId: 'AKIDnobodyHasThisKey000000000000000', secretKey: 'x' } });
        expectError(await c.call('DescribeVpcEx'), 4104, 'AuthFailure.SecretIdNotFound');
      });

      it('parameter names spelled with _ (signed as ., sent as _) are accepted and verify', async () => {
        for (const method of ['GET', 'POST'] as const) {
          const c = server.client({ method });
          const r = await c.call('CreateVpc', {
            vpcName: `underscored-${method}`,
            cidrBlock: '10.1.0.0/16',
            subnetSet_0_subnetName: `web_${method}`,
            subnetSet_0_cidrBlock: '10.1.1.0/24',
            subnetSet_0_zoneId: '100003',
          });
          expectSuccess(r);
          assert.equal(r.subnetSet.length, 1);
          assert.equal(r.subnetSet[0].subnetName, `web_${method}`);
          assert.equal(r.subnetSet[0].cidrBlock, '10.1.1.0/24');
        }
      });
    });

    describe('signature', () => {
      it('a signature that differs in one character → 4100', async () => {
        const signed = signParams(describeVpcs(), { method: 'POST', host });
        const s = signed.Signature!;
        const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
        expectError(
          await json(sendParams(server.port, 'POST', { ...signed, Signature: flipped })),
          4100,
          'AuthFailure.SignatureFailure',
        );
      });

      it('tampering with any one parameter after signing → 4100; the untouched request then succeeds', async () => {
        const signed = signParams(describeVpcs({ SignatureMethod: 'HmacSHA256', limit: '5', orderDirection: 'asc' }), {
          method: 'POST',
          host,
        });
        // Each replacement keeps the request well-formed and the key real, so only the signature can object.
        const replacements: Params = {
          SecretId: ACCOUNT_B.secretId,
          Action: 'DescribeSubnetEx',
          Region: 'sh',
          SignatureMethod: 'HmacSHA1',
          orderDirection: 'desc',
        };
        const tamperings: Array<[string, Params]> = [];
        for (const [name, value] of Object.entries(signed)) {
          if (name === 'Signature') continue;
          const changed = replacements[name] ?? (/^\d+$/.test(value) ? String(Number(value) + 1) : undefined);
          assert.ok(changed !== undefined, `no tampering for ${name}`);
          tamperings.push([`${name} ${value} → ${changed}`, { ...signed, [name]: changed }]);
        }
        tamperings.push(['SignatureMethod removed', without(signed, 'SignatureMethod')]);
        tamperings.push(['limit removed', without(signed, 'limit')]);
        tamperings.push(['offset added', { ...signed, offset: '0' }]);
        tamperings.push(['vpcId added', { ...signed, vpcId: 'vpc-00000000' }]);

        assert.ok(tamperings.length >= 10);
        for (const [label, params] of tamperings) {
          const r = await json(sendParams(server.port, 'POST', params));
          assert.equal(r.codeDesc, 'AuthFailure.SignatureFailure', `${label}: ${JSON.stringify(r)}`);
          assert.equal(r.code, 4100, label);
        }
        expectSuccess(await json(sendParams(server.port, 'POST', signed)));
      });

      it('sending with another method than the one signed → 4100', async () => {
        const forPost = signParams(describeVpcs(), { method: 'POST', host });
        expectError(await json(sendParams(server.port, 'GET', forPost)), 4100, 'AuthFailure.SignatureFailure');
        const forGet = signParams(describeVpcs(), { method: 'GET', host });
        expectError(await json(sendParams(server.port, 'POST', forGet)), 4100, 'AuthFailure.SignatureFailure');
      });

      it('the signed host is the Host header as received: another host → 4100', async () => {
        for (const other of [`localhost:${server.port}`, '127.0.0.1', 'vpc.api.qcloud.com']) {
          const signed = signParams(describeVpcs(), { method: 'POST', host });
          const r = await json(sendParams(server.port, 'POST', signed, { hostHeader: other }));
          expectError(r, 4100, 'AuthFailure.SignatureFailure');
        }
        const forRealHost = signParams(describeVpcs(), { method: 'POST', host: 'vpc.api.qcloud.com' });
        expectError(await json(sendParams(server.port, 'POST', forRealHost)), 4100, 'AuthFailure.SignatureFailure');
        expectSuccess(await json(sendParams(server.port, 'POST', forRealHost, { hostHeader: 'vpc.api.qcloud.com' })));
      });

      it('an extra unknown parameter (like the SDK RequestClient) is accepted and is part of the signature', async () => {
        const extra = { RequestClient: 'SDK_RAW_TEST', somethingNew: 'x y', Token: '' };
        for (const method of ['GET', 'POST'] as const) {
          expectSuccess(await rawCall(server.port, { Action: 'DescribeVpcEx', ...extra }, { method }));
        }
        const signedWithout = signParams(describeVpcs(), { method: 'POST', host });
        const addedLater = { ...signedWithout, RequestClient: 'SDK_RAW_TEST' };
        expectError(await json(sendParams(server.port, 'POST', addedLater)), 4100, 'AuthFailure.SignatureFailure');
      });

      it('names sent with _ verify against a signature computed over the . names', async () => {
        const dotted: Params = {
          ...commonParams(),
          Action: 'CreateVpc',
          cidrBlock: '10.2.0.0/16',
          'subnetSet.0.subnetName': 'a',
          'subnetSet.0.cidrBlock': '10.2.1.0/24',
          'subnetSet.0.zoneId': '100003',
        };
        for (const method of ['GET', 'POST'] as const) {
          const signed = signParams({ ...dotted, vpcName: `raw-underscore-${method}` }, { method, host });
          const underscored = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.replaceAll('.', '_'), v]));
          assert.ok('subnetSet_0_zoneId' in underscored && !('subnetSet.0.zoneId' in underscored));
          const r = await json(sendParams(server.port, method, underscored));
          expectSuccess(r);
          assert.equal(r.subnetSet[0].subnetName, 'a');
        }
      });

      it('HmacSHA256 is chosen by SignatureMethod=HmacSHA256 only; a SHA-256 signature without it → 4100', async () => {
        expectSuccess(await rawCall(server.port, { Action: 'DescribeVpcEx', SignatureMethod: 'HmacSHA256' }));
        expectSuccess(await rawCall(server.port, { Action: 'DescribeVpcEx', SignatureMethod: 'HmacSHA1' }));
        // Lower case does not select SHA-256, so a client that signed with SHA-256 is refused.
        const params = describeVpcs({ SignatureMethod: 'hmacsha256' });
        const sha256 = signParams({ ...params, SignatureMethod: 'HmacSHA256' }, { method: 'POST', host });
        const sent = { ...params, Signature: sha256.Signature! };
        expectError(await json(sendParams(server.port, 'POST', sent)), 4100, 'AuthFailure.SignatureFailure');
      });
    });

    describe('keys', () => {
      it('an unknown SecretId → 4104, before the signature is looked at', async () => {
        const params = describeVpcs({ SecretId: 'AKIDunknown' });
        const r = await json(sendParams(server.port, 'POST', { ...params, Signature: 'garbage' }));
        expectError(r, 4104, 'AuthFailure.SecretIdNotFound', 'AKIDunknown');
      });

      it('each account signs with its own key: A’s SecretId with B’s key → 4100, B with B’s → success', async () => {
        const asB = signParams(describeVpcs(), { method: 'POST', host, secretKey: ACCOUNT_B.secretKey });
        expectError(await json(sendParams(server.port, 'POST', asB)), 4100, 'AuthFailure.SignatureFailure');
        const b = signParams(describeVpcs({ SecretId: ACCOUNT_B.secretId }), {
          method: 'POST',
          host,
          secretKey: ACCOUNT_B.secretKey,
        });
        const r = await json(sendParams(server.port, 'POST', b));
        expectSuccess(r);
        assert.equal(r.totalCount, 0, 'account B sees none of account A’s VPCs');
      });
    });

    describe('timestamp window and replay', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const at = (timestamp: number): Params => ({ ...describeVpcs(), Timestamp: String(timestamp) });

      it('older than 300 s → 4500 InvalidRequest.ReplayAttack', async () => {
        for (const age of [301, 3600, now()]) {
          const signed = signParams(at(now() - age), { method: 'POST', host });
          expectError(await json(sendParams(server.port, 'POST', signed)), 4500, 'InvalidRequest.ReplayAttack');
        }
      });

      it('more than 300 s in the future → 4500 InvalidRequest.ReplayAttack', async () => {
        for (const ahead of [310, 86_400]) {
          const signed = signParams(at(now() + ahead), { method: 'POST', host });
          expectError(await json(sendParams(server.port, 'POST', signed)), 4500, 'InvalidRequest.ReplayAttack');
        }
      });

      it('inside the window on either side → success', async () => {
        for (const skew of [-290, -60, 0, 60, 290]) {
          const signed = signParams(at(now() + skew), { method: 'POST', host });
          expectSuccess(await json(sendParams(server.port, 'POST', signed)));
        }
      });

      it('a stale timestamp with a bad signature is a signature failure (4100 before 4500)', async () => {
        const signed = signParams(at(now() - 3600), { method: 'POST', host, secretKey: 'wrong' });
        expectError(await json(sendParams(server.port, 'POST', signed)), 4100, 'AuthFailure.SignatureFailure');
      });

      for (const method of ['GET', 'POST'] as const) {
        it(`the exact same ${method} request twice → the second is 4500 InvalidRequest.ReplayAttack`, async () => {
          const signed = signParams(describeVpcs(), { method, host });
          expectSuccess(await json(sendParams(server.port, method, signed)));
          expectError(await json(sendParams(server.port, method, signed)), 4500, 'InvalidRequest.ReplayAttack');
          expectError(await json(sendParams(server.port, method, signed)), 4500, 'InvalidRequest.ReplayAttack');
        });
      }

      it('a replay is refused even when the first answer was an error of the action', async () => {
        const signed = signParams(describeVpcs({ Action: 'DeleteVpc', vpcId: 'vpc-00000000' }), {
          method: 'POST',
          host,
        });
        expectError(await json(sendParams(server.port, 'POST', signed)), 5000, 'InvalidVpc.NotFound');
        expectError(await json(sendParams(server.port, 'POST', signed)), 4500, 'InvalidRequest.ReplayAttack');
      });

      it('a repeated Nonce alone is not a replay: honest requests that differ elsewhere pass', async () => {
        const nonce = '4242';
        const first = signParams({ ...describeVpcs(), Nonce: nonce }, { method: 'POST', host });
        const second = signParams({ ...describeVpcs({ limit: '7' }), Nonce: nonce }, { method: 'POST', host });
        const third = signParams({ ...at(now() - 1), Nonce: nonce }, { method: 'POST', host });
        for (const signed of [first, second, third]) expectSuccess(await json(sendParams(server.port, 'POST', signed)));
      });

      it('concurrent copies of one request: exactly one is accepted', async () => {
        const signed = signParams(describeVpcs(), { method: 'POST', host });
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => json(sendParams(server.port, 'POST', signed))),
        );
        assert.equal(answers.filter((a) => a.code === 0).length, 1, JSON.stringify(answers));
        for (const a of answers.filter((x) => x.code !== 0)) expectError(a, 4500, 'InvalidRequest.ReplayAttack');
      });
    });

    describe('common parameters', () => {
      for (const name of ['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature']) {
        it(`missing ${name} → 4000 InvalidParameter naming it`, async () => {
          const rest = without(describeVpcs(), name);
          const params = name === 'Signature' ? rest : signParams(rest, { method: 'POST', host });
          if (name === 'Signature') assert.ok(!('Signature' in params));
          const r = await json(sendParams(server.port, 'POST', params));
          expectError(r, 4000, 'InvalidParameter', name);
        });

        it(`empty ${name} → 4000 InvalidParameter naming it`, async () => {
          const params = { ...describeVpcs(), [name]: '' };
          const signed = name === 'Signature' ? params : signParams(params, { method: 'POST', host });
          expectError(await json(sendParams(server.port, 'POST', signed)), 4000, 'InvalidParameter', name);
        });
      }

      for (const name of ['Timestamp', 'Nonce']) {
        for (const bad of ['soon', '1.5', '-1', '1e9', ' 12', '0x10']) {
          it(`${name}=${JSON.stringify(bad)} → 4000 InvalidParameter naming it`, async () => {
            const signed = signParams({ ...describeVpcs(), [name]: bad }, { method: 'POST', host });
            expectError(await json(sendParams(server.port, 'POST', signed)), 4000, 'InvalidParameter', name);
          });
        }
      }

      it('a missing common parameter is reported before an unknown SecretId', async () => {
        const rest = without(describeVpcs({ SecretId: 'AKIDunknown' }), 'Nonce');
        expectError(await json(sendParams(server.port, 'POST', rest)), 4000, 'InvalidParameter', 'Nonce');
      });

      it('a Nonce of 0 and one of 19 digits (Python and Go clients) are accepted', async () => {
        for (const Nonce of ['0', '9223372036854775807']) {
          const signed = signParams({ ...describeVpcs(), Nonce }, { method: 'POST', host });
          expectSuccess(await json(sendParams(server.port, 'POST', signed)));
        }
      });
    });

    describe('Action and Region', () => {
      it('an unknown Action → 6100 InvalidAction.NotFound', async () => {
        for (const method of ['GET', 'POST'] as const) {
          const r = await rawCall(server.port, { Action: 'DescribeEverything' }, { method });
          expectError(r, 6100, 'InvalidAction.NotFound', 'DescribeEverything');
        }
        const sdk = await server.client().call('MigrateClouds');
        expectError(sdk, 6100, 'InvalidAction.NotFound', 'MigrateClouds');
      });

      it('an unknown Action is judged after authentication: bad signature 4100, unknown key 4104, stale 4500', async () => {
        const unknown = describeVpcs({ Action: 'DescribeEverything' });
        const badSig = signParams(unknown, { method: 'POST', host, secretKey: 'wrong' });
        expectError(await json(sendParams(server.port, 'POST', badSig)), 4100, 'AuthFailure.SignatureFailure');
        const badKey = signParams({ ...unknown, SecretId: 'AKIDunknown' }, { method: 'POST', host });
        expectError(await json(sendParams(server.port, 'POST', badKey)), 4104, 'AuthFailure.SecretIdNotFound');
        const stale = signParams(
          { ...unknown, Timestamp: String(Math.floor(Date.now() / 1000) - 3600) },
          {
            method: 'POST',
            host,
          },
        );
        expectError(await json(sendParams(server.port, 'POST', stale)), 4500, 'InvalidRequest.ReplayAttack');
      });

      it('Action names are case-sensitive', async () => {
        expectError(await rawCall(server.port, { Action: 'describevpcex' }), 6100, 'InvalidAction.NotFound');
      });

      it('an unknown Region → 4000 InvalidParameterValue naming Region', async () => {
        for (const region of ['mars', 'ap-mars-1', 'GZ']) {
          const r = await rawCall(server.port, { Action: 'DescribeVpcEx', Region: region });
          expectError(r, 4000, 'InvalidParameterValue', 'Region');
        }
        const sdk: Answer = await server.client({ region: 'xx' }).call('DescribeVpcEx');
        expectError(sdk, 4000, 'InvalidParameterValue', 'Region');
      });

      it('an unknown Region with an unknown Action is the unknown Action (6100 before parameters)', async () => {
        const r = await rawCall(server.port, { Action: 'DescribeEverything', Region: 'mars' });
        expectError(r, 6100, 'InvalidAction.NotFound');
      });

      it('short and long region names both work', async () => {
        for (const region of ['gz', 'ap-guangzhou', 'sh', 'ap-shanghai', 'bj', 'ap-beijing']) {
          expectSuccess(await rawCall(server.port, { Action: 'DescribeVpcEx', Region: region }));
        }
      });
    });
  });
}
