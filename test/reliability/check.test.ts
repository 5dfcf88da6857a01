import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findViolations, type Violation } from '../../src/cli/check.ts';
import { parseIp } from '../../src/domain/cidr.ts';
import { updateEni } from '../../src/store/eni.repo.ts';
import { deleteInstance, setInstanceStatus } from '../../src/store/instance.repo.ts';
import { insertIp } from '../../src/store/ip.repo.ts';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/harness.ts';

// The invariant checker (`vpc-eni check`) must be quiet on a healthy database and name each kind of
// damage. The damage is done through the store's own repositories, as a bug in the service would.

const BIN = path.resolve(import.meta.dirname, '../../bin/vpc-eni.js');

const rules = (vs: Violation[]) => [...new Set(vs.map((v) => v.rule))].sort();

for (const backend of backends()) {
  describe(`vpc-eni check [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it('finds nothing on a healthy database, drained', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c);
      const ins = await instance(c, net);
      const eniId = await eni(c, net);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      assert.deepEqual(await findViolations(server.app.db, { drained: true }), []);
    });

    it('names each kind of damage', async () => {
      const c = server.client();
      const net = await vpcWithSubnet(c, { cidr: '10.9.0.0/16', subnetCidr: '10.9.0.0/28' });
      const small = await instance(c, net, { cpu: 1, mem: 1 });
      const doomed = await instance(c, net);
      const [a, b, e, d] = [await eni(c, net), await eni(c, net), await eni(c, net), await eni(c, net)];
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: d, instanceId: doomed });
      const listed = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, instanceId: small });
      const smallPrimary: string = listed.data.data[0].networkInterfaceId;
      const db = server.app.db;
      await db.tx(async (tx) => {
        await updateEni(tx, a, { instanceId: small }); // 1 core 1 GB: 2 ENIs, 2 IPs each
        await updateEni(tx, b, { instanceId: small });
        await updateEni(tx, e, { instanceId: small }); // now 3 secondaries on it
        await insertIp(tx, {
          subnetId: net.subnetId,
          ip: parseIp('10.9.0.15')!, // the broadcast address of 10.9.0.0/28
          eniId: a,
          primary: true,
          state: 'ASSIGNED',
          description: '',
        });
        await insertIp(tx, {
          subnetId: net.subnetId,
          ip: parseIp('10.9.0.0')!, // the network address: a third IP where 2 are allowed
          eniId: a,
          primary: false,
          state: 'ASSIGNED',
          description: '',
        });
        await updateEni(tx, smallPrimary, { instanceId: null }); // an instance without its primary ENI
        await updateEni(tx, b, { state: 'ATTACHING', taskId: 999_999 });
        await deleteInstance(tx, doomed); // leaves its primary ENI and the attached ENI behind
        await setInstanceStatus(tx, small, 8);
      });
      const found = await findViolations(db, { drained: true });
      assert.deepEqual(rules(found), [
        'eni-busy',
        'eni-instance',
        'eni-limit',
        'instance-busy',
        'ip-limit',
        'ip-range',
        'primary-eni',
        'primary-ip',
      ]);
      const subjects = (rule: string) => found.filter((v) => v.rule === rule).map((v) => v.subject);
      assert.deepEqual(subjects('eni-limit'), [small]);
      assert.deepEqual(subjects('instance-busy'), [small]);
      assert.deepEqual(subjects('eni-busy'), [b]);
      assert.deepEqual(subjects('primary-ip'), [a]);
      assert.deepEqual(subjects('ip-range'), [`${net.subnetId}/10.9.0.0`, `${net.subnetId}/10.9.0.15`]);
      assert.deepEqual(subjects('ip-limit'), [a]);
      assert.deepEqual(subjects('primary-eni').sort(), [small, smallPrimary].sort());
      assert.ok(subjects('eni-instance').includes(d));

      // The command form: same findings, exit code 1.
      const cli = spawnSync(process.execPath, [BIN, 'check', '--drained', '--json'], {
        env: { ...process.env, DATABASE_URL: server.config.databaseUrl },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(cli.status, 1, cli.stderr);
      const printed = JSON.parse(cli.stdout) as { violations: Violation[] };
      assert.deepEqual(rules(printed.violations), rules(found));
    });
  });
}
