import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { BUILD_VERSION } from '../../src/version.ts';
import { backends } from '../support/backends.ts';
import { controlClient } from '../support/control.ts';
import { instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, sdkClient, type Client } from '../support/harness.ts';
import { commonParams, rawRequest, sendParams, signParams } from '../support/raw-client.ts';
import { code, tc3 } from '../support/raw3.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';
import { parsePrometheusText, valueOf, type Family } from './prom-text.ts';

// /metrics, the access log and /_vpceni/requests, through the wire with the official SDKs, on a
// server whose log is captured in-process.

interface Observed {
  app: App;
  port: number;
  host: string;
  /** Every line the app logged, parsed. */
  lines: Array<Record<string, any>>;
  /** Everything the app logged, as written. */
  raw(): string;
}

async function observedServer(backendUrl: string, env: Record<string, string> = {}, bind = '127.0.0.1') {
  const config = loadConfig({
    DATABASE_URL: backendUrl,
    TASK_LATENCY_MS: '20',
    TASK_POLL_MS: '50',
    VPC_ENI_ACCOUNTS: `${ACCOUNT_A.appId}:${ACCOUNT_A.secretId}:${ACCOUNT_A.secretKey}`,
    ...env,
  });
  let written = '';
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      written += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp(config, { log: pino({ level: 'info' }, sink) });
  await new Promise<void>((resolve) => app.server.listen(0, bind, resolve));
  const port = (app.server.address() as AddressInfo).port;
  return { app, port, host: `127.0.0.1:${port}`, lines, raw: () => written } satisfies Observed;
}

