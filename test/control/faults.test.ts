import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { backends, PG_URL } from '../support/backends.ts';
import { controlClient, type ControlClient } from '../support/control.ts';
import { eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';
import { commonParams, sendParams, signParams } from '../support/raw-client.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';
import { holdTasks } from '../support/hold-tasks.ts';

// Fault rules through /_vpceni/faults, seen by clients of both protocols' official SDKs
// (docs/test-control.md, "Faults"): injected errors, latency, dropped connections before and after
// the commit, non-200 answers, failed and held tasks, firing by count, skip and seeded probability.

for (const backend of backends()) {
  describe(`fault rules [${backend.name}]`, () => {
    let server: TestServer;
    let ctl: ControlClient;
    let c3: Client3;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_SEED: 'fault-tests' });
      ctl = controlClient(server.host);
      c3 = sdk3Client(server.port);
    });
    after(() => server.close());
    beforeEach(async () => {
      assert.equal((await ctl.delete('faults')).status, 200);
    });

    const add = async (rules: unknown[]) => {
      const r = await ctl.post('faults', rules);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.rules as Array<{ id: string }>;
    };

    it('RequestLimitExceeded twice, then success (3.0 and v2)', async () => {
      await add([
        { action: 'DescribeVpcs', apiVersion: '3.0', error: { code: 'RequestLimitExceeded' }, times: 2 },
        {
          action: 'DescribeVpcEx',
          apiVersion: 'v2',
          error: { code: 'RequestLimitExceeded', message: 'slow down' },
          times: 2,
        },
      ]);
      for (let i = 0; i < 2; i++) isError(await c3.call('vpc', 'DescribeVpcs'), 'RequestLimitExceeded');
      assert.ok(!('Error' in (await c3.call('vpc', 'DescribeVpcs'))));
      const v2 = server.client();
      for (let i = 0; i < 2; i++) {
        const r = await v2.call('DescribeVpcEx');
        assert.deepEqual([r.code, r.codeDesc, r.message], [4400, 'RequestLimitExceeded', 'slow down']);
      }
      assert.equal((await v2.call('DescribeVpcEx')).code, 0);
      // A rule used up is passed over without being counted again.
      const list = (await ctl.get('faults')).body.rules;
      assert.deepEqual(
        list.map((r: { fired: number; seen: number }) => [r.fired, r.seen]),
        [
          [2, 2],
          [2, 2],
        ],
      );
    });

    it('names the rule in a response header and in the log, with the RequestId', async () => {
      const [rule] = await add([
        { id: 'throttle-once', action: 'Describe*', error: { code: 'RequestLimitExceeded' }, times: 1 },
      ]);
      assert.equal(rule!.id, 'throttle-once');
      const res = await fetch(`http://${server.host}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      // Unsigned: refused before any action is known, so no rule can fire on it.
      assert.equal(res.headers.get('x-vpceni-fault'), null);
      const answer = await c3.call('vpc', 'DescribeSubnets');
      isError(answer, 'RequestLimitExceeded');
      // Through v2, read raw: the header names the rule.
      await add([{ id: 'throttle-v2', action: 'DescribeVpcEx', error: { code: 'RequestLimitExceeded' }, times: 1 }]);
      const signed = signParams({ ...commonParams(), Action: 'DescribeVpcEx' }, { method: 'POST', host: server.host });
      const raw = await sendParams(server.port, 'POST', signed);
      assert.equal(raw.headers['x-vpceni-fault'], 'throttle-v2');
      assert.equal(JSON.parse(raw.text).code, 4400);
      // Newest first.
      const log = (await ctl.get('faults/log')).body.entries;
      assert.deepEqual(
        log.slice(0, 2).map((e: Record<string, unknown>) => [e.ruleId, e.action, e.apiVersion, e.effect]),
        [
          ['throttle-v2', 'DescribeVpcEx', 'v2', 'error:RequestLimitExceeded'],
          ['throttle-once', 'DescribeSubnets', '3.0', 'error:RequestLimitExceeded'],
        ],
      );
      assert.equal(log[1].requestId, answer.RequestId);
    });

    it('refuses an error the action cannot answer unless forced, and names what is wrong', async () => {
      const refused = await ctl.post('faults', [
        { action: 'DescribeVpcs', apiVersion: '3.0', error: { code: 'InvalidZone.NotFound' } },
      ]);
      assert.equal(refused.status, 400);
      assert.match(refused.body.error, /rule \[0\]\.error\.code "InvalidZone\.NotFound" is not an answer DescribeVpcs/);
      const forced = await ctl.post('faults', [
        { action: 'DescribeVpcs', apiVersion: '3.0', error: { code: 'InvalidZone.NotFound' }, force: true },
      ]);
      assert.equal(forced.status, 201);
      const bad: Array<[unknown, RegExp]> = [
        [{ action: 'NoSuchAction', error: { code: 'InternalError' } }, /matches no action/],
        [{ action: 'DescribeVpcs' }, /has no effect/],
        [{ action: 'DescribeVpcs', drop: true, http: { status: 503 } }, /give one effect/],
        [{ action: 'DescribeVpcs', probability: 2, drop: true }, /probability must be a number from 0 to 1/],
        [{ action: 'DescribeVpcs', region: 'mars', drop: true }, /region names no region/],
        [{ action: 'AttachNetworkInterface', phase: 'request', taskHold: true }, /phase must be task/],
        [{ action: 'DescribeVpcs', colour: 'red', drop: true }, /colour is not a rule field/],
      ];
      for (const [rule, message] of bad) {
        const r = await ctl.post('faults', [rule]);
        assert.equal(r.status, 400, JSON.stringify(rule));
        assert.match(r.body.error, message);
      }
      assert.equal((await ctl.put('faults', 'not json')).status, 400);
    });

    it('a connection dropped before the change: nothing is made', async () => {
      await add([{ action: 'CreateVpc', apiVersion: '3.0', drop: true, times: 1 }]);
      await assert.rejects(c3.call('vpc', 'CreateVpc', { VpcName: 'dropped-before', CidrBlock: '10.5.0.0/16' }));
      const vpcs = await c3.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-name', Values: ['dropped-before'] }] });
      assert.equal(vpcs.TotalCount, 0);
    });

    it('a connection dropped after the commit: the change is made and visible', async () => {
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      await add([{ action: 'CreateNetworkInterface', phase: 'commit', drop: true, times: 1 }]);
      await assert.rejects(
        c3.call('vpc', 'CreateNetworkInterface', {
          VpcId: net.vpcId,
          SubnetId: net.subnetId,
          NetworkInterfaceName: 'lost-answer',
        }),
      );
      const found = await c3.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [{ Name: 'network-interface-name', Values: ['lost-answer'] }],
      });
      assert.equal(found.TotalCount, 1);
      // v2 too: a dropped answer after the commit, the ENI there.
      await add([{ action: 'CreateNetworkInterface', apiVersion: 'v2', phase: 'commit', drop: true, times: 1 }]);
      await assert.rejects(v2.call('CreateNetworkInterface', { ...net, eniName: 'lost-v2' }));
      const r = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, eniName: 'lost-v2' });
      assert.equal(r.data.totalNum, 1);
    });

    it('a non-200 answer, with latency, reaches the SDK as an HTTP error', async () => {
      await add([
        { action: 'DescribeVpcs', http: { status: 503, body: 'upstream busy' }, latency: { ms: 150 }, times: 1 },
      ]);
      const started = Date.now();
      // The SDK reports a non-200 by its status text, with no error code.
      await assert.rejects(c3.call('vpc', 'DescribeVpcs'), (err: Error) => /Service Unavailable/.test(err.message));
      assert.ok(Date.now() - started >= 140, 'the latency came first');
      const raw = await c3.call('vpc', 'DescribeVpcs');
      assert.ok(!('Error' in raw));
    });

    it('a failed attach task rolls back: the ENI is left unattached', async () => {
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const ins = await instance(v2, net);
      const eniId = await eni(v2, net);
      await add([{ action: 'AttachNetworkInterface', resourceId: eniId, taskFail: { message: 'no free PCI slot' } }]);
      const r = await c3.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: ins });
      const task = await c3.waitTask(r.RequestId);
      assert.equal(task.Status, 'FAILED');
      assert.match(JSON.stringify(task), /no free PCI slot/);
      const after = await c3.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] });
      assert.equal(after.NetworkInterfaceSet[0].Attachment, null);
      assert.equal(after.NetworkInterfaceSet[0].State, 'AVAILABLE');
    });

    it('a held task stays RUNNING until released, then completes', async () => {
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const ins = await instance(v2, net);
      const eniId = await eni(v2, net);
      await add([{ action: 'AttachNetworkInterface', resourceId: eniId, taskHold: true }]);
      const r = await v2.call('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: ins,
      });
      assert.equal(r.code, 0, r.message);
      // Several task latencies (20 ms) later it still runs, and v2 and 3.0 both say so.
      await new Promise((res) => setTimeout(res, 300));
      const polled = await v2.call('DescribeVpcTaskResult', { taskId: r.taskId });
      assert.equal(polled.data.status, 2, JSON.stringify(polled));
      const held = (await ctl.get('tasks/held')).body.tasks;
      assert.deepEqual(
        held.map((t: { taskId: number; type: string }) => [t.taskId, t.type]),
        [[r.taskId, 'AttachNetworkInterface']],
      );
      expectError(
        await v2.call('DetachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins }),
        5100,
        'ActionLocked',
      );
      const released = await ctl.post(`tasks/release?taskId=${r.taskId}`);
      assert.deepEqual(released.body, { released: [r.taskId] });
      const done = await v2.waitTask(r.taskId);
      assert.equal(done.data.status, 0);
      assert.equal((await ctl.post(`tasks/release?taskId=${r.taskId}`)).status, 404);
    });

    it('per task type latency, and release of every held task', async () => {
      const set = await ctl.put('tasks/latency', { CreateNetworkInterface: 400 });
      assert.deepEqual(set.body.byType, { CreateNetworkInterface: 400 });
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const started = Date.now();
      const r = await v2.run('CreateNetworkInterface', { ...net, eniName: 'slow' });
      assert.equal(r.task.data.status, 0);
      assert.ok(Date.now() - started >= 380, `took ${Date.now() - started} ms`);
      assert.deepEqual((await ctl.put('tasks/latency', { CreateNetworkInterface: null })).body.byType, {});
      assert.equal((await ctl.put('tasks/latency', { NoSuchTask: 5 })).status, 400);

      await add([{ action: 'CreateNetworkInterface', taskHold: true }]);
      const a = await v2.call('CreateNetworkInterface', { ...net, eniName: 'held-a' });
      const b = await v2.call('CreateNetworkInterface', { ...net, eniName: 'held-b' });
      const all = await ctl.post('tasks/release');
      assert.deepEqual(all.body.released, [a.taskId, b.taskId]);
      for (const t of [a, b]) assert.equal((await v2.waitTask(t.taskId)).data.status, 0);
    });

    it('skip, account and expiry decide whom a rule hits', async () => {
      await add([
        { action: 'DescribeVpcs', account: ACCOUNT_B.appId, error: { code: 'RequestLimitExceeded' } },
        { action: 'DescribeSubnets', skip: 2, times: 1, error: { code: 'RequestLimitExceeded' } },
        { action: 'DescribeRouteTables', expiresAt: Date.now() - 1, error: { code: 'RequestLimitExceeded' } },
      ]);
      assert.ok(!('Error' in (await c3.call('vpc', 'DescribeVpcs'))), 'account A is not hit');
      isError(
        await sdk3Client(server.port, { account: ACCOUNT_B }).call('vpc', 'DescribeVpcs'),
        'RequestLimitExceeded',
      );
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push('Error' in (await c3.call('vpc', 'DescribeSubnets')));
      assert.deepEqual(outcomes, [false, false, true, false]);
      assert.equal(ACCOUNT_A.appId !== ACCOUNT_B.appId, true);
    });

    it('a seeded probability fires the same way every time', async () => {
      const pattern = async () => {
        assert.equal((await ctl.post('seed', { value: 'same-run' })).status, 200);
        await ctl.delete('faults');
        await add([{ id: 'coin', action: 'DescribeVpcs', probability: 0.5, error: { code: 'RequestLimitExceeded' } }]);
        const fired: boolean[] = [];
        for (let i = 0; i < 16; i++) fired.push('Error' in (await c3.call('vpc', 'DescribeVpcs')));
        return fired;
      };
      const first = await pattern();
      assert.ok(first.includes(true) && first.includes(false), `a fair coin: ${first}`);
      assert.deepEqual(await pattern(), first);
    });
  });
}

describe('the environment knobs and task control', () => {
  it('DATA_PLANE_FAILURE_RATE is a default rule at the end of the list, and fails tasks', async () => {
    const [sqlite] = backends();
    const server = await startServer(sqlite!, { DATA_PLANE_FAILURE_RATE: '1' });
    try {
      const ctl = controlClient(server.host);
      const rules = (await ctl.get('faults')).body.rules;
      assert.deepEqual(
        rules.map((r: { id: string; source: string; probability: number }) => [r.id, r.source, r.probability]),
        [['env:DATA_PLANE_FAILURE_RATE', 'env', 1]],
      );
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const r = await v2.call('CreateNetworkInterface', { ...net, eniName: 'doomed' });
      const task = await v2.waitTask(r.taskId);
      assert.equal(task.data.status, 1);
      assert.match(JSON.stringify(task), /DATA_PLANE_FAILURE_RATE/);
      assert.deepEqual((await ctl.get('tasks/latency')).body, { defaultMs: 20, byType: {} });
    } finally {
      await server.close();
    }
  });

  it('reset refuses while a task is being applied, unless forced', async () => {
    const [sqlite] = backends();
    const server = await startServer(sqlite!);
    try {
      const ctl = controlClient(server.host);
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      const hold = holdTasks(server.driver, 'CreateNetworkInterface');
      try {
        await v2.call('CreateNetworkInterface', { ...net, eniName: 'in-flight' });
        await new Promise((res) => setTimeout(res, 300)); // the worker has it (20 ms latency)
        const refused = await ctl.post('reset');
        assert.equal(refused.status, 409);
        assert.match(refused.body.error, /force=true/);
        assert.equal((await ctl.post('reset?force=true')).status, 200);
      } finally {
        hold.release();
      }
      assert.deepEqual((await v2.call('DescribeVpcEx')).data, []);
    } finally {
      await server.close();
    }
  });
});

describe('fault rules across replicas [postgres]', { skip: PG_URL ? false : 'VPC_ENI_TEST_PG_URL is not set' }, () => {
  it('a rule added through one replica fires on another, and counts once for both', async () => {
    const pg = backends().find((b) => b.name === 'postgres')!;
    const url = await pg.freshUrl();
    const a = await startServer(pg, { DATABASE_URL: url });
    const b = await startServer(pg, { DATABASE_URL: url });
    try {
      const added = await controlClient(a.host).post('faults', [
        { action: 'DescribeVpcs', error: { code: 'RequestLimitExceeded' }, times: 1 },
      ]);
      assert.equal(added.status, 201);
      await new Promise((res) => setTimeout(res, 300)); // longer than a replica caches the list
      isError(await sdk3Client(b.port).call('vpc', 'DescribeVpcs'), 'RequestLimitExceeded');
      assert.ok(!('Error' in (await sdk3Client(a.port).call('vpc', 'DescribeVpcs'))), 'used up on the other replica');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
