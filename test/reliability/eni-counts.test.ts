import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seed } from '../../bench/seed.ts';
import { findViolations, type Violation } from '../../src/cli/check.ts';
import type { Caller, OrderDirection } from '../../src/domain/model.ts';
import { openDb, type Db, type Queryable, type SqlValue } from '../../src/store/db.ts';
import { DEEP_PAGE_OFFSET, listEnis, type EniFilter } from '../../src/store/eni.repo.ts';
import { migrate } from '../../src/store/migrate.ts';
import { backends } from '../support/backends.ts';
import { controlClient, type ControlClient } from '../support/control.ts';
import { eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';

// Each VPC keeps its ENI count (migration 009): DescribeNetworkInterfaces' total and the per-VPC
// quota read it instead of counting rows. Every path that adds or removes an ENI must keep it right,
// and what the service answers must stay what counting the rows would answer. Deep pages by VPC walk
// an index in the answer's order instead of sorting the VPC's ENIs.

const BIN = path.resolve(import.meta.dirname, '../../bin/vpc-eni.js');
const REGION = 'ap-guangzhou';
const callerA: Caller = { appId: ACCOUNT_A.appId, region: REGION, requestId: 'eni-counts-test' };

const countRules = (vs: Violation[]) => vs.filter((v) => v.rule === 'eni-count' || v.rule === 'eni-vpc');

async function rowsIn(db: Queryable, vpcId: string): Promise<number> {
  return (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM enis WHERE vpc_id = ?', [vpcId]))!.n;
}

async function storedCount(db: Queryable, vpcId: string): Promise<number | undefined> {
  return (await db.get<{ n: number }>('SELECT eni_count AS n FROM vpcs WHERE id = ?', [vpcId]))?.n;
}

for (const backend of backends()) {
  describe(`VPC ENI counts [${backend.name}]`, () => {
    let server: TestServer;
    let v2: Client;
    let v3: Client3;
    let ctl: ControlClient;
    before(async () => {
      server = await startServer(backend);
      v2 = server.client();
      v3 = sdk3Client(server.port);
      ctl = controlClient(server.host);
    });
    after(() => server.close());

    /** The stored count, the rows, v2's totalNum and 3.0's TotalCount agree, for each VPC: `expected`. */
    async function expectCounts(expected: Record<string, number>): Promise<void> {
      const db = server.app.db;
      for (const [vpcId, n] of Object.entries(expected)) {
        assert.equal(await rowsIn(db, vpcId), n, `rows of ${vpcId}`);
        assert.equal(await storedCount(db, vpcId), n, `stored count of ${vpcId}`);
        const r2 = await v2.call('DescribeNetworkInterfaces', { vpcId, limit: 1 });
        assert.equal(r2.data.totalNum, n, `v2 totalNum of ${vpcId}`);
        const r3 = await v3.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [{ Name: 'vpc-id', Values: [vpcId] }],
          Limit: 1,
        });
        assert.equal(r3.TotalCount, n, `3.0 TotalCount of ${vpcId}`);
      }
      assert.deepEqual(countRules(await findViolations(db)), []);
    }

    const failNext = async (action: string) => {
      const r = await ctl.post('faults', [{ action, phase: 'task', taskFail: { message: 'injected' }, times: 1 }]);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };

    it('every path that adds or removes an ENI keeps its VPC count, success or rollback', async () => {
      const a = await vpcWithSubnet(v2, { cidr: '10.1.0.0/16', subnetCidr: '10.1.1.0/24' });
      const b = await vpcWithSubnet(v2, { cidr: '10.2.0.0/16', subnetCidr: '10.2.1.0/24' });
      await expectCounts({ [a.vpcId]: 0, [b.vpcId]: 0 });

      // CreateNetworkInterface, both protocols.
      const e1 = await eni(v2, a);
      const e2 = await eni(v2, a);
      const made = await v3.ok('vpc', 'CreateNetworkInterface', {
        VpcId: b.vpcId,
        SubnetId: b.subnetId,
        NetworkInterfaceName: 'in-b',
      });
      assert.equal((await v3.waitTask(made.RequestId)).Status, 'SUCCESS');
      await expectCounts({ [a.vpcId]: 2, [b.vpcId]: 1 });

      // RunInstances: one primary ENI per instance.
      const insA = await instance(v2, a);
      const run = await v3.ok('cvm', 'RunInstances', {
        Placement: { Zone: 'ap-guangzhou-3' },
        ImageId: 'img-00000000',
        InstanceType: 'S5.MEDIUM4',
        InstanceCount: 2,
        VirtualPrivateCloud: { VpcId: b.vpcId, SubnetId: b.subnetId },
      });
      assert.equal((await v3.waitTask(run.RequestId)).Status, 'SUCCESS');
      const [insB, insB2] = run.InstanceIdSet as string[];
      await expectCounts({ [a.vpcId]: 3, [b.vpcId]: 3 });

      // CreateAndAttachNetworkInterface; attaching an existing ENI changes no count.
      const both = await v3.ok('vpc', 'CreateAndAttachNetworkInterface', {
        VpcId: b.vpcId,
        SubnetId: b.subnetId,
        InstanceId: insB,
        NetworkInterfaceName: 'both',
      });
      assert.equal((await v3.waitTask(both.RequestId)).Status, 'SUCCESS');
      await v2.run('AttachNetworkInterface', { vpcId: a.vpcId, networkInterfaceId: e1, instanceId: insA });
      await expectCounts({ [a.vpcId]: 3, [b.vpcId]: 4 });

      // Terminate: the primary ENI goes, the attached secondary stays (detached).
      const term = await v2.run('TerminateInstances', { instanceIds: [insA] });
      assert.equal(term.task.data.status, 0);
      await expectCounts({ [a.vpcId]: 2, [b.vpcId]: 4 });

      // DeleteNetworkInterface.
      await v2.run('DeleteNetworkInterface', { vpcId: a.vpcId, networkInterfaceId: e2 });
      await expectCounts({ [a.vpcId]: 1, [b.vpcId]: 4 });

      // Failed tasks give back what they took: the rows and the counts.
      await failNext('CreateNetworkInterface');
      const failedCreate = await v2.run('CreateNetworkInterface', { ...a, eniName: 'doomed' });
      assert.equal(failedCreate.task.data.status, 1);
      await failNext('CreateAndAttachNetworkInterface');
      const failedBoth = await v3.ok('vpc', 'CreateAndAttachNetworkInterface', {
        VpcId: b.vpcId,
        SubnetId: b.subnetId,
        InstanceId: insB2,
        NetworkInterfaceName: 'doomed',
      });
      assert.equal((await v3.waitTask(failedBoth.RequestId)).Status, 'FAILED');
      await failNext('RunInstances');
      const failedRun = await v2.run('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, ...b });
      assert.equal(failedRun.task.data.status, 1);
      await failNext('DeleteNetworkInterface');
      const failedDelete = await v2.run('DeleteNetworkInterface', { vpcId: a.vpcId, networkInterfaceId: e1 });
      assert.equal(failedDelete.task.data.status, 1);
      await failNext('TerminateInstances');
      const failedTerm = await v2.run('TerminateInstances', { instanceIds: [insB] });
      assert.equal(failedTerm.task.data.status, 1);
      await expectCounts({ [a.vpcId]: 1, [b.vpcId]: 4 });
      assert.deepEqual(await findViolations(server.app.db, { drained: true }), []);
    });

    it('concurrent creates and deletes in one VPC leave the count equal to the rows', async () => {
      const net = await vpcWithSubnet(v2, { cidr: '10.11.0.0/16', subnetCidr: '10.11.1.0/24' });
      const created = await Promise.all(Array.from({ length: 12 }, () => eni(v2, net)));
      const ins = await instance(v2, net);
      const doomed = created.slice(0, 6);
      await Promise.all([
        ...doomed.map((id) => v2.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: id })),
        ...Array.from({ length: 6 }, () => eni(v2, net)),
        v2.run('TerminateInstances', { instanceIds: [ins] }),
        v2.run('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, ...net }),
      ]);
      await waitUntil(async () => (await findViolations(server.app.db, { drained: true })).length === 0);
      await expectCounts({ [net.vpcId]: 12 + 1 });
    });

    it('totals: several VPCs, every VPC, another account, and filters the counts do not answer', async () => {
      const b2 = server.client({ account: ACCOUNT_B });
      const a = await vpcWithSubnet(v2, { cidr: '10.3.0.0/16', subnetCidr: '10.3.1.0/24' });
      const b = await vpcWithSubnet(v2, { cidr: '10.4.0.0/16', subnetCidr: '10.4.2.0/24' });
      const other = await vpcWithSubnet(b2, { cidr: '10.5.0.0/16', subnetCidr: '10.5.1.0/24' });
      for (let n = 0; n < 3; n++) await eni(v2, a);
      await eni(v2, b);
      await eni(b2, other);
      const ins = await instance(v2, a);
      const total3 = async (filters: Array<{ Name: string; Values: string[] }>) =>
        (await v3.ok('vpc', 'DescribeNetworkInterfaces', { Filters: filters, Limit: 1 })).TotalCount;
      // A VPC named twice counts once; a VPC of another account counts nothing.
      assert.equal(await total3([{ Name: 'vpc-id', Values: [a.vpcId, b.vpcId, a.vpcId] }]), 5);
      assert.equal(await total3([{ Name: 'vpc-id', Values: [a.vpcId, other.vpcId] }]), 4);
      assert.equal(await total3([{ Name: 'vpc-id', Values: ['vpc-zzzzzzzz'] }]), 0);
      // Unfiltered: every ENI of the caller in the region, what counting its rows answers.
      const mine = (await server.app.db.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM enis WHERE app_id = ? AND region = ?',
        [ACCOUNT_A.appId, REGION],
      ))!.n;
      const all = await v3.ok('vpc', 'DescribeNetworkInterfaces', { Limit: 1 });
      assert.equal(all.TotalCount, mine);
      assert.equal((await b2.call('DescribeNetworkInterfaces', { limit: 1 })).data.totalNum, 1);
      // Another filter with the VPC counts the rows it selects.
      assert.equal(
        await total3([
          { Name: 'vpc-id', Values: [a.vpcId] },
          { Name: 'is-primary', Values: ['true'] },
        ]),
        1,
      );
      assert.equal(
        await total3([
          { Name: 'vpc-id', Values: [a.vpcId, b.vpcId] },
          { Name: 'subnet-id', Values: [b.subnetId] },
        ]),
        1,
      );
      const byInstance = await v2.call('DescribeNetworkInterfaces', { vpcId: a.vpcId, instanceId: ins });
      assert.equal(byInstance.data.totalNum, 1);
      assert.equal(byInstance.data.data[0].primary, true);
      const none = await v2.call('DescribeNetworkInterfaces', { vpcId: b.vpcId, subnetId: a.subnetId });
      assert.equal(none.data.totalNum, 0);
    });

    it('vpc-eni check names a wrong count and an ENI outside its owner’s VPCs; reset and restore recompute', async () => {
      const db = server.app.db;
      const net = await vpcWithSubnet(v2, { cidr: '10.6.0.0/16', subnetCidr: '10.6.1.0/24' });
      const e1 = await eni(v2, net);
      await eni(v2, net);
      const other = await vpcWithSubnet(server.client({ account: ACCOUNT_B }), {
        cidr: '10.7.0.0/16',
        subnetCidr: '10.7.1.0/24',
      });

      await db.tx((tx) => tx.run('UPDATE vpcs SET eni_count = 7 WHERE id = ?', [net.vpcId]));
      // The total by VPC is the count, not a count of rows: which is why the checker watches it.
      assert.equal((await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId })).data.totalNum, 7);
      const bySubnet = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, subnetId: net.subnetId });
      assert.equal(bySubnet.data.totalNum, 2);
      const found = countRules(await findViolations(db));
      assert.deepEqual(
        found.map((v) => [v.rule, v.subject]),
        [['eni-count', net.vpcId]],
      );
      assert.match(found[0]!.detail, /says 7; it holds 2 ENIs/);
      const cli = spawnSync(process.execPath, [BIN, 'check', '--json'], {
        env: { ...process.env, DATABASE_URL: server.config.databaseUrl },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(cli.status, 1, cli.stderr);
      const printed = (JSON.parse(cli.stdout) as { violations: Violation[] }).violations;
      assert.deepEqual(
        countRules(printed).map((v) => v.rule),
        ['eni-count'],
      );

      // A reset (of another account) recomputes what it leaves.
      assert.equal((await ctl.post(`reset?account=${ACCOUNT_B.appId}`)).status, 200);
      await expectCounts({ [net.vpcId]: 2 });
      assert.equal(await storedCount(db, other.vpcId), undefined);

      // An ENI moved into another account's VPC (a bug, done here by hand) is named; so is its count.
      const foreign = await vpcWithSubnet(server.client({ account: ACCOUNT_B }), {
        cidr: '10.8.0.0/16',
        subnetCidr: '10.8.1.0/24',
      });
      await db.tx((tx) => tx.run('UPDATE enis SET vpc_id = ? WHERE id = ?', [foreign.vpcId, e1]));
      const named = countRules(await findViolations(db)).map((v) => `${v.rule} ${v.subject}`);
      assert.deepEqual(named.sort(), [`eni-count ${net.vpcId}`, `eni-count ${foreign.vpcId}`, `eni-vpc ${e1}`].sort());
      await db.tx((tx) => tx.run('UPDATE enis SET vpc_id = ? WHERE id = ?', [net.vpcId, e1]));

      // A snapshot restores its own rows, with counts computed from them, not copied from the file.
      assert.equal((await ctl.post('reset?force=true')).status, 200);
      const base = await vpcWithSubnet(v2, { cidr: '10.9.0.0/16', subnetCidr: '10.9.1.0/24' });
      await eni(v2, base);
      await eni(v2, base);
      assert.equal((await ctl.post('snapshots', { name: 'counts' })).status, 201);
      await eni(v2, base);
      await db.tx((tx) => tx.run('UPDATE vpcs SET eni_count = 0 WHERE id = ?', [base.vpcId]));
      assert.equal((await ctl.post('snapshots/counts/restore')).status, 200);
      await expectCounts({ [base.vpcId]: 2 });
      const file = (await ctl.get('snapshots/counts')).body;
      const vpcs = file.state.tables.vpcs;
      const column = vpcs.columns.indexOf('eni_count');
      assert.ok(column >= 0, 'a snapshot carries the counts');
      for (const row of vpcs.rows) row[column] = 1234;
      assert.equal((await ctl.put('snapshots/edited', JSON.stringify(file))).status, 201);
      assert.equal((await ctl.post('snapshots/edited/restore')).status, 200);
      await expectCounts({ [base.vpcId]: 2 });
      // Test control's own tables survive a reset: leave none of ours behind for the next test.
      for (const name of ['counts', 'edited']) assert.equal((await ctl.delete(`snapshots/${name}`)).status, 200);
    });

    it('deep pages come in the answer’s order, each order walking an index with no sort', async () => {
      const net = await vpcWithSubnet(v2, { cidr: '10.10.0.0/16', subnetCidr: '10.10.1.0/24' });
      // Names that sort differently by code point than by any locale; ENIs made in one millisecond
      // tie on their creation time and are ordered by id.
      const names = ['b', 'a', 'C', 'a', 'B', 'c', 'A'];
      for (const name of names) await eni(v2, net, { eniName: name });
      const ids = async (orderField: string, orderDirection: string, offset: number, limit: number) =>
        (
          await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, orderField, orderDirection, offset, limit })
        ).data.data.map((e: { networkInterfaceId: string; eniName: string }) => [e.networkInterfaceId, e.eniName]);
      for (const field of ['createTime', 'eniName']) {
        const whole = await ids(field, 'asc', 0, 50);
        assert.equal(whole.length, names.length);
        const paged = [];
        for (let offset = 0; offset < names.length; offset += 2) paged.push(...(await ids(field, 'asc', offset, 2)));
        assert.deepEqual(paged, whole, `${field}: pages neither overlap nor skip`);
        assert.deepEqual(await ids(field, 'desc', 0, 50), [...whole].reverse(), `${field}: desc is asc reversed`);
        if (field === 'eniName') {
          const sorted = whole.map(([, n]: string[]) => n);
          assert.deepEqual(sorted, [...names].sort(), 'names by code point');
        }
        // Past the end: an empty page, the whole total.
        const past = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, offset: 100, limit: 5 });
        assert.deepEqual([past.data.totalNum, past.data.data], [names.length, []]);
      }

      // The statements themselves: by VPC alone, each order walks an index in order (no sort step);
      // with a narrower filter, that filter's index is used rather than a walk of the whole VPC.
      const db = server.app.db;
      const orders = [
        ['createdAt', 'desc'],
        ['createdAt', 'asc'],
        ['name', 'asc'],
        ['name', 'desc'],
      ] as const;
      for (const [field, direction] of orders) {
        // A first page, and a deep one (read through the ids first).
        for (const offset of [3, DEEP_PAGE_OFFSET + 5]) {
          const plan = await planOf(db, { vpcIds: [net.vpcId] }, field, direction, offset);
          assert.ok(!plan.sorts, `${field} ${direction} by VPC at offset ${offset} sorts: ${plan.text}`);
          if (db.dialect === 'sqlite') assert.match(plan.text, field === 'name' ? /enis_by_vpc_name/ : /enis_by_vpc\b/);
        }
      }
      if (db.dialect === 'sqlite') {
        const byInstance = { vpcIds: [net.vpcId], instanceIds: ['ins-00000000'] };
        assert.match((await planOf(db, byInstance, 'createdAt', 'desc', 0)).text, /enis_by_instance/);
        const bySubnet = await planOf(db, { vpcIds: [net.vpcId], subnetIds: [net.subnetId] }, 'name', 'asc', 0);
        assert.match(bySubnet.text, /enis_by_subnet/);
      }
    });
  });

  describe(`the per-VPC ENI quota reads the count [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_ENIS: '2' });
    });
    after(() => server.close());

    it('counts ENIs being created and being deleted, and frees the slot once one is gone', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const first = await eni(c, net);
      const creating = holdTasks(server.driver, 'CreateNetworkInterface');
      try {
        const pending = await c.call('CreateNetworkInterface', { ...net, eniName: 'pending' });
        assert.equal(pending.code, 0, pending.message);
        expectError(
          await c.call('CreateNetworkInterface', { ...net, eniName: 'third' }),
          5100,
          'NetworkInterfaceLimitExceeded',
          net.vpcId,
        );
      } finally {
        creating.release();
      }
      await waitUntil(async () => (await findViolations(server.app.db, { drained: true })).length === 0);
      const deleting = holdTasks(server.driver, 'DeleteNetworkInterface');
      try {
        const del = await c.call('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: first });
        assert.equal(del.code, 0, del.message);
        expectError(
          await c.call('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, ...net }),
          5100,
          'NetworkInterfaceLimitExceeded',
        );
      } finally {
        deleting.release();
      }
      await waitUntil(async () => (await c.call('DescribeNetworkInterfaces', { ...net })).data.totalNum === 1);
      await instance(c, net);
      expectError(
        await c.call('CreateNetworkInterface', { ...net, eniName: 'over' }),
        5100,
        'NetworkInterfaceLimitExceeded',
      );
      assert.deepEqual(await findViolations(server.app.db, { drained: true }), []);
    });
  });

  describe(`counts written without the API [${backend.name}]`, () => {
    it('migration 009 fills the counts of a database written before it', async () => {
      const db = await openDb(await backend.freshUrl());
      try {
        await migrate(db, { upTo: 7 });
        await db.tx(async (tx) => {
          for (const [n, vpc] of ['vpc-old00001', 'vpc-old00002', 'vpc-old00003'].entries()) {
            await tx.run('INSERT INTO vpcs (id, app_id, region, name, cidr, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
              vpc,
              ACCOUNT_A.appId,
              REGION,
              'old',
              `10.${n}.0.0/16`,
              1,
            ]);
            await tx.run(
              'INSERT INTO subnets (id, app_id, region, vpc_id, zone_id, name, cidr, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
              [`subnet-old0000${n}`, ACCOUNT_A.appId, REGION, vpc, 100003, 'old', `10.${n}.1.0/24`, 1],
            );
            // 3, 1 and 0 ENIs.
            for (let e = 0; e < [3, 1, 0][n]!; e++) {
              await tx.run(
                `INSERT INTO enis (id, app_id, region, vpc_id, subnet_id, name, description, mac, is_primary, state, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'AVAILABLE', ?)`,
                [`eni-old${n}000${e}`, ACCOUNT_A.appId, REGION, vpc, `subnet-old0000${n}`, 'e', '', `mac-${n}-${e}`, e],
              );
            }
          }
        });
        await migrate(db);
        assert.deepEqual(
          [
            await storedCount(db, 'vpc-old00001'),
            await storedCount(db, 'vpc-old00002'),
            await storedCount(db, 'vpc-old00003'),
          ],
          [3, 1, 0],
        );
        assert.deepEqual(countRules(await findViolations(db)), []);
      } finally {
        await db.close();
      }
    });

    it('the benchmark seeder leaves right counts; deep pages hold what a plain sort puts there', async () => {
      const url = await backend.freshUrl();
      const enis = DEEP_PAGE_OFFSET + 50;
      const fleet = await seed(url, ACCOUNT_A.appId, { enis, instances: 4, poolEnis: 8 });
      const db = await openDb(url);
      try {
        assert.equal(await storedCount(db, fleet.vpcId), enis);
        assert.equal(await rowsIn(db, fleet.vpcId), enis);
        assert.deepEqual(countRules(await findViolations(db)), []);
        // Some names alike, so that the name order has ties to break by id.
        await db.tx((tx) => tx.run("UPDATE enis SET name = 'same' WHERE id LIKE '%1' OR id LIKE '%7'"));
        const orders = [
          ['createdAt', 'created_at', 'desc'],
          ['createdAt', 'created_at', 'asc'],
          ['name', `name${db.caps.bytewise}`, 'asc'],
          ['name', `name${db.caps.bytewise}`, 'desc'],
        ] as const;
        for (const [field, column, direction] of orders) {
          for (const offset of [DEEP_PAGE_OFFSET - 10, DEEP_PAGE_OFFSET, enis - 15]) {
            const page = await listEnis(
              db,
              callerA,
              { vpcIds: [fleet.vpcId] },
              { field, direction },
              { offset, limit: 20 },
            );
            assert.equal(page.total, enis);
            const expected = await db.all<{ id: string }>(
              `SELECT id FROM enis WHERE vpc_id = ? ORDER BY ${column} ${direction}, id ${direction} LIMIT 20 OFFSET ?`,
              [fleet.vpcId, offset],
            );
            assert.deepEqual(
              page.items.map((e) => e.id),
              expected.map((r) => r.id),
              `${field} ${direction} at offset ${offset}`,
            );
          }
        }
      } finally {
        await db.close();
      }
    });
  });
}

/** Polls `done` until it holds (tasks finish on the worker's time). */
async function waitUntil(done: () => Promise<boolean>): Promise<void> {
  for (let n = 0; n < 200; n++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail('gave up waiting');
}

/**
 * The plan of the page statement listEnis runs (recorded, then explained on the same engine):
 * whether it has a sort step. PostgreSQL is told to avoid sorts and sequential scans, so a Sort
 * that remains means no index can deliver the order.
 */
async function planOf(
  db: Db,
  filter: EniFilter,
  field: 'createdAt' | 'name',
  direction: OrderDirection,
  offset: number,
): Promise<{ sorts: boolean; text: string }> {
  const seen: Array<{ sql: string; params: readonly SqlValue[] }> = [];
  const record = (sql: string, params: readonly SqlValue[] = []) => seen.push({ sql, params });
  const recording: Queryable = {
    caps: db.caps,
    all: (sql, params) => (record(sql, params), db.all(sql, params)),
    get: (sql, params) => (record(sql, params), db.get(sql, params)),
    run: (sql, params) => (record(sql, params), db.run(sql, params)),
  };
  await listEnis(recording, callerA, filter, { field, direction }, { offset, limit: 2 });
  const page = seen.find((s) => s.sql.includes(' ORDER BY '));
  assert.ok(page, 'listEnis runs a page statement');
  if (db.dialect === 'sqlite') {
    const rows = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${page.sql}`, page.params);
    const text = rows.map((r) => r.detail).join(' | ');
    return { sorts: /TEMP B-TREE/.test(text), text };
  }
  return db.tx(async (tx) => {
    await tx.run('SET LOCAL enable_sort = off');
    await tx.run('SET LOCAL enable_seqscan = off');
    const rows = await tx.all<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${page.sql}`, page.params);
    const text = JSON.stringify(rows[0]!['QUERY PLAN']);
    return { sorts: /"Node Type":"(Incremental )?Sort"/.test(text), text };
  });
}
