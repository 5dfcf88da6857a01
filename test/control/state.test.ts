import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { backends, type Backend } from '../support/backends.ts';
import { controlClient, type ControlClient } from '../support/control.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { sdk3Client } from '../support/sdk3.ts';

// Reset, snapshots, checkpoints, the seed and the endpoints' access rule (docs/test-control.md),
// checked through what the official SDKs see and through `vpc-eni check`.

const BIN = path.resolve(import.meta.dirname, '../../bin/vpc-eni.js');

/** Everything an account sees through v2, for comparing states. */
async function view(c: Client) {
  const vpcs = await c.call('DescribeVpcEx', { limit: 100 });
  const subnets = await c.call('DescribeSubnetEx', { limit: 100 });
  const instances = await c.call('DescribeInstances', { limit: 100 });
  const enis = [];
  for (const v of vpcs.data) {
    const r = await c.call('DescribeNetworkInterfaces', { vpcId: v.unVpcId, limit: 50 });
    enis.push(...r.data.data);
  }
  return { vpcs: vpcs.data, subnets: subnets.data, instances: instances.instanceSet, enis };
}

/** A small network: a VPC, an instance and an ENI attached to it. */
async function network(c: Client, cidr = '10.0.0.0/16') {
  const net = await vpcWithSubnet(c, { cidr, subnetCidr: cidr.replace('0.0/16', '1.0/24') });
  const ins = await instance(c, net);
  const eniId = await eni(c, net);
  const attached = await c.run('AttachNetworkInterface', {
    vpcId: net.vpcId,
    networkInterfaceId: eniId,
    instanceId: ins,
  });
  assert.equal(attached.task.data.status, 0);
  return { ...net, ins, eniId };
}

function check(url: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'check'], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

