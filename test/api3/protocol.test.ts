import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';
import { rawRequest } from '../support/raw-client.ts';
import { code, tc3, v1 } from '../support/raw3.ts';

// The API 3.0 door itself: envelope, headers, routing, each authentication failure and the order
// of checks (docs/api3.md). Requests are hand-signed with the server's own signer, so each one can
// be broken in exactly one way.

const UNKNOWN_TASK = { TaskId: '00000000-0000-4000-8000-000000000000' };
const task = { action: 'DescribeVpcTaskResult', params: UNKNOWN_TASK };

for (const backend of backends()) {
  describe(`API 3.0 protocol [${backend.name}]`, () => {
    let server: TestServer;
    let port: number;
    before(async () => {
      server = await startServer(backend);
      port = server.port;
    });
    after(() => server.close());

    it('answers HTTP 200, Content-Type exactly application/json, a fresh RequestId, the TraceId echoed', async () => {
      const a = await tc3(port, { ...task, tamper: (r) => void (r.headers['x-tc-traceid'] = 'trace-1') });
      const b = await tc3(port, task);
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-type'], 'application/json');
      assert.equal(a.headers['x-tc-traceid'], 'trace-1');
      assert.equal(code(a), 'ResourceNotFound');
      assert.match(a.json.Response.RequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.notEqual(a.json.Response.RequestId, b.json.Response.RequestId);
    });

    it('refuses an unsigned or oddly signed request: AuthFailure.InvalidAuthorization', async () => {
      const none = await rawRequest(port, {
        method: 'POST',
        target: '/',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(JSON.parse(none.text).Response.Error.Code, 'AuthFailure.InvalidAuthorization');
      const shapes = [
        (h: Record<string, string>) => (h.authorization = 'TC3-HMAC-SHA256 garbage'),
        (h: Record<string, string>) =>
          (h.authorization = h.authorization!.replace('content-type;host', 'content-type')),
        (h: Record<string, string>) => (h.authorization = h.authorization!.replace(/Signature=\w+/, 'Signature=zz')),
      ];
      for (const change of shapes) {
        const r = await tc3(port, { ...task, tamper: (req) => void change(req.headers) });
        assert.equal(code(r), 'AuthFailure.InvalidAuthorization', r.text);
      }
    });

    it('checks key, then signature, then time window', async () => {
      const unknown = await tc3(port, { ...task, account: { secretId: 'AKIDnobody', secretKey: 'x' } });
      assert.equal(code(unknown), 'AuthFailure.SecretIdNotFound');
      const wrongKey = await tc3(port, {
        ...task,
        account: { secretId: ACCOUNT_B.secretId, secretKey: 'not-the-key' },
      });
      assert.equal(code(wrongKey), 'AuthFailure.SignatureFailure');
      const tampered = await tc3(port, { ...task, tamper: (r) => void (r.body = JSON.stringify({ TaskId: '1' })) });
      assert.equal(code(tampered), 'AuthFailure.SignatureFailure');
      const otherAction = await tc3(port, { ...task, tamper: (r) => void (r.headers.host = 'elsewhere:1') });
      assert.equal(code(otherAction), 'AuthFailure.SignatureFailure');
      const stale = await tc3(port, { ...task, timestampS: Math.floor(Date.now() / 1000) - 600 });
      assert.equal(code(stale), 'AuthFailure.SignatureExpire');
      const noTime = await tc3(port, { ...task, tamper: (r) => void delete r.headers['x-tc-timestamp'] });
      assert.equal(code(noTime), 'MissingParameter');
    });

    it('accepts the same signed request twice (no replay check for TC3: polls repeat within a second)', async () => {
      const headers: Record<string, string>[] = [];
      const first = await tc3(port, { ...task, tamper: (r) => void headers.push({ ...r.headers }) });
      const again = await rawRequest(port, {
        method: 'POST',
        target: '/',
        body: JSON.stringify(UNKNOWN_TASK),
        headers: headers[0],
      });
      assert.equal(code(first), 'ResourceNotFound');
      assert.equal(JSON.parse(again.text).Response.Error.Code, 'ResourceNotFound');
    });

    it('checks Version, then Action, then Region', async () => {
      assert.equal(code(await tc3(port, { ...task, version: '2099-01-01' })), 'NoSuchVersion');
      assert.equal(
        code(await tc3(port, { ...task, tamper: (r) => void delete r.headers['x-tc-version'] })),
        'MissingParameter',
      );
      assert.equal(code(await tc3(port, { ...task, action: 'DescribeNothing' })), 'InvalidAction');
      assert.equal(
        code(await tc3(port, { ...task, tamper: (r) => void delete r.headers['x-tc-action'] })),
        'MissingParameter',
      );
      assert.equal(code(await tc3(port, { ...task, region: null })), 'MissingParameter');
      assert.equal(code(await tc3(port, { ...task, region: 'ap-nowhere' })), 'UnsupportedRegion');
      // The short name is an extension, from the same catalogue.
      assert.equal(code(await tc3(port, { ...task, region: 'gz' })), 'ResourceNotFound');
      // An unknown version beats an unknown action: the version is checked first.
      assert.equal(code(await tc3(port, { action: 'Nope', version: 'x' })), 'NoSuchVersion');
    });

    it('routes by Host label, then credential scope: a product that lacks the action answers InvalidAction', async () => {
      // The Node SDK aimed at 127.0.0.1 signs scope `127`: the action decides the product.
      assert.equal(code(await tc3(port, { ...task, service: '127' })), 'ResourceNotFound');
      assert.equal(code(await tc3(port, { ...task, service: 'cvm' })), 'InvalidAction');
      const viaHost = await tc3(port, { ...task, host: 'cvm.tencentcloudapi.com', service: 'cvm' });
      assert.equal(code(viaHost), 'InvalidAction');
      const otherProduct = await tc3(port, { ...task, host: 'cbs.tencentcloudapi.com', service: 'cbs' });
      assert.equal(code(otherProduct), 'InvalidAction');
      const realHost = await tc3(port, { ...task, host: 'vpc.tencentcloudapi.com' });
      assert.equal(code(realHost), 'ResourceNotFound');
    });

    it('answers transport refusals in the envelope with HTTP 200', async () => {
      const put = await rawRequest(port, { method: 'PUT', target: '/', body: '{}' });
      assert.equal(put.status, 200);
      assert.equal(JSON.parse(put.text).Response.Error.Code, 'UnsupportedProtocol');
      const huge = await rawRequest(port, { method: 'GET', target: '/?x=' + 'a'.repeat(40 * 1024) });
      assert.equal(huge.status, 200);
      assert.equal(JSON.parse(huge.text).Response.Error.Code, 'RequestSizeLimitExceeded');
      const big = await rawRequest(port, {
        method: 'POST',
        target: '/',
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(JSON.parse(big.text).Response.Error.Code, 'RequestSizeLimitExceeded');
    });

    it('refuses a body that is not a JSON object: InvalidParameter', async () => {
      for (const body of ['[1]', 'not json', '"text"']) {
        const r = await tc3(port, { ...task, tamper: (req) => void (req.body = body) });
        // Tampering breaks the signature, so sign the bad body itself instead.
        assert.equal(code(r), 'AuthFailure.SignatureFailure');
      }
      const signedBad = await tc3(port, { action: 'DescribeVpcTaskResult', params: [1] as never });
      assert.equal(code(signedBad), 'InvalidParameter');
    });

    it('serves GET with TC3 (query signed as sent)', async () => {
      const r = await tc3(port, { ...task, method: 'GET' });
      assert.equal(code(r), 'ResourceNotFound');
    });

    it('serves v1 signatures on the 3.0 path, with their replay rule', async () => {
      const first = await v1(port, { Action: 'DescribeVpcTaskResult', ...UNKNOWN_TASK });
      assert.equal(code(first), 'ResourceNotFound');
      const replay = await rawRequest(port, {
        method: 'POST',
        target: '/',
        body: new URLSearchParams(first.signed).toString(),
      });
      assert.equal(JSON.parse(replay.text).Response.Error.Code, 'AuthFailure.SignatureExpire');
      const bad = await v1(port, { Action: 'DescribeVpcTaskResult', ...UNKNOWN_TASK }, { secretKey: 'wrong' });
      assert.equal(code(bad), 'AuthFailure.SignatureFailure');
      const noVersion = await v1(port, { Action: 'DescribeVpcTaskResult', Version: '', ...UNKNOWN_TASK });
      assert.equal(code(noVersion), 'MissingParameter');
    });
  });
}
