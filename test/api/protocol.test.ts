import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Capi from 'qcloudapi-sdk';
import { ACTIONS_BY_NAME } from '../../src/api/v2/registry.ts';
import { MAX_BODY_BYTES, MAX_QUERY_BYTES } from '../../src/api/http.ts';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, startServer, type Answer, type TestServer } from '../support/harness.ts';
import {
  commonParams,
  encodeForm,
  rawCall,
  rawRequest,
  sendParams,
  signParams,
  type Params,
  type RawResponse,
} from '../support/raw-client.ts';

// The transport around the v2 API (docs/contract.md, "Wire protocol"): paths, methods, size limits, the absolute-form
// request line the SDK sends through a proxy, where parameters are read from, and the exact shape
// of every envelope.

function expectError(r: Record<string, any>, code: number, codeDesc: string, mentions?: string): void {
  assert.deepEqual({ code: r.code, codeDesc: r.codeDesc }, { code, codeDesc }, JSON.stringify(r));
  assert.ok(typeof r.message === 'string' && r.message.length > 0, 'an error says why');
  if (mentions !== undefined)
    assert.ok(r.message.includes(mentions), `${JSON.stringify(r.message)} should name ${mentions}`);
}

function expectSuccess(r: Record<string, any>): void {
  assert.deepEqual({ code: r.code, codeDesc: r.codeDesc }, { code: 0, codeDesc: 'Success' }, JSON.stringify(r));
}

/** An API-level answer: HTTP 200, JSON, and the parsed envelope. */
function envelope(res: RawResponse): Record<string, any> {
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return JSON.parse(res.text) as Record<string, any>;
}

/** The official SDK with our server as its HTTP proxy, so it signs the real host, vpc.api.qcloud.com. */
function viaProxy(
  port: number,
  o: { serviceType: string; method: 'GET' | 'POST'; signatureMethod: 'sha1' | 'sha256' },
  data: Record<string, unknown>,
): Promise<Answer> {
  const capi = new Capi({
    SecretId: ACCOUNT_A.secretId,
    SecretKey: ACCOUNT_A.secretKey,
    Region: 'gz',
    serviceType: o.serviceType,
    protocol: 'http',
    method: o.method,
    signatureMethod: o.signatureMethod,
  });
  return new Promise((resolve, reject) => {
    // A per-call options object makes the SDK use serviceType for the host (clients.md).
    capi.request(data, {}, (err, body) => (err ? reject(err) : resolve(body as Answer)), {
      proxy: `http://127.0.0.1:${port}`,
    });
  });
}

