import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Db } from '../../src/store/db.ts';
import { nextDueAt } from '../../src/store/task.repo.ts';
import { backends } from '../support/backends.ts';
import type { Client3 } from '../support/sdk3.ts';
import { sdk3Client } from '../support/sdk3.ts';
import {
  cli,
  deleteEverything,
  hostEmptied,
  hostVersusApi,
  namespacesOf,
  rootFingerprint,
  sh,
  startNetnsServer,
  sweepHost,
  testPrefix,
  unavailable,
} from './support.ts';

// Crash safety and the reconcile of the netns data plane: a host change that fails puts the host
// back; damage done to the host behind the driver's back is repaired; a server SIGKILLed under load
// (its `ip` and `nft` with it) converges after a restart; a second reconcile changes nothing. An
// independent reading of the host (hostVersusApi) is the judge.

const skip = await unavailable();
if (skip) console.log(`# SKIP test/dataplane: ${skip}`);

const ZONE = 'ap-guangzhou-3';
const CHILD = path.join(import.meta.dirname, 'child-server.ts');

async function done(c: Client3, r: { RequestId: string }): Promise<string> {
  return (await c.waitTask(r.RequestId)).Status as string;
}

/** A VPC with two subnets, `n` instances and `m` extra ENIs (every other one attached). */
async function estate(c: Client3, n: number, m: number) {
  const vpcId = (await c.ok('vpc', 'CreateVpc', { VpcName: 'r', CidrBlock: '10.1.0.0/16' })).Vpc.VpcId as string;
  const subnets: string[] = [];
  for (const cidr of ['10.1.1.0/24', '10.1.2.0/24']) {
    subnets.push(
      (await c.ok('vpc', 'CreateSubnet', { VpcId: vpcId, SubnetName: cidr, CidrBlock: cidr, Zone: ZONE })).Subnet
        .SubnetId,
    );
  }
  const run = await c.ok('cvm', 'RunInstances', {
    Placement: { Zone: ZONE },
    ImageId: 'img-00000000',
    InstanceType: 'S5.MEDIUM4',
    InstanceCount: n,
    VirtualPrivateCloud: { VpcId: vpcId, SubnetId: subnets[0] },
  });
  assert.equal(await done(c, run), 'SUCCESS');
  const instances = run.InstanceIdSet as string[];
  const enis: string[] = [];
  for (let k = 0; k < m; k++) {
    const r = await c.ok('vpc', 'CreateNetworkInterface', {
      VpcId: vpcId,
      SubnetId: subnets[k % 2],
      NetworkInterfaceName: `e${k}`,
      SecondaryPrivateIpAddressCount: k % 3 === 0 ? 1 : 0,
    });
    assert.equal(await done(c, r), 'SUCCESS');
    enis.push(r.NetworkInterface.NetworkInterfaceId);
    if (k % 2 === 0) {
      const a = await c.ok('vpc', 'AttachNetworkInterface', {
        NetworkInterfaceId: enis[k],
        InstanceId: instances[k % instances.length],
      });
      assert.equal(await done(c, a), 'SUCCESS');
    }
  }
  return { vpcId, subnets, instances, enis };
}

/** Starts child-server.ts; resolves with its port, or rejects with what it printed when it exits. */
function startChild(databaseUrl: string, prefix: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, databaseUrl, prefix], {
    detached: true, // its own process group: a kill takes its `ip` and `nft` too
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, exited, kill: () => process.kill(-child.pid!, 'SIGKILL') };
}

/** Waits until no task is left running (the worker took the orphans over: on PostgreSQL once their
 *  lease ran out) and no resource is in a transition. */