async function scrape(host: string, token?: string): Promise<Map<string, Family>> {
  const res = await fetch(`http://${host}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

async function recentCalls(host: string, query = ''): Promise<Array<Record<string, any>>> {
  const res = await fetch(`http://${host}/_vpceni/requests${query}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { calls: Array<Record<string, any>> }).calls;
}

/** The access-log lines of one request. */
const accessLines = (s: Observed, requestId: string) =>
  s.lines.filter((l) => l.msg === 'api request' && l.requestId === requestId);

/** Waits until `probe` holds: the observation is recorded once the response has closed. */
async function eventually(probe: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never happened: ${what}`);
}

/** Polls `read` until it gives `expected` (counts move once a request is over), else fails showing the last. */
async function settles<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (isDeepStrictEqual(last, expected)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(last, expected, what);
}

const EXPECTED_TYPES: Record<string, Family['type']> = {
  vpceni_api_requests_total: 'counter',
  vpceni_api_request_duration_seconds: 'histogram',
  vpceni_api_auth_failures_total: 'counter',
  vpceni_tasks_created_total: 'counter',
  vpceni_tasks_finished_total: 'counter',
  vpceni_task_duration_seconds: 'histogram',
  vpceni_tasks_running: 'gauge',
  vpceni_task_lease_takeovers_total: 'counter',
  vpceni_enis: 'gauge',
  vpceni_instances: 'gauge',
  vpceni_private_ips_in_use: 'gauge',
  vpceni_subnet_ips_free: 'gauge',
  vpceni_faults_injected_total: 'counter',
  vpceni_build_info: 'gauge',
  process_cpu_user_seconds_total: 'counter',
  process_resident_memory_bytes: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
};

for (const backend of backends()) {
  describe(`observability [${backend.name}]`, () => {
    let s: Observed;
    let v2: Client;
    let v3: Client3;
    const requests = (m: Map<string, Family>, apiVersion: string, action: string, codeName: string) =>
      valueOf(m, 'vpceni_api_requests_total', { api_version: apiVersion, action, code: codeName });
    const authFailures = (m: Map<string, Family>, reason: string) =>
      valueOf(m, 'vpceni_api_auth_failures_total', { reason });

    before(async () => {
      s = await observedServer(await backend.freshUrl());
      v2 = sdkClient(s.host);
      v3 = sdk3Client(s.port);
    });
    after(() => s.app.close());

    it('serves every metric with its type, and the build it runs', async () => {
      const m = await scrape(s.host);
      for (const [name, type] of Object.entries(EXPECTED_TYPES)) {
        assert.equal(m.get(name)?.type, type, `${name} is a ${type}`);
        assert.ok(m.get(name)!.help.length > 0, `${name} says what it counts`);
      }
      const info = m.get('vpceni_build_info')!.samples;
      assert.deepEqual(info, [
        {
          name: 'vpceni_build_info',
          labels: { version: BUILD_VERSION, schema_version: String(SCHEMA_VERSION), storage: backend.name },
          value: 1,
        },
      ]);
    });

    it('counts a v2 and a 3.0 request by action and code, with their durations', async () => {
      const before = await scrape(s.host);
      assert.equal((await v2.call('DescribeVpcEx')).code, 0);
      await v3.ok('vpc', 'DescribeVpcs');
      const missing = await v3.call('vpc', 'DescribeVpcs', { VpcIds: ['vpc-00000000'] });
      assert.equal((missing as { Error: { Code: string } }).Error.Code, 'ResourceNotFound');
      const count = (m: Map<string, Family>, v: string, action: string) =>
        valueOf(m, 'vpceni_api_request_duration_seconds_count', { api_version: v, action });
      await settles(
        async () => {
          const now = await scrape(s.host);
          const moved = (v: string, action: string, c: string) =>
            requests(now, v, action, c) - requests(before, v, action, c);
          return {
            v2: moved('v2', 'DescribeVpcEx', 'Success'),
            v3: moved('3.0', 'DescribeVpcs', 'Success'),
            v3NotFound: moved('3.0', 'DescribeVpcs', 'ResourceNotFound'),
            v2Timed: count(now, 'v2', 'DescribeVpcEx') - count(before, 'v2', 'DescribeVpcEx'),
            v3Timed: count(now, '3.0', 'DescribeVpcs') - count(before, '3.0', 'DescribeVpcs'),
          };
        },
        { v2: 1, v3: 1, v3NotFound: 1, v2Timed: 1, v3Timed: 2 },
        'each request counted once, with its duration',
      );
    });

    it('keeps the action label to actions it serves', async () => {
      const res = await v3.call('vpc', 'DescribeNoSuchThing');
      assert.equal((res as { Error: { Code: string } }).Error.Code, 'InvalidAction');
      await eventually(async () => requests(await scrape(s.host), '3.0', 'unknown', 'InvalidAction') === 1, 'unknown');
      const m = await scrape(s.host);
      assert.ok(!m.get('vpceni_api_requests_total')!.samples.some((x) => x.labels.action === 'DescribeNoSuchThing'));
    });

    it('counts each kind of auth failure under its reason', async () => {
      const before = await scrape(s.host);
      // signature: the official SDKs with a wrong key.
      const wrongKey = { secretId: ACCOUNT_A.secretId, secretKey: 'not-the-key-000000000000000000000' };
      assert.equal(
        (await sdkClient(s.host, { account: wrongKey }).call('DescribeVpcEx')).codeDesc,
        'AuthFailure.SignatureFailure',
      );
      const bad3 = await sdk3Client(s.port, { account: wrongKey }).call('vpc', 'DescribeVpcs');
      assert.equal((bad3 as { Error: { Code: string } }).Error.Code, 'AuthFailure.SignatureFailure');
      // unknown_key
      const stranger = { secretId: 'AKIDnobodyHasThisKey0000000000000', secretKey: 'whatever-key-0000000000000000000' };
      assert.equal(
        (await sdkClient(s.host, { account: stranger }).call('DescribeVpcEx')).codeDesc,
        'AuthFailure.SecretIdNotFound',
      );
      // expired: a TC3 signature from an hour ago.
      const stale = await tc3(s.port, { action: 'DescribeVpcs', timestampS: Math.floor(Date.now() / 1000) - 3600 });
      assert.equal(code(stale), 'AuthFailure.SignatureExpire');
      // replay: the same signed v2 request twice.
      const signed = signParams({ ...commonParams(), Action: 'DescribeVpcEx' }, { method: 'POST', host: s.host });
      assert.equal(JSON.parse((await sendParams(s.port, 'POST', signed)).text).code, 0);
      assert.equal(JSON.parse((await sendParams(s.port, 'POST', signed)).text).codeDesc, 'InvalidRequest.ReplayAttack');
      await settles(
        async () => {
          const now = await scrape(s.host);
          const moved = (reason: string) => authFailures(now, reason) - authFailures(before, reason);
          return {
            signature: moved('signature'),
            unknown_key: moved('unknown_key'),
            expired: moved('expired'),
            replay: moved('replay'),
          };
        },
        { signature: 2, unknown_key: 1, expired: 1, replay: 1 },
        'each failure under its reason',
      );
    });

    it('counts fault firings by kind and action, and keeps injected auth codes out of auth failures', async () => {
      const control = controlClient(s.host);
      const rules = [
        {
          id: 'obs-error',
          action: 'DescribeSubnets',
          apiVersion: '3.0',
          error: { code: 'AuthFailure.SignatureFailure' },
          times: 1,
        },
        { id: 'obs-drop', action: 'DescribeSubnetEx', apiVersion: 'v2', drop: true, times: 1 },
        { id: 'obs-http', action: 'DescribeSecurityGroups', apiVersion: '3.0', http: { status: 503 }, times: 1 },
        { id: 'obs-slow', action: 'DescribeNetworkInterfaces', apiVersion: '3.0', latency: { ms: 5 }, times: 1 },
      ];
      assert.equal((await control.post('faults', rules)).status, 201);
      const before = await scrape(s.host);
      try {
        const injected = await v3.call('vpc', 'DescribeSubnets');
        assert.equal((injected as { Error: { Code: string } }).Error.Code, 'AuthFailure.SignatureFailure');
        await assert.rejects(v2.call('DescribeSubnetEx'));
        await assert.rejects(v3.call('vpc', 'DescribeSecurityGroups'));
        await v3.ok('vpc', 'DescribeNetworkInterfaces');
        const faults = (m: Map<string, Family>, kind: string, action: string) =>
          valueOf(m, 'vpceni_faults_injected_total', { kind, action });
        await settles(
          async () => {
            const now = await scrape(s.host);
            const moved = (kind: string, action: string) => faults(now, kind, action) - faults(before, kind, action);
            return {
              error: moved('error', 'DescribeSubnets'),
              drop: moved('drop', 'DescribeSubnetEx'),
              http: moved('http', 'DescribeSecurityGroups'),
              latency: moved('latency', 'DescribeNetworkInterfaces'),
              dropped: requests(now, 'v2', 'DescribeSubnetEx', 'Dropped'),
              http503: requests(now, '3.0', 'DescribeSecurityGroups', 'HTTP503'),
              authFailures: authFailures(now, 'signature') - authFailures(before, 'signature'),
            };
          },
          { error: 1, drop: 1, http: 1, latency: 1, dropped: 1, http503: 1, authFailures: 0 },
          'each firing counted under its kind; the injected auth code is not an auth failure',
        );
      } finally {
        await control.delete('faults');
      }
    });

    it('counts an attach task created and finished, and reads the resources from the database', async () => {
      const net = await vpcWithSubnet(v2);
      const instanceId = await instance(v2, net);
      const created = await v2.run('CreateNetworkInterface', { ...net, eniName: 'observed' });
      const eniId = created.data.networkInterfaceId as string;
      // Held, so that it is seen running; then released to finish.
      const control = controlClient(s.host);
      await control.post('faults', { id: 'obs-hold', action: 'AttachNetworkInterface', phase: 'task', taskHold: true });
      const before = await scrape(s.host);
      const attach = await v2.call('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId,
      });
      assert.equal(attach.code, 0);
      const type = { type: 'AttachNetworkInterface' };
      const held = await scrape(s.host);
      assert.equal(
        valueOf(held, 'vpceni_tasks_created_total', type) - valueOf(before, 'vpceni_tasks_created_total', type),
        1,
      );
      assert.equal(valueOf(held, 'vpceni_tasks_running', type), 1);
      await control.delete('faults');
      assert.equal((await control.post(`tasks/release?taskId=${attach.taskId}`)).status, 200);
      assert.equal((await v2.waitTask(attach.taskId)).data.status, 0);

      const done = { type: 'AttachNetworkInterface', outcome: 'success' };
      await eventually(
        async () =>
          valueOf(await scrape(s.host), 'vpceni_tasks_finished_total', done) >
          valueOf(before, 'vpceni_tasks_finished_total', done),
        'the task is counted finished',
      );
      const m = await scrape(s.host);
      assert.equal(
        valueOf(m, 'vpceni_tasks_finished_total', done) - valueOf(before, 'vpceni_tasks_finished_total', done),
        1,
      );
      assert.equal(
        valueOf(m, 'vpceni_task_duration_seconds_count', type) -
          valueOf(before, 'vpceni_task_duration_seconds_count', type),
        1,
      );
      assert.equal(valueOf(m, 'vpceni_tasks_running', type), 0);
      // A fresh database: the instance's primary ENI and this one, attached; 2 addresses of a /24's 253.
      assert.equal(valueOf(m, 'vpceni_enis', { state: 'AVAILABLE', primary: 'true' }), 1);
      assert.equal(valueOf(m, 'vpceni_enis', { state: 'AVAILABLE', primary: 'false' }), 1);
      assert.equal(valueOf(m, 'vpceni_instances', { state: 'RUNNING' }), 1);
      assert.equal(valueOf(m, 'vpceni_private_ips_in_use'), 2);
      assert.equal(valueOf(m, 'vpceni_subnet_ips_free', { zone: 'ap-guangzhou-3' }), 251);

      // /_vpceni/requests knows the call, with its task.
      const byAction = await recentCalls(s.host, '?action=AttachNetworkInterface&code=Success');
      assert.ok(byAction.length >= 1);
      const mine = byAction.filter((c) => c.taskId === attach.taskId);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]!.apiVersion, 'v2');
      assert.equal(typeof mine[0]!.requestId, 'string');
      assert.deepEqual(await recentCalls(s.host, `?requestId=${mine[0]!.requestId}`), mine);
    });

    it('logs one access line per request, with the SecretId only as a prefix', async () => {
      const v2Answer = await v2.call('DescribeVpcEx', { offset: 0 });
      const v3Answer = await v3.ok('vpc', 'DescribeVpcs', {});
      const idsOf = async () => (await recentCalls(s.host)).map((c) => c.requestId);
      await eventually(async () => (await idsOf()).includes(v3Answer.RequestId), 'the 3.0 call is recorded');
      const v2Call = (await recentCalls(s.host, '?action=DescribeVpcEx')).at(-1)!;
      for (const [requestId, apiVersion, action] of [
        [v2Call.requestId as string, 'v2', 'DescribeVpcEx'],
        [v3Answer.RequestId, '3.0', 'DescribeVpcs'],
      ] as const) {
        const found = accessLines(s, requestId);
        assert.equal(found.length, 1, `one line for ${requestId}`);
        const line = found[0]!;
        assert.equal(line.level, 30);
        assert.deepEqual(
          {
            apiVersion: line.apiVersion,
            action: line.action,
            region: line.region,
            appId: line.appId,
            secretId: line.secretId,
            code: line.code,
          },
          {
            apiVersion,
            action,
            region: apiVersion === 'v2' ? 'gz' : 'ap-guangzhou',
            appId: ACCOUNT_A.appId,
            secretId: `${ACCOUNT_A.secretId.slice(0, 8)}…`,
            code: 'Success',
          },
        );
        assert.match(line.sourceIp, /127\.0\.0\.1/);
        assert.equal(typeof line.client, 'string');
        assert.equal(typeof line.durationMs, 'number');
      }
      assert.equal(v2Answer.code, 0);
      // The trace id a client sends is logged beside the RequestId.
      const traced = await tc3(s.port, {
        action: 'DescribeVpcs',
        tamper: (r) => {
          r.headers.traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        },
      });
      const tracedId = traced.json.Response.RequestId as string;
      await eventually(() => accessLines(s, tracedId).length === 1, 'the traced call is logged');
      assert.equal(accessLines(s, tracedId)[0]!.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
      // Neither the log nor /_vpceni/requests ever holds a whole SecretId (or any key).
      const everything = s.raw() + JSON.stringify(await recentCalls(s.host));
      assert.ok(!everything.includes(ACCOUNT_A.secretId));
      assert.ok(!everything.includes(ACCOUNT_A.secretKey));
    });

    it('records answers the 3.0 door gives before it runs, and transport refusals', async () => {
      const huge = await rawRequest(s.port, {
        method: 'POST',
        target: '/',
        body: 'Action=DescribeVpcs&Pad=' + 'x'.repeat(1024 * 1024),
      });
      const requestId = JSON.parse(huge.text).Response.RequestId as string;
      await eventually(async () => (await recentCalls(s.host, `?requestId=${requestId}`)).length === 1, 'recorded');
      const [call] = await recentCalls(s.host, `?requestId=${requestId}`);
      assert.equal(call!.code, 'RequestSizeLimitExceeded');
      assert.equal(call!.apiVersion, '3.0');
      assert.equal(accessLines(s, requestId).length, 1);
      const put = await rawRequest(s.port, { method: 'PUT', target: '/v2/index.php' });
      assert.equal(put.status, 405);
      await eventually(async () => (await recentCalls(s.host, '?code=HTTP405')).length === 1, 'the 405 is recorded');
    });

    it('records a request Node timed out while its body was arriving', async () => {
      const sockets: import('node:net').Socket[] = [];
      const seen = (socket: import('node:net').Socket) => sockets.push(socket);
      s.app.server.on('connection', seen);
      const net = await import('node:net');
      const client = net.connect(s.port, '127.0.0.1');
      const answer = new Promise<string>((resolve) => {
        let text = '';
        client.on('data', (d) => (text += d.toString()));
        client.on('close', () => resolve(text));
        client.on('error', () => resolve(text));
      });
      client.write('POST /v2/index.php HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nAction=');
      await eventually(() => sockets.length === 1, 'the server has the connection');
      await new Promise((r) => setTimeout(r, 50));
      // What Node itself does when requestTimeout runs out (its check runs every 30 s by default).
      s.app.server.emit(
        'clientError',
        Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
        sockets[0],
      );
      s.app.server.off('connection', seen);
      assert.match(await answer, /^HTTP\/1\.1 408/);
      await eventually(
        async () => (await recentCalls(s.host, '?code=Timeout')).length === 1,
        'the timeout is recorded',
      );
    });

    it('refuses an unknown filter and a method other than GET', async () => {
      const res = await fetch(`http://${s.host}/_vpceni/requests?secretId=x`);
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /secretId is not a filter/);
      const post = await fetch(`http://${s.host}/metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
    });
  });

  describe(`who may read /metrics and /_vpceni/requests [${backend.name}]`, () => {
    const TOKEN = 'an-admin-token-long-enough';
    let s: Observed;
    before(async () => {
      // Every address: not a loopback listener, even though this test connects over 127.0.0.1.
      s = await observedServer(await backend.freshUrl(), { VPC_ENI_ADMIN_TOKEN: TOKEN }, '0.0.0.0');
    });
    after(() => s.app.close());

    it('on a public bind: 403 without the token, 200 with it', async () => {
      for (const path of ['/metrics', '/_vpceni/requests']) {
        const none = await fetch(`http://${s.host}${path}`);
        assert.equal(none.status, 403, path);
        assert.match(((await none.json()) as { error: string }).error, /Authorization: Bearer/);
        const wrong = await fetch(`http://${s.host}${path}`, {
          headers: { authorization: `Bearer ${ACCOUNT_A.secretKey}` },
        });
        assert.equal(wrong.status, 403, path);
        const ok = await fetch(`http://${s.host}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(ok.status, 200, path);
      }
      assert.equal((await scrape(s.host, TOKEN)).get('vpceni_build_info')?.type, 'gauge');
    });
  });
}