for (const backend of backends()) {
  describe(`v2 protocol [${backend.name}]`, () => {
    let server: TestServer;
    let port: number;
    before(async () => {
      server = await startServer(backend);
      port = server.port;
    });
    after(() => server.close());

    const describeVpcs = (extra: Params = {}): Params => ({ ...commonParams(), Action: 'DescribeVpcEx', ...extra });

    describe('absolute-form request line (the SDK using us as its proxy)', () => {
      for (const method of ['GET', 'POST'] as const) {
        for (const signatureMethod of ['sha1', 'sha256'] as const) {
          it(`${method} ${signatureMethod}: signed for vpc.api.qcloud.com, answered`, async () => {
            const created = await viaProxy(
              port,
              { serviceType: 'vpc', method, signatureMethod },
              { Action: 'CreateVpc', vpcName: `proxied ${method} ${signatureMethod}`, cidrBlock: '10.0.0.0/16' },
            );
            expectSuccess(created);
            assert.match(created.unVpcId, /^vpc-[a-z0-9]{8}$/);
            const found = await server.client().call('DescribeVpcEx', { vpcId: created.unVpcId });
            assert.equal(found.data[0].vpcName, `proxied ${method} ${signatureMethod}`);
          });
        }
      }

      it('one server answers every module: cvm.api.qcloud.com reaches DescribeInstances', async () => {
        const r = await viaProxy(
          port,
          { serviceType: 'cvm', method: 'POST', signatureMethod: 'sha1' },
          { Action: 'DescribeInstances' },
        );
        expectSuccess(r);
        assert.equal(typeof r.totalCount, 'number');
      });

      it('the host of the absolute-form line is the one verified, not the Host header', async () => {
        const signed = signParams(describeVpcs(), { method: 'POST', host: 'vpc.api.qcloud.com' });
        const res = await rawRequest(port, {
          method: 'POST',
          target: 'http://vpc.api.qcloud.com/v2/index.php',
          body: encodeForm(signed),
          headers: { host: 'elsewhere.example' },
        });
        expectSuccess(envelope(res));
      });

      it('an absolute-form line with another path is an API 3.0 request', async () => {
        const res = await rawRequest(port, { method: 'GET', target: 'http://vpc.api.qcloud.com/v3/index.php' });
        assert.equal(res.status, 200);
        assert.equal(JSON.parse(res.text).Response.Error.Code, 'AuthFailure.InvalidAuthorization');
      });
    });

    describe('transport errors are HTTP errors', () => {
      // Every other path is API 3.0's (docs/api3.md, "Routing"): a v2-signed request there is
      // refused in the 3.0 envelope, never run as v2.
      for (const target of ['/', '/v2/', '/v2/index.php/extra', '/V2/INDEX.PHP', '/v2/index.html', '/index.php']) {
        it(`GET ${target} is not v2`, async () => {
          const res = await rawRequest(port, { method: 'GET', target: `${target}?Action=DescribeVpcEx` });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.headers['content-type'], 'application/json');
          assert.equal(JSON.parse(res.text).Response.Error.Code, 'AuthFailure.InvalidAuthorization');
        });
      }

      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        it(`${method} /v2/index.php → 405 with Allow: GET, POST`, async () => {
          const signed = signParams(describeVpcs(), { method, host: server.host });
          const res = await rawRequest(port, { method, target: '/v2/index.php', body: encodeForm(signed) });
          assert.equal(res.status, 405, res.text);
          assert.equal(res.headers.allow, 'GET, POST');
        });
      }

      it('a GET query of exactly 32 KB is served; one byte more → 414', async () => {
        const head = '/v2/index.php?Action=DescribeVpcEx&pad=';
        const query = (bytes: number) => `${head}${'x'.repeat(bytes - (head.length - '/v2/index.php?'.length))}`;
        const fits = await rawRequest(port, { method: 'GET', target: query(MAX_QUERY_BYTES) });
        assert.equal(MAX_QUERY_BYTES, 32 * 1024);
        // Served: an API answer (unsigned, so 4000), not a transport error.
        expectError(envelope(fits), 4000, 'InvalidParameter');
        const tooBig = await rawRequest(port, { method: 'GET', target: query(MAX_QUERY_BYTES + 1) });
        assert.equal(tooBig.status, 414, tooBig.text);
      });

      it('a signed POST body of exactly 1 MB succeeds; one byte more → 413, and the server keeps serving', async () => {
        assert.equal(MAX_BODY_BYTES, 1024 * 1024);
        // The escaped signature's length varies (+, / and = take three bytes), so re-sign with fresh
        // nine-digit nonces, correcting the padding, until the body is exactly 1 MB.
        const bodyWith = (pad: string) =>
          encodeForm(
            signParams(describeVpcs({ Nonce: String(randomInt(1e8, 1e9)), pad }), {
              method: 'POST',
              host: server.host,
            }),
          );
        let pad = '';
        let body = bodyWith(pad);
        for (let i = 0; i < 200 && body.length !== MAX_BODY_BYTES; i++) {
          pad = 'p'.repeat(pad.length + MAX_BODY_BYTES - body.length);
          body = bodyWith(pad);
        }
        assert.equal(Buffer.byteLength(body), MAX_BODY_BYTES);
        expectSuccess(envelope(await rawRequest(port, { method: 'POST', target: '/v2/index.php', body })));

        const tooBig = await rawRequest(port, { method: 'POST', target: '/v2/index.php', body: body + 'p' });
        assert.equal(tooBig.status, 413, tooBig.text);

        const far = await rawRequest(port, {
          method: 'POST',
          target: '/v2/index.php',
          body: 'x'.repeat(4 * MAX_BODY_BYTES),
        });
        assert.equal(far.status, 413);

        expectSuccess(await rawCall(port, { Action: 'DescribeVpcEx' }));
        expectSuccess(await server.client().call('DescribeVpcEx'));
      });
    });

    describe('where parameters come from', () => {
      it('POST reads the body only: a query string is ignored, even a hostile one', async () => {
        const signed = signParams(describeVpcs(), { method: 'POST', host: server.host });
        const res = await rawRequest(port, {
          method: 'POST',
          target: '/v2/index.php?Action=DeleteVpc&Region=mars&Signature=bogus&Nonce=x&vpcId=vpc-1',
          body: encodeForm(signed),
        });
        const r = envelope(res);
        expectSuccess(r);
        assert.equal(typeof r.totalCount, 'number', 'it ran DescribeVpcEx from the body');
      });

      it('POST with the parameters only in the query → 4000 naming Action', async () => {
        const signed = signParams(describeVpcs(), { method: 'POST', host: server.host });
        const res = await rawRequest(port, { method: 'POST', target: `/v2/index.php?${encodeForm(signed)}`, body: '' });
        expectError(envelope(res), 4000, 'InvalidParameter', 'Action');
      });

      it('GET reads the query only: a body is ignored', async () => {
        const signed = signParams(describeVpcs(), { method: 'GET', host: server.host });
        const res = await rawRequest(port, { method: 'GET', target: '/v2/index.php', body: encodeForm(signed) });
        expectError(envelope(res), 4000, 'InvalidParameter', 'Action');
      });

      it('+ is a space and %2B a plus, in GET and POST alike', async () => {
        for (const method of ['GET', 'POST'] as const) {
          const vpcName = `plus+and space ${method}`;
          const signed = signParams(
            { ...commonParams(), Action: 'CreateVpc', vpcName, cidrBlock: '10.9.0.0/16' },
            {
              method,
              host: server.host,
            },
          );
          const form = encodeForm(signed);
          assert.ok(form.includes('plus%2Band+space'), form);
          const r = envelope(await sendParams(port, method, signed));
          expectSuccess(r);
          const found = await server.client().call('DescribeVpcEx', { vpcId: r.unVpcId });
          assert.equal(found.data[0].vpcName, vpcName);
        }
      });

      for (const method of ['GET', 'POST'] as const) {
        for (const [label, raw, names] of [
          ['a bad escape in a value', 'vpcName=%E5%AD', 'vpcName'],
          ['a bad hex digit', 'vpcName=%G1', 'vpcName'],
          ['a bad escape in a name', 'vpc%XXName=a', 'vpc%XXName'],
        ] as const) {
          it(`${method} with ${label} → HTTP 200, 4000 InvalidParameter naming the parameter`, async () => {
            const form = `${encodeForm(describeVpcs({ Signature: 'x' }))}&${raw}`;
            const res =
              method === 'GET'
                ? await rawRequest(port, { method, target: `/v2/index.php?${form}` })
                : await rawRequest(port, { method, target: '/v2/index.php', body: form });
            expectError(envelope(res), 4000, 'InvalidParameter', names);
          });
        }
      }

      it('a parameter added after signing → 4100: a repeat is judged only once the request is admitted', async () => {
        const signed = signParams(describeVpcs(), { method: 'POST', host: server.host });
        const body = `${encodeForm(signed)}&limit=1&limit=2`;
        const res = await rawRequest(port, { method: 'POST', target: '/v2/index.php', body });
        expectError(envelope(res), 4100, 'AuthFailure.SignatureFailure');
      });
    });

    describe('envelopes', () => {
      it('success: code 0 (an integer), message "", codeDesc Success, output beside them', async () => {
        const res = await sendParams(port, 'POST', signParams(describeVpcs(), { method: 'POST', host: server.host }));
        const r = envelope(res);
        assert.equal(r.code, 0);
        assert.ok(Number.isInteger(r.code));
        assert.equal(r.message, '');
        assert.equal(r.codeDesc, 'Success');
        assert.ok(/"code":0[,}]/.test(res.text), `code is a JSON number: ${res.text.slice(0, 80)}`);
        assert.ok('totalCount' in r && Array.isArray(r.data));
      });

      it('errors: exactly {code, message, codeDesc}, code an integer, message non-empty, always HTTP 200', async () => {
        const cases: Array<[string, Params, number, string]> = [
          ['missing parameter', { ...describeVpcs(), Action: '' }, 4000, 'InvalidParameter'],
          [
            'bad signature',
            { ...describeVpcs(), Signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
            4100,
            'AuthFailure.SignatureFailure',
          ],
          [
            'unknown key',
            { ...describeVpcs(), SecretId: 'AKIDnone', Signature: 'x' },
            4104,
            'AuthFailure.SecretIdNotFound',
          ],
        ];
        for (const [label, params, code, codeDesc] of cases) {
          const res = await sendParams(port, 'POST', params);
          const r = envelope(res);
          assert.deepEqual(Object.keys(r).sort(), ['code', 'codeDesc', 'message'], label);
          expectError(r, code, codeDesc);
          assert.ok(Number.isInteger(r.code), label);
        }
        const signedErrors: Array<[Params, number, string]> = [
          [{ Action: 'NoSuchAction' }, 6100, 'InvalidAction.NotFound'],
          [{ Action: 'DeleteVpc', vpcId: 'vpc-00000000' }, 5000, 'InvalidVpc.NotFound'],
          [{ Action: 'DescribeVpcEx', limit: '1000' }, 4000, 'InvalidParameterValue'],
          [{ Action: 'DescribeVpcEx', Timestamp: '1000000000' }, 4500, 'InvalidRequest.ReplayAttack'],
        ];
        for (const [params, code, codeDesc] of signedErrors) {
          const r = await rawCall(port, params);
          assert.deepEqual(Object.keys(r).sort(), ['code', 'codeDesc', 'message'], codeDesc);
          expectError(r, code, codeDesc);
        }
      });

      it('async actions answer taskId at the top level and under data, the same integer, increasing', async () => {
        const c = server.client();
        const seen: number[] = [];
        const expectTask = async (action: string, params: Record<string, unknown>): Promise<Answer> => {
          assert.equal(ACTIONS_BY_NAME.get(action)?.async, true, `${action} is declared async`);
          const r = await c.call(action, params);
          expectSuccess(r);
          assert.ok(Number.isInteger(r.taskId) && r.taskId > 0, `${action}: taskId ${r.taskId}`);
          assert.equal(r.data.taskId, r.taskId, action);
          if (seen.length > 0) assert.ok(r.taskId > seen[seen.length - 1]!, `${action}: taskIds increase`);
          seen.push(r.taskId);
          const task = await c.waitTask(r.taskId);
          assert.equal(task.data.status, 0, `${action} task: ${JSON.stringify(task)}`);
          return r;
        };

        const vpc = await c.call('CreateVpc', {
          vpcName: 'tasks',
          cidrBlock: '10.5.0.0/16',
          subnetSet: [{ subnetName: 's', cidrBlock: '10.5.1.0/24', zoneId: '100003' }],
        });
        expectSuccess(vpc);
        assert.ok(!('taskId' in vpc), 'a synchronous action has no taskId');
        const vpcId = vpc.unVpcId;
        const subnetId = vpc.subnetSet[0].unSubnetId;

        const run = await expectTask('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, vpcId, subnetId });
        const instanceId = run.data.instanceIds[0];
        const created = await expectTask('CreateNetworkInterface', { vpcId, subnetId, eniName: 'e' });
        const networkInterfaceId = created.data.networkInterfaceId;
        await expectTask('AttachNetworkInterface', { vpcId, networkInterfaceId, instanceId });
        await expectTask('DetachNetworkInterface', { vpcId, networkInterfaceId, instanceId });
        await expectTask('StopInstances', { instanceIds: [instanceId] });
        await expectTask('StartInstances', { instanceIds: [instanceId] });
        await expectTask('DeleteNetworkInterface', { vpcId, networkInterfaceId });
        await expectTask('TerminateInstances', { instanceIds: [instanceId] });
        assert.equal(seen.length, 8);
      });
    });

    describe('health', () => {
      for (const path of ['/healthz', '/readyz']) {
        it(`GET ${path} → 200 without credentials`, async () => {
          const res = await rawRequest(port, { method: 'GET', target: path });
          assert.equal(res.status, 200, res.text);
          assert.match(String(res.headers['content-type']), /^application\/json/);
          assert.ok(['ok', 'ready'].includes(JSON.parse(res.text).status), res.text);
        });
      }
    });
  });
}