async function drained(c: Client3, db: Db): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const enis = (await c.ok('vpc', 'DescribeNetworkInterfaces', { Limit: 100 })).NetworkInterfaceSet as Array<{
      State: string;
    }>;
    const ins = (await c.ok('cvm', 'DescribeInstances', { Limit: 100 })).InstanceSet as Array<{
      InstanceState: string;
    }>;
    const busy =
      (await nextDueAt(db)) !== null ||
      enis.some((e) => e.State !== 'AVAILABLE') ||
      ins.some((i) => !['RUNNING', 'STOPPED', 'LAUNCH_FAILED'].includes(i.InstanceState));
    if (!busy) return;
    if (Date.now() > deadline) throw new Error('tasks still running 30 s after the restart');
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const backend of backends()) {
  describe(`netns data plane: failures, reconcile, crashes [${backend.name}]`, { skip: skip ?? false }, () => {
    const prefixes: string[] = [];
    const fresh = () => {
      const p = testPrefix();
      prefixes.push(p);
      return p;
    };
    let root: string;
    after(async () => {
      for (const p of prefixes) await sweepHost(p);
    });

    it('refuses to start when `nft` is missing, naming it', async () => {
      root = await rootFingerprint();
      const child = startChild(await backend.freshUrl(), fresh(), { PATH: '/usr/bin:/bin' });
      await assert.rejects(child.port, /DATA_PLANE=netns needs .*`nft` \(Debian package nftables\)/);
      assert.equal(await child.exited, 1);
    });

    it('a failed host change fails the task, rolls it back and puts the host back', async () => {
      const prefix = fresh();
      const server = await startNetnsServer(backend, prefix);
      try {
        const c = server.c;
        const { instances, enis } = await estate(c, 2, 2);
        const eniId = enis[1]!; // parked
        // A device of the user's inside the instance, with the ENI's name: the move cannot happen.
        await sh('ip', ['-n', instances[1]!, 'link', 'add', eniId, 'type', 'veth', 'peer', 'name', 'userpeer']);
        const r = await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: instances[1] });
        const task = await c.waitTask(r.RequestId);
        assert.equal(task.Status, 'FAILED');
        assert.match(String(task.Output ?? JSON.stringify(task)), new RegExp(`already has a device named ${eniId}`));
        const eni = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] }))
          .NetworkInterfaceSet[0];
        assert.equal(eni.Attachment ?? null, null, 'the attach is rolled back');
        // The user's device was left alone; once it is gone the host is exactly the database.
        await sh('ip', ['-n', instances[1]!, 'link', 'del', eniId]);
        assert.deepEqual(await hostVersusApi(c, prefix), []);
        await deleteEverything(c);
        assert.deepEqual(await hostEmptied(prefix), []);
      } finally {
        await server.close();
      }
    });

    it('reconcile repairs what was done behind its back; status tells first; a second pass changes nothing', async () => {
      const prefix = fresh();
      // No grace period, so the unmarked namespace below is old enough at once.
      const server = await startNetnsServer(backend, prefix, { graceMs: 0 });
      try {
        const c = server.c;
        const { vpcId, instances, enis } = await estate(c, 3, 4);
        assert.deepEqual(await hostVersusApi(c, prefix), []);
        const vns = prefix + vpcId;
        // Damage: an instance namespace deleted (its ENIs die with it), a parked ENI's pair deleted,
        // an address added by hand, an anti-spoofing set emptied and its dispatch flushed, a stray namespace marked ours, an
        // unmarked one with our prefix (past the grace period), and the empty file of an interrupted
        // `ip netns add`.
        await sh('ip', ['netns', 'del', instances[2]!]);
        await sh('ip', ['-n', vns, 'link', 'del', `pt-${enis[1]!.slice(4)}`]);
        await sh('ip', ['-n', instances[0]!, 'addr', 'add', '10.1.1.250/32', 'dev', enis[0]!]);
        await sh('ip', ['netns', 'exec', vns, 'nft', 'flush', 'set', 'bridge', 'vpceni', `ips-${enis[2]!.slice(4)}`]);
        await sh('ip', ['netns', 'exec', vns, 'nft', 'flush', 'chain', 'bridge', 'vpceni', 'pre']);
        await sh('ip', ['netns', 'add', 'ins-zz0stray']);
        await sh('ip', [
          '-n',
          'ins-zz0stray',
          'link',
          'set',
          'lo',
          'alias',
          `vpc-eni:${prefix.slice(0, -1)}:instance:ins-zz0stray`,
        ]);
        await sh('ip', ['netns', 'add', `${prefix}vpc-unmarked`]);
        fs.writeFileSync(`/run/netns/${prefix}vpc-broken`, '');
        const damaged = await hostVersusApi(c, prefix);
        assert.ok(damaged.length >= 4, damaged.join('\n'));

        const plan = await server.driver.reconcile(true);
        assert.ok(plan.done.length > 0);
        assert.deepEqual(await hostVersusApi(c, prefix), damaged, 'a dry run changes nothing');
        // `vpc-eni dataplane status` shows the differences per resource (exit 1), changing nothing.
        const env = { DATABASE_URL: server.url, LOG_LEVEL: 'silent' };
        const status = await cli(['dataplane', 'status', '--prefix', prefix], env);
        assert.equal(status.status, 1, status.stderr);
        assert.match(status.stdout, new RegExp(`instance +${instances[2]} .*DIFFERS: create namespace`));
        assert.match(status.stdout, new RegExp(`eni +${enis[1]} .*DIFFERS: create`));
        assert.deepEqual(await hostVersusApi(c, prefix), damaged);

        const fixed = await cli(['dataplane', 'reconcile', '--prefix', prefix, '--json'], env);
        assert.equal(fixed.status, 0, fixed.stderr);
        assert.ok((JSON.parse(fixed.stdout) as unknown[]).length > 0);
        // The unmarked namespace is younger than the CLI's grace period (60 s): it stays, for now.
        const left = await hostVersusApi(c, prefix);
        assert.equal(left.length, 1, left.join('\n'));
        const [host, api] = left[0]!.split(' / api ');
        assert.ok(host!.includes(`${prefix}vpc-unmarked`) && !api!.includes('unmarked'), left[0]);
        assert.ok((await server.driver.reconcile()).done.some((ch) => ch.change === 'remove unmarked namespace'));
        assert.deepEqual(await hostVersusApi(c, prefix), []);
        const clean = await cli(['dataplane', 'status', '--prefix', prefix], env);
        assert.equal(clean.status, 0, clean.stdout);
        assert.match(clean.stdout, / 0 differ\n$/);
        // exec runs inside an instance; a namespace not of this deployment is refused.
        const inside = await cli(
          ['dataplane', 'exec', '--prefix', prefix, instances[0]!, '--', 'ip', '-br', 'link'],
          env,
        );
        assert.equal(inside.status, 0, inside.stderr);
        assert.match(inside.stdout, new RegExp(`^${enis[0]}@`, 'm'));
        const refused = await cli(['dataplane', 'exec', instances[0]!, '--', 'true'], env);
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /not an instance of this deployment \(vpceni\)/);
        assert.equal(fs.existsSync(`/run/netns/${prefix}vpc-broken`), false);
        assert.deepEqual((await server.driver.reconcile()).done, [], 'a second reconcile changes nothing');
        await deleteEverything(c);
        assert.deepEqual(await hostEmptied(prefix), []);
      } finally {
        await server.close();
      }
    });

    it('SIGKILLed under load, then restarted: the host matches the database', async () => {
      const prefix = fresh();
      const url = await backend.freshUrl();
      let child = startChild(url, prefix);
      let c = sdk3Client(await child.port);
      const { instances, enis } = await estate(c, 3, 6);
      let seed = 7;
      const pick = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
      for (let kill = 0; kill < 3; kill++) {
        let stop = false;
        const load = async () => {
          while (!stop) {
            const eniId = enis[pick(enis.length)]!;
            const e = (await c.call('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] })) as any;
            const at = e.NetworkInterfaceSet?.[0]?.Attachment?.InstanceId;
            if (pick(4) === 0)
              await c.call('vpc', 'AssignPrivateIpAddresses', {
                NetworkInterfaceId: eniId,
                SecondaryPrivateIpAddressCount: 1,
              });
            else if (at) await c.call('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: at });
            else
              await c.call('vpc', 'AttachNetworkInterface', {
                NetworkInterfaceId: eniId,
                InstanceId: instances[pick(3)],
              });
          }
        };
        const loads = [load(), load(), load()].map((p) => p.catch(() => undefined));
        await new Promise((r) => setTimeout(r, 400 + pick(1200)));
        child.kill();
        stop = true;
        await child.exited;
        await Promise.all(loads);
        child = startChild(url, prefix);
        c = sdk3Client(await child.port);
      }
      child.kill();
      await child.exited;
      // The last restart in-process, to reconcile by hand after its start-up reconcile.
      const server = await startNetnsServer(backend, prefix, { databaseUrl: url });
      try {
        c = server.c;
        await drained(c, server.app.db);
        await server.driver.reconcile();
        assert.deepEqual(await hostVersusApi(c, prefix), []);
        assert.deepEqual((await server.driver.reconcile()).done, [], 'a second reconcile changes nothing');
        await deleteEverything(c);
        assert.deepEqual(await hostEmptied(prefix), []);
      } finally {
        await server.close();
      }
    });

    it('leaves nothing of its own and the host namespace untouched', async () => {
      for (const p of prefixes) assert.deepEqual(await namespacesOf(p), [], p);
      assert.equal(fs.existsSync('/run/netns/ins-zz0stray'), false);
      assert.equal(await rootFingerprint(), root);
    });
  });
}
