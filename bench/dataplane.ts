import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { listNamespaces, missingPrerequisites, namespaceMarker } from '../src/dataplane/host.ts';
import { NetnsDataPlane } from '../src/dataplane/netns-driver.ts';
import { createLogger } from '../src/log.ts';
import { SimulatedDataPlane } from '../src/tasks/driver.ts';
import { sdk3Client, type Client3 } from '../test/support/sdk3.ts';

// `npm run bench -- --dataplane` (root, Linux): attach/detach through API 3.0 with the netns data
// plane beside the simulated one, then with 1,000 ENIs on the host. Each of PAIRS clients owns one
// ENI and one instance and cycles attach → wait → detach → wait for SECONDS. Reported: completed
// operations (tasks that succeeded) per second, and task latency (created → finished, from the
// tasks table) p50/p99. SQLite, an in-process server; the host objects are removed afterwards.

const PAIRS = Number(process.env.BENCH_PAIRS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PARKED = Number(process.env.BENCH_PARKED ?? 1000);
const ZONE = 'ap-guangzhou-3';
const ACCOUNT = {
  appId: 1251000099,
  secretId: 'AKIDbench00000000000000000000000001',
  secretKey: 'benchSecretKey0000000000000000001',
};
const say = (text: string) => process.stderr.write(text + '\n');

interface Run {
  label: string;
  opsPerS: number;
  p50: number;
  p99: number;
  failed: number;
}

async function server(driver: 'simulated' | 'netns', prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-bench-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`,
    TASK_LATENCY_MS: '0',
    VPC_ENI_QUOTA_ENIS: String(PARKED + 200),
    VPC_ENI_ACCOUNTS: `${ACCOUNT.appId}:${ACCOUNT.secretId}:${ACCOUNT.secretKey}`,
  });
  const log = createLogger('silent');
  const app = await buildApp(config, {
    log,
    driver: (db) => (driver === 'netns' ? new NetnsDataPlane({ db, log, prefix }) : new SimulatedDataPlane()),
  });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const c = sdk3Client((app.server.address() as AddressInfo).port, { account: ACCOUNT });
  return { app, c, dir };
}

/** Calls an action; for an async one, waits for its task and requires it to succeed. */
async function ok(c: Client3, product: 'vpc' | 'cvm', action: string, params: Record<string, unknown>) {
  const r = await c.ok(product, action, params);
  if (action === 'RunInstances' || action === 'CreateNetworkInterface') {
    const t = await c.waitTask(r.RequestId);
    if (t.Status !== 'SUCCESS') throw new Error(`${action}: ${JSON.stringify(t)}`);
  }
  return r;
}

/** A VPC with a working subnet (PAIRS instances and ENIs) and, when asked, `parked` more ENIs. */
async function estate(c: Client3, parked: number) {
  const vpcId = (await ok(c, 'vpc', 'CreateVpc', { VpcName: 'bench', CidrBlock: '10.0.0.0/16' })).Vpc.VpcId as string;
  const subnet = async (cidr: string) =>
    (await ok(c, 'vpc', 'CreateSubnet', { VpcId: vpcId, SubnetName: cidr, CidrBlock: cidr, Zone: ZONE })).Subnet
      .SubnetId as string;
  const work = await subnet('10.0.0.0/24');
  const run = await ok(c, 'cvm', 'RunInstances', {
    Placement: { Zone: ZONE },
    ImageId: 'img-00000000',
    InstanceType: 'S5.MEDIUM4',
    InstanceCount: PAIRS,
    VirtualPrivateCloud: { VpcId: vpcId, SubnetId: work },
  });
  const instances = run.InstanceIdSet as string[];
  const enis: string[] = [];
  for (let n = 0; n < PAIRS; n++) {
    enis.push(
      (await ok(c, 'vpc', 'CreateNetworkInterface', { VpcId: vpcId, SubnetId: work, NetworkInterfaceName: `w${n}` }))
        .NetworkInterface.NetworkInterfaceId,
    );
  }
  if (parked > 0) {
    const far = await subnet('10.0.16.0/20');
    // Eight at a time: the point is the host holding them, not how fast they were made.
    for (let n = 0; n < parked; n += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, parked - n) }, (_, k) =>
          ok(c, 'vpc', 'CreateNetworkInterface', { VpcId: vpcId, SubnetId: far, NetworkInterfaceName: `p${n + k}` }),
        ),
      );
      if (n % 200 === 0) say(`  ${n} parked ENIs`);
    }
  }
  return { instances, enis };
}

async function measure(
  label: string,
  app: App,
  c: Client3,
  pairs: { instances: string[]; enis: string[] },
): Promise<Run> {
  const since = Date.now();
  const until = since + SECONDS * 1000;
  let failed = 0;
  await Promise.all(
    pairs.enis.map(async (eniId, n) => {
      const instanceId = pairs.instances[n]!;
      while (Date.now() < until) {
        for (const action of ['AttachNetworkInterface', 'DetachNetworkInterface']) {
          const r = await c.ok('vpc', action, { NetworkInterfaceId: eniId, InstanceId: instanceId });
          if ((await c.waitTask(r.RequestId)).Status !== 'SUCCESS') failed++;
        }
      }
    }),
  );
  const rows = await app.db.all<{ ms: number }>(
    `SELECT finished_at - created_at AS ms FROM tasks
     WHERE type IN ('AttachNetworkInterface', 'DetachNetworkInterface') AND status = 0 AND created_at >= ?
     ORDER BY 1`,
    [since],
  );
  const ms = rows.map((r) => Number(r.ms));
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
  return { label, opsPerS: ms.length / ((Date.now() - since) / 1000), p50: at(0.5), p99: at(0.99), failed };
}

async function cleanup(prefix: string) {
  const deployment = prefix.replace(/-$/, '');
  const { deleteNamespace } = await import('../src/dataplane/host.ts');
  for (const ns of listNamespaces().names) {
    const ours =
      ns.startsWith(prefix) || (await namespaceMarker(ns).catch(() => '')).startsWith(`vpc-eni:${deployment}:`);
    if (ours) await deleteNamespace(ns);
  }
}

const missing = await missingPrerequisites();
if (missing.length) {
  say(`bench/dataplane: the netns data plane needs ${missing.join(', ')}`);
  process.exit(1);
}
const results: Run[] = [];
for (const [driver, parked] of [
  ['simulated', 0],
  ['netns', 0],
  ['netns', PARKED],
] as const) {
  const prefix = `vpcenib${randomBytes(3).toString('hex')}-`;
  const label = `${driver}${parked ? `, ${parked} more ENIs on the host` : ''}`;
  say(`${label}: setting up`);
  const s = await server(driver, prefix);
  try {
    const pairs = await estate(s.c, driver === 'netns' ? parked : 0);
    say(`${label}: ${PAIRS} clients for ${SECONDS} s`);
    results.push(await measure(label, s.app, s.c, pairs));
  } finally {
    await s.app.close();
    await cleanup(prefix);
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
}
const line = (r: Run) =>
  `| ${r.label.padEnd(36)} | ${r.opsPerS.toFixed(1).padStart(7)} | ${String(r.p50).padStart(5)} | ${String(r.p99).padStart(5)} | ${String(r.failed).padStart(6)} |`;
process.stdout.write(
  [
    `attach/detach, ${PAIRS} clients, ${SECONDS} s each, SQLite, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`,
    `| ${'data plane'.padEnd(36)} | ops/s   | p50ms | p99ms | failed |`,
    `| ${'-'.repeat(36)} | ------- | ----- | ----- | ------ |`,
    ...results.map(line),
    '',
  ].join('\n'),
);