for (const backend of backends()) {
  describe(`reset and snapshots [${backend.name}]`, () => {
    let server: TestServer;
    let url: string;
    let ctl: ControlClient;
    before(async () => {
      url = await backend.freshUrl();
      server = await startServer(backend, { DATABASE_URL: url });
      ctl = controlClient(server.host);
    });
    after(() => server.close());

    it('reset of one account leaves the other untouched, and counts what went', async () => {
      const a = server.client();
      const b = server.client({ account: ACCOUNT_B });
      await network(a);
      await network(b);
      const before = await view(b);
      const r = await ctl.post(`reset?account=${ACCOUNT_A.appId}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.removed.vpcs, 1);
      assert.equal(r.body.removed.enis, 2); // the instance's primary ENI and the attached one
      assert.equal(r.body.removed.instances, 1);
      assert.equal(r.body.removed.tasks, 3); // RunInstances, CreateNetworkInterface, AttachNetworkInterface
      assert.deepEqual((await view(a)).vpcs, []);
      assert.deepEqual(await view(b), before);
      // The account and its key stay: it can work on at once.
      assert.equal((await a.call('DescribeVpcEx')).code, 0);
      assert.equal(check(url).status, 0, check(url).out);
    });

    it('reset by region, and refusals that name the parameter', async () => {
      const gz = server.client();
      const sh = server.client({ region: 'sh' });
      await vpcWithSubnet(gz);
      const shVpc = await vpcWithSubnet(sh, { zone: '200001' });
      const r = await ctl.post(`reset?account=${ACCOUNT_A.appId}&region=ap-guangzhou`);
      assert.equal(r.status, 200);
      assert.deepEqual((await view(gz)).vpcs, []);
      assert.deepEqual(
        (await view(sh)).vpcs.map((v: { unVpcId: string }) => v.unVpcId),
        [shVpc.vpcId],
      );
      const bad: Array<[string, RegExp]> = [
        ['reset?region=mars', /region names no region/],
        ['reset?account=x', /account must be a positive integer/],
        ['reset?region=gz&accounts=true', /accounts cannot go with region/],
        ['reset?force=maybe', /force must be true or false/],
      ];
      for (const [p, message] of bad) {
        const res = await ctl.post(p);
        assert.equal(res.status, 400, p);
        assert.match(res.body.error, message);
      }
      assert.equal((await ctl.get('reset')).status, 405);
      assert.equal((await ctl.get('nothing-here')).status, 404);
    });

    it('snapshot, change everything, restore: the exact state is back', async () => {
      const c = server.client();
      const net = await network(c, '10.2.0.0/16');
      const saved = await ctl.post('snapshots', { name: 'base' });
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
      const before = await view(c);
      // Change it: detach, delete, create.
      const detach = await c.run('DetachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: net.eniId,
        instanceId: net.ins,
      });
      assert.equal(detach.task.data.status, 0);
      await eni(c, net, { eniName: 'after-the-snapshot' });
      await c.run('TerminateInstances', { instanceIds: [net.ins] });
      assert.notDeepEqual(await view(c), before);
      const restored = await ctl.post('snapshots/base/restore');
      assert.equal(restored.status, 200, JSON.stringify(restored.body));
      assert.deepEqual(await view(c), before);
      assert.equal(check(url).status, 0, check(url).out);
      // And it works on: the restored attachment can be detached.
      const again = await c.run('DetachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: net.eniId,
        instanceId: net.ins,
      });
      assert.equal(again.task.data.status, 0);
      const list = (await ctl.get('snapshots')).body.snapshots;
      assert.ok(
        list.some(
          (s: { name: string; schemaVersion: number }) => s.name === 'base' && s.schemaVersion === SCHEMA_VERSION,
        ),
      );
      assert.equal((await ctl.delete('snapshots/base')).status, 200);
      assert.equal((await ctl.post('snapshots/base/restore')).status, 404);
      assert.equal((await ctl.post('snapshots', { name: '../etc' })).status, 400);
    });

    it('checkpoints: push, change, pop puts it back; popping an empty stack is refused', async () => {
      const c = server.client();
      await vpcWithSubnet(c, { cidr: '10.3.0.0/16', subnetCidr: '10.3.1.0/24' });
      const before = await view(c);
      assert.deepEqual((await ctl.post('checkpoints')).body, { depth: 1 });
      await vpcWithSubnet(c, { cidr: '10.4.0.0/16', subnetCidr: '10.4.1.0/24' });
      assert.deepEqual((await ctl.post('checkpoints')).body, { depth: 2 });
      await network(c, '10.6.0.0/16');
      assert.equal((await ctl.delete('checkpoints')).body.depth, 1);
      assert.equal((await view(c)).vpcs.length, before.vpcs.length + 1);
      assert.equal((await ctl.delete('checkpoints')).body.depth, 0);
      assert.deepEqual(await view(c), before);
      const empty = await ctl.delete('checkpoints');
      assert.equal(empty.status, 409);
      assert.match(empty.body.error, /stack is empty/);
    });

    it('export, import elsewhere (any backend), and the schema version rules', async () => {
      const c = server.client();
      await vpcWithSubnet(c, { cidr: '10.7.0.0/16', subnetCidr: '10.7.1.0/24' });
      assert.equal((await ctl.post('snapshots', { name: 'out' })).status, 201);
      const exported = await ctl.get('snapshots/out');
      assert.equal(exported.status, 200);
      assert.match(exported.headers.get('content-disposition') ?? '', /out\.vpc-eni\.json/);
      const file = exported.body;
      for (const other of backends()) {
        const there = await startServer(other);
        try {
          const tctl = controlClient(there.host);
          assert.equal((await tctl.put('snapshots/in', JSON.stringify(file))).status, 201);
          assert.equal((await tctl.post('snapshots/in/restore')).status, 200);
          assert.deepEqual(await view(there.client()), await view(c));
          // A newer schema is refused; an older one is carried forward.
          const newer = await tctl.put(
            'snapshots/newer',
            JSON.stringify({ ...file, schemaVersion: SCHEMA_VERSION + 1 }),
          );
          assert.equal(newer.status, 409);
          assert.match(newer.body.error, /newer than this build knows/);
          assert.equal((await tctl.put('snapshots/junk', '{"format":"zip"}')).status, 400);
        } finally {
          await there.close();
        }
      }
    });
  });
}

describe('a snapshot of an older schema is carried forward', () => {
  it('a schema-4 file (no folded names, no tags) restores, and its names are searchable', async () => {
    const [sqlite] = backends() as [Backend];
    const server = await startServer(sqlite);
    try {
      const c = server.client();
      const made = await c.call('CreateVpc', { vpcName: 'ΟΔΟΣ', cidrBlock: '10.0.0.0/16' });
      const ctl = controlClient(server.host);
      await ctl.post('snapshots', { name: 'now' });
      const file = (await ctl.get('snapshots/now')).body;
      // What a build of schema 4 wrote: no fold columns (5), no tags (6), no task region (7), no
      // VPC ENI counts (9).
      const old = structuredClone(file);
      old.schemaVersion = 4;
      delete old.state.tables.tags;
      const drop = (table: string, columns: string[]) => {
        const t = old.state.tables[table];
        const keep = t.columns
          .map((col: string, n: number) => (columns.includes(col) ? -1 : n))
          .filter((n: number) => n >= 0);
        t.rows = t.rows.map((r: unknown[]) => keep.map((n: number) => r[n]));
        t.columns = keep.map((n: number) => t.columns[n]);
      };
      drop('vpcs', ['name_fold', 'eni_count']);
      drop('tasks', ['region', 'injected_failure']);
      await ctl.post('reset');
      assert.equal((await ctl.put('snapshots/old', JSON.stringify(old))).status, 201);
      assert.equal((await ctl.post('snapshots/old/restore')).status, 200);
      const found = await c.call('DescribeVpcEx', { vpcName: 'οδοσ' });
      assert.deepEqual(
        found.data.map((v: { unVpcId: string }) => v.unVpcId),
        [made.unVpcId],
      );
    } finally {
      await server.close();
    }
  });
});

describe('the seed, import at start and export on exit', () => {
  it('two servers with the same seed hand out the same ids', async () => {
    const [sqlite] = backends() as [Backend];
    const ids = async () => {
      const s = await startServer(sqlite, { VPC_ENI_SEED: 'golden' });
      try {
        const c = s.client();
        // A 3.0 call first thing: its RequestId is the stream's first.
        const r3 = await sdk3Client(s.port).ok('vpc', 'DescribeVpcs');
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net);
        const ins = await instance(c, net);
        return [r3.RequestId, net.vpcId, net.subnetId, eniId, ins];
      } finally {
        await s.close();
      }
    };
    const first = await ids();
    assert.deepEqual(await ids(), first);
    assert.match(first[1]!, /^vpc-[a-z0-9]{8}$/);
  });

  it('VPC_ENI_EXPORT_ON_EXIT writes the state at stop; VPC_ENI_IMPORT brings it back at start', async () => {
    const [sqlite] = backends() as [Backend];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-test-'));
    try {
      const file = path.join(dir, 'state.json');
      const a = await startServer(sqlite, { VPC_ENI_EXPORT_ON_EXIT: file });
      const net = await vpcWithSubnet(a.client());
      const seen = await view(a.client());
      await a.close();
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
      );
      const b = await startServer(sqlite, { VPC_ENI_IMPORT: file });
      try {
        assert.deepEqual(await view(b.client()), seen);
        assert.equal((await b.client().call('DescribeVpcEx', { vpcId: net.vpcId })).totalCount, 1);
      } finally {
        await b.close();
      }
      await assert.rejects(startServer(sqlite, { VPC_ENI_IMPORT: path.join(dir, 'missing.json') }), /VPC_ENI_IMPORT=/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('who may use test control', () => {
  const TOKEN = 'a-long-enough-admin-token';
  let app: Awaited<ReturnType<typeof buildApp>>;
  let host: string;
  before(async () => {
    const [sqlite] = backends() as [Backend];
    const config = loadConfig({ DATABASE_URL: await sqlite.freshUrl(), VPC_ENI_ADMIN_TOKEN: TOKEN });
    app = await buildApp(config, { log: createLogger('silent') });
    // Every address: not a loopback listener, even though this test connects over 127.0.0.1.
    await new Promise<void>((resolve) => app.server.listen(0, '0.0.0.0', resolve));
    host = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(() => app.close());

  it('on a public bind: 403 without the token or with a wrong one, 200 with it', async () => {
    const none = await controlClient(host).get('faults');
    assert.equal(none.status, 403);
    assert.match(none.body.error, /Authorization: Bearer/);
    assert.equal((await controlClient(host, { token: 'wrong-token-of-some-length' }).get('faults')).status, 403);
    assert.equal((await controlClient(host, { token: TOKEN }).get('faults')).status, 200);
    // An API key opens nothing here.
    assert.equal((await controlClient(host, { token: ACCOUNT_A.secretKey }).post('reset')).status, 403);
  });
});
