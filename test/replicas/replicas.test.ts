import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkDatabase } from '../../src/cli/check.ts';
import { backends } from '../support/backends.ts';
import { sdkClient, type Answer, type Client } from '../support/harness.ts';
import { spawnServer, type ServerProcess } from '../support/process.ts';

// Several stateless replicas on one PostgreSQL database (issue 4): the rules that hold in one
// process hold across processes, and a replica killed mid-run leaves no task behind.

const postgres = backends().find((b) => b.name === 'postgres');
const LEASE_MS = 2000;

describe('three replicas on one PostgreSQL', { skip: postgres ? false : 'VPC_ENI_TEST_PG_URL is not set' }, () => {
  let url: string;
  let replicas: ServerProcess[] = [];
  let clients: Client[] = [];

  before(async () => {
    url = await postgres!.freshUrl();
    const env = { DATABASE_URL: url, TASK_LATENCY_MS: '30', TASK_LEASE_MS: String(LEASE_MS), TASK_POLL_MS: '100' };
    // The first replica migrates; the others start against the migrated schema concurrently.
    replicas = [await spawnServer(env)];
    replicas.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
    clients = replicas.map((r) => sdkClient(r.host));
  });
  after(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  });

  async function setup(c: Client, cidr: string, instanceCount: number, cpu: number) {
    const vpc = await c.call('CreateVpc', {
      vpcName: 'replicas',
      cidrBlock: `${cidr}.0.0/16`,
      subnetSet: [{ subnetName: 's', cidrBlock: `${cidr}.0.0/20`, zoneId: '100003' }],
    });
    assert.equal(vpc.code, 0, JSON.stringify(vpc));
    const net = { vpcId: vpc.unVpcId as string, subnetId: vpc.subnetSet[0].unSubnetId as string };
    const run = await c.run('RunInstances', { zoneId: '100003', cpu, mem: 8, goodsNum: instanceCount, ...net });
    assert.equal(run.task.data.status, 0);
    return { ...net, instances: run.data.instanceIds as string[] };
  }

  async function createEnis(c: Client, net: { vpcId: string; subnetId: string }, n: number): Promise<string[]> {
    const out = [];
    for (let i = 0; i < n; i++) {
      const r = await c.run('CreateNetworkInterface', { ...net, eniName: `eni-${i}` });
      assert.equal(r.task.data.status, 0);
      out.push(r.data.networkInterfaceId as string);
    }
    return out;
  }

  it('50 clients attaching one ENI through different replicas: exactly one succeeds', async () => {
    const net = await setup(clients[0]!, '10.10', 50, 2);
    const [eniId] = await createEnis(clients[1]!, net, 1);
    const answers = await Promise.all(
      net.instances.map((instanceId, i) =>
        clients[i % 3]!.call('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId }),
      ),
    );
    const accepted = answers.filter((a) => a.code === 0);
    assert.equal(accepted.length, 1, JSON.stringify(answers.filter((a) => a.code !== 0 && a.code !== 5100)));
    for (const a of answers.filter((x) => x.code !== 0)) {
      assert.ok(['ActionLocked', 'InvalidNetworkInterface.AlreadyAssociated'].includes(a.codeDesc), a.codeDesc);
    }
    const task = await clients[2]!.waitTask(accepted[0]!.taskId);
    assert.equal(task.data.status, 0);
  });

  it('200 attach/detach operations over replicas, one replica SIGKILLed mid-run: invariants hold, no task stuck', async (t) => {
    const net = await setup(clients[0]!, '10.20', 8, 4); // 4 cores: 4 ENIs each, primary included
    const enis = await createEnis(clients[0]!, net, 16);
    const accepted: number[] = [];
    const outcomes = new Map<string, number>();
    let killed = false;
    let issued = 0;
    // Deterministic pseudo-random choices (mulberry32) keep a failure reproducible.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };

    async function worker(w: number) {
      while (issued < 200) {
        const n = issued++;
        if (n === 100 && !killed) {
          killed = true;
          await replicas[1]!.stop('SIGKILL');
        }
        const live = killed ? [0, 2] : [0, 1, 2];
        const client = clients[live[(n + w) % live.length]!]!;
        const eniId = enis[rand(enis.length)]!;
        const instanceId = net.instances[rand(net.instances.length)]!;
        const action = rand(2) === 0 ? 'AttachNetworkInterface' : 'DetachNetworkInterface';
        let r: Answer;
        try {
          r = await client.call(action, { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId });
        } catch {
          continue; // the killed replica's in-flight connection: no answer, no promise made
        }
        outcomes.set(r.codeDesc, (outcomes.get(r.codeDesc) ?? 0) + 1);
        // The SDK draws nonces from 65,536 values: an identical request in the same second is,
        // byte for byte, a replay, and refused as one. Nothing was promised; move on.
        if (r.codeDesc === 'InvalidRequest.ReplayAttack') continue;
        assert.ok(r.code === 0 || r.code === 5000 || r.code === 5100, JSON.stringify(r));
        if (r.code === 0) accepted.push(r.taskId as number);
      }
    }
    await Promise.all(Array.from({ length: 12 }, (_, w) => worker(w)));
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    assert.ok(accepted.length > 20, `only ${accepted.length} operations accepted: ${JSON.stringify([...outcomes])}`);

    // Every accepted task finishes (the killed replica's leased tasks once their lease runs out).
    const deadline = Date.now() + LEASE_MS + 10_000;
    for (const taskId of accepted) {
      for (;;) {
        const t = await clients[0]!.call('DescribeVpcTaskResult', { taskId });
        assert.equal(t.code, 0);
        if (t.data.status !== 2) break;
        assert.ok(Date.now() < deadline, `task ${taskId} still running after the lease time`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await assertInvariants(url);
  });
});

/** What no sequence of API calls may ever break, read from the database by `vpc-eni check`. */
async function assertInvariants(url: string): Promise<void> {
  assert.deepEqual(await checkDatabase(url, { drained: true }), []);
}
