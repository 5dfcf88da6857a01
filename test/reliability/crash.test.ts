import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import { checkDatabase } from '../../src/cli/check.ts';
import { openDb } from '../../src/store/db.ts';
import { findTask } from '../../src/store/task.repo.ts';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, sdkClient, type Answer, type Client } from '../support/harness.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';
import { spawnServer, type ServerProcess } from '../support/process.ts';

// Crash test (issue 6): real `vpc-eni serve` processes under concurrent load, killed with SIGKILL
// at seeded random moments and restarted on the same database. Attach and detach go through API
// 3.0 (tencentcloud-sdk-nodejs) half the time, so both doors race over one state. Afterwards:
//  - every request answered with code 0 kept its promise: its task exists and has a final status,
//    and the final state is what the succeeded tasks, applied in order, make it (a CreateSubnet
//    answered 0 is there);
//  - every task of the database has finished, no ENI is left transitional, and `vpc-eni check`
//    reports nothing;
//  - the audit trail kept up: every task has the success event of the request that made it, and
//    every success event of an async action has its task (the two commit together or not at all).
// A request that got no answer (the server died under it) promised nothing: its resources are left
// out of the state comparison, never out of the invariants.
//
// CI: VPC_ENI_CRASH_KILLS (default 6) kills per backend, seed VPC_ENI_CRASH_SEED. Long run:
//   VPC_ENI_CRASH_KILLS=60 VPC_ENI_CRASH_SEED=3 npm test -- reliability/crash

const KILLS = Number(process.env.VPC_ENI_CRASH_KILLS ?? 6);
const SEED = Number(process.env.VPC_ENI_CRASH_SEED ?? 20250101);
const WORKERS = 8;
const LEASE_MS = 1000;
const REQUEST_TIMEOUT_MS = 20_000;
const has = (action: string) => ACTIONS.some((a) => a.name === action);

/** mulberry32: a small seeded generator, so that a failing run can be replayed. */
function prng(seed: number): (n: number) => number {
  let s = seed | 0;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/** What the load did: each accepted task with what it was meant to change, and what is unsure. */
interface Accepted {
  taskId: number;
  /** Accepted through API 3.0: its RequestId (the task number is looked up after the drain). */
  requestId?: string;
  action: string;
  eniId?: string;
  instanceIds?: string[];
  /** Attach: the instance; Migrate: the new one. */
  instanceId?: string;
}

class Ledger {
  readonly accepted: Accepted[] = [];
  readonly subnets: string[] = [];
  /** Resources a request touched that got no answer: their state is unknown. */
  readonly unsure = new Set<string>();
  readonly outcomes = new Map<string, number>();
  answered = 0;
  lost = 0;
  count(key: string): void {
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }
}

/** The incarnation of the server clients talk to; null while it is down. */
class Service {
  server: ServerProcess | null = null;
  client: Client | null = null;
  client3: Client3 | null = null;
  private waiters: Array<() => void> = [];
  up(server: ServerProcess): void {
    this.server = server;
    this.client = sdkClient(server.host);
    this.client3 = sdk3Client(server.port);
    for (const w of this.waiters.splice(0)) w();
  }
  down(): void {
    this.server = null;
    this.client = null;
    this.client3 = null;
  }
  async current(): Promise<Client> {
    while (!this.client) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.client;
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to ${what} in ${REQUEST_TIMEOUT_MS} ms: a hang`)),
        REQUEST_TIMEOUT_MS,
      );
    }),
  ]);
}

/** Polls until every task has a final status; returns the answers by task id. */
async function finalStatuses(c: Client, taskIds: number[], deadline: number): Promise<Map<number, Answer>> {
  const out = new Map<number, Answer>();
  let pending = [...taskIds];
  while (pending.length) {
    const next: number[] = [];
    for (const taskId of pending) {
      const r = await c.call('DescribeVpcTaskResult', { taskId, Nonce: Math.floor(Math.random() * 2 ** 40) });
      if (r.code === 0 && r.data.status === 2) next.push(taskId);
      else out.set(taskId, r);
    }
    pending = next;
    if (pending.length) {
      assert.ok(
        Date.now() < deadline,
        `tasks still running long after the last restart: ${pending.slice(0, 10).join(', ')}`,
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return out;
}

for (const backend of backends()) {
  describe(`crash recovery [${backend.name}]`, () => {
    it(`${KILLS} SIGKILLs under concurrent load: nothing accepted is lost, every task ends, invariants hold`, async (t) => {
      const url = await backend.freshUrl();
      const env = {
        DATABASE_URL: url,
        TASK_LATENCY_MS: '15',
        TASK_POLL_MS: '50',
        TASK_LEASE_MS: String(LEASE_MS),
        DATA_PLANE_FAILURE_RATE: '0.1',
        LOG_LEVEL: 'fatal',
      };
      const rand = prng(SEED);
      const service = new Service();
      service.up(await spawnServer(env));
      const ledger = new Ledger();

      try {
        // ---- setup, before any kill: one VPC, 6 instances of 4 cores (4 ENIs each), 16 ENIs ------
        const c0 = await service.current();
        const vpc = await c0.call('CreateVpc', {
          vpcName: 'crash',
          cidrBlock: '10.0.0.0/16',
          subnetSet: [{ subnetName: 'crash', cidrBlock: '10.0.0.0/22', zoneId: '100003' }],
        });
        assert.equal(vpc.code, 0, JSON.stringify(vpc));
        const net = { vpcId: vpc.unVpcId as string, subnetId: vpc.subnetSet[0].unSubnetId as string };
        // The data plane fails one task in ten (DATA_PLANE_FAILURE_RATE): setup tries again.
        let run: Answer & { task: Answer };
        for (let attempt = 1; ; attempt++) {
          run = await c0.run('RunInstances', { zoneId: '100003', cpu: 4, mem: 8, goodsNum: 6, ...net });
          if (run.task.data.status === 0) break;
          assert.ok(attempt < 10, JSON.stringify(run.task));
        }
        const instances: string[] = [...run.data.instanceIds];
        const enis: string[] = [];
        for (let i = 0; i < 16; i++) {
          const r = await c0.run('CreateNetworkInterface', { ...net, eniName: `crash-${i}` });
          if (r.task.data.status === 0) enis.push(r.data.networkInterfaceId);
        }
        const setupTasks = new Set([run.taskId as number]);
        const setupEnis = enis.length;
        /** Where each ENI was last sent, to aim detaches and migrations. */
        const aimed = new Map<string, string>();

        // ---- the load: WORKERS clients issuing random operations until told to stop ------------
        let stop = false;
        let subnetN = 0;
        const pickOf = <T>(list: readonly T[]): T => list[rand(list.length)]!;
        type Operation = { action: string; params: Record<string, unknown>; touches: string[]; api3?: boolean };
        const operation = (): Operation => {
          const eniId = pickOf(enis);
          const ins = pickOf(instances);
          const roll = rand(100);
          if (roll < 30)
            return {
              action: 'AttachNetworkInterface',
              params: { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins },
              touches: [eniId, ins],
            };
          if (roll < 52) {
            const from = rand(4) ? (aimed.get(eniId) ?? ins) : ins;
            return {
              action: 'DetachNetworkInterface',
              params: { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: from },
              touches: [eniId, from],
            };
          }
          if (roll < 60 && has('MigrateNetworkInterface')) {
            const from = aimed.get(eniId) ?? ins;
            return {
              action: 'MigrateNetworkInterface',
              params: { vpcId: net.vpcId, networkInterfaceId: eniId, oldInstanceId: from, newInstanceId: ins },
              touches: [eniId, from, ins],
            };
          }
          if (roll < 68)
            return {
              action: 'CreateNetworkInterface',
              params: { ...net, eniName: 'load', secondaryPrivateIpAddressCount: rand(3) },
              touches: [],
            };
          if (roll < 73)
            return {
              action: 'DeleteNetworkInterface',
              params: { vpcId: net.vpcId, networkInterfaceId: eniId },
              touches: [eniId],
            };
          if (roll < 78 && has('AssignPrivateIpAddresses'))
            return {
              action: 'AssignPrivateIpAddresses',
              params: { vpcId: net.vpcId, networkInterfaceId: eniId, secondaryPrivateIpAddressCount: 1 },
              touches: [eniId],
            };
          if (roll < 84) return { action: 'StopInstances', params: { instanceIds: [ins] }, touches: [ins] };
          if (roll < 90) return { action: 'StartInstances', params: { instanceIds: [ins] }, touches: [ins] };
          if (roll < 93)
            return { action: 'RunInstances', params: { zoneId: '100003', cpu: 4, mem: 8, ...net }, touches: [] };
          if (roll < 95) return { action: 'TerminateInstances', params: { instanceIds: [ins] }, touches: [ins] };
          if (roll < 97) {
            const cidrBlock = `10.0.${8 + subnetN++}.0/24`;
            return {
              action: 'CreateSubnet',
              params: { vpcId: net.vpcId, subnetSet: [{ subnetName: 'load', cidrBlock, zoneId: '100003' }] },
              touches: [],
            };
          }
          return { action: 'DescribeNetworkInterfaces', params: { vpcId: net.vpcId, limit: 50 }, touches: [] };
        };

        async function worker(): Promise<void> {
          while (!stop) {
            const op = operation();
            const client = await service.current();
            const client3 = service.client3!;
            // Attach and detach: through API 3.0 half the time (it names no VPC).
            const api3 =
              (op.action === 'AttachNetworkInterface' || op.action === 'DetachNetworkInterface') && rand(2) === 0;
            let r: Answer;
            try {
              if (api3) {
                const p = op.params as Record<string, string>;
                const r3 = await withTimeout(
                  client3.call('vpc', op.action, {
                    NetworkInterfaceId: p.networkInterfaceId,
                    InstanceId: p.instanceId,
                  }),
                  op.action,
                );
                const code = 'Error' in r3 ? r3.Error.Code : 'Success';
                assert.notEqual(code, 'InternalError', `${op.action} over 3.0: ${JSON.stringify(r3)}`);
                // In v2's terms for the ledger: accepted (code 0, the RequestId standing for the task) or refused.
                r = { code: 'Error' in r3 ? 5100 : 0, codeDesc: `3.0 ${code}`, message: '', requestId: r3.RequestId };
              } else {
                r = await withTimeout(
                  client.call(op.action, { ...op.params, Nonce: Math.floor(Math.random() * 2 ** 40) }),
                  op.action,
                );
              }
            } catch (e) {
              if (/a hang/.test((e as Error).message)) throw e;
              // Refused connection: never sent. Anything else: the server died under the request,
              // which may or may not have committed — its resources are unsure from now on.
              if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') {
                ledger.lost++;
                for (const id of op.touches) ledger.unsure.add(id);
              }
              await new Promise((res) => setTimeout(res, 20));
              continue;
            }
            ledger.answered++;
            ledger.count(`${op.action} ${r.codeDesc}`);
            assert.ok([0, 4000, 5000, 5100].includes(r.code), `${op.action}: ${JSON.stringify(r)}`);
            if (r.code !== 0 || op.action === 'DescribeNetworkInterfaces') continue;
            if (op.action === 'CreateSubnet') {
              ledger.subnets.push(r.subnetSet[0].unSubnetId);
              continue;
            }
            const p = op.params as Record<string, any>;
            const a: Accepted = { taskId: r.taskId ?? -1, action: op.action, ...(api3 && { requestId: r.requestId }) };
            if (op.action === 'CreateNetworkInterface') {
              a.eniId = r.data.networkInterfaceId;
              enis.push(a.eniId!);
            } else if (op.action === 'RunInstances') {
              a.instanceIds = r.data.instanceIds;
              instances.push(...a.instanceIds!);
            } else if (p.instanceIds) a.instanceIds = p.instanceIds;
            if (p.networkInterfaceId) a.eniId = p.networkInterfaceId;
            if (op.action === 'AttachNetworkInterface') a.instanceId = p.instanceId;
            if (op.action === 'MigrateNetworkInterface') a.instanceId = p.newInstanceId;
            if (a.instanceId) aimed.set(a.eniId!, a.instanceId);
            ledger.accepted.push(a);
          }
        }

        const load = Promise.all(Array.from({ length: WORKERS }, () => worker()));
        // ---- the killer: SIGKILL at a random moment, restart on the same database ---------------
        let survived = 0;
        for (let k = 0; k < KILLS; k++) {
          await new Promise((res) => setTimeout(res, 150 + rand(700)));
          const victim = service.server!;
          service.down();
          await victim.stop('SIGKILL');
          // Between lives, the database alone must already be consistent (tasks may be in flight).
          const between = await checkDatabase(url, { stuckAfterMs: 3_600_000 });
          assert.deepEqual(between, [], `after kill ${k + 1}`);
          service.up(await spawnServer(env));
          survived++;
        }
        await new Promise((res) => setTimeout(res, 300));
        stop = true;
        await load;

        // ---- drain: every accepted task ends, then nothing at all is left running ---------------
        const c = await service.current();
        const deadline = Date.now() + LEASE_MS * 6 + 20_000;
        // Calls accepted through 3.0 know their task by RequestId: find its number, for the order.
        const db = await openDb(url);
        try {
          for (const a of ledger.accepted.filter((x) => x.requestId)) {
            const task = await findTask(db, ACCOUNT_A.appId, a.requestId!);
            assert.ok(task, `the task of an accepted 3.0 ${a.action} (${a.requestId}) is lost`);
            a.taskId = task.id;
          }
        } finally {
          await db.close();
        }
        const statuses = await finalStatuses(
          c,
          ledger.accepted.map((a) => a.taskId),
          deadline,
        );
        for (const a of ledger.accepted) {
          const r = statuses.get(a.taskId)!;
          assert.equal(r.code, 0, `task ${a.taskId} of an accepted ${a.action} is lost: ${JSON.stringify(r)}`);
          assert.ok(r.data.status === 0 || r.data.status === 1, JSON.stringify(r));
        }
        for (;;) {
          const v = await checkDatabase(url, { drained: true });
          if (v.length === 0) break;
          assert.ok(Date.now() < deadline, `not drained: ${JSON.stringify(v.slice(0, 5))}`);
          await new Promise((res) => setTimeout(res, 100));
        }

        // ---- effects: the succeeded tasks, in task order, make the final state -----------------
        type Fold = { enis: Map<string, string | null>; instances: Map<string, number> };
        const fold: Fold = {
          enis: new Map(enis.slice(0, setupEnis).map((id) => [id, null])),
          instances: new Map(instances.slice(0, 6).map((id) => [id, 2])),
        };
        const touchedBy = new Map<string, Set<string>>(); // instance → ENIs ever sent to it
        const ok = ledger.accepted
          .filter((a) => statuses.get(a.taskId)!.data.status === 0 && !setupTasks.has(a.taskId))
          .sort((x, y) => x.taskId - y.taskId);
        for (const a of ok) {
          switch (a.action) {
            case 'CreateNetworkInterface':
              fold.enis.set(a.eniId!, null);
              break;
            case 'DeleteNetworkInterface':
              fold.enis.delete(a.eniId!);
              break;
            case 'AttachNetworkInterface':
            case 'MigrateNetworkInterface':
              fold.enis.set(a.eniId!, a.instanceId!);
              if (!touchedBy.has(a.instanceId!)) touchedBy.set(a.instanceId!, new Set());
              touchedBy.get(a.instanceId!)!.add(a.eniId!);
              break;
            case 'DetachNetworkInterface':
              fold.enis.set(a.eniId!, null);
              break;
            case 'RunInstances':
              for (const id of a.instanceIds!) fold.instances.set(id, 2);
              break;
            case 'StopInstances':
            case 'StartInstances':
              for (const id of a.instanceIds!) fold.instances.set(id, a.action === 'StopInstances' ? 4 : 2);
              break;
            case 'TerminateInstances':
              for (const id of a.instanceIds!) {
                fold.instances.delete(id);
                for (const [eni, on] of fold.enis) if (on === id) fold.enis.set(eni, null);
              }
              break;
          }
        }
        const unsure = (eniId: string) =>
          ledger.unsure.has(eniId) || [...touchedBy].some(([ins, set]) => set.has(eniId) && ledger.unsure.has(ins));
        const listed = new Map<string, string>();
        for (let offset = 0; ; offset += 50) {
          const page = await c.call('DescribeNetworkInterfaces', {
            vpcId: net.vpcId,
            limit: 50,
            offset,
            Nonce: Math.floor(Math.random() * 2 ** 40),
          });
          assert.equal(page.code, 0);
          for (const e of page.data.data)
            if (!e.primary) listed.set(e.networkInterfaceId, e.instanceSet.instanceId || null);
          if (offset + 50 >= page.data.totalNum) break;
        }
        let compared = 0;
        for (const eniId of new Set(enis)) {
          if (unsure(eniId)) continue;
          compared++;
          const want = fold.enis.has(eniId) ? fold.enis.get(eniId) : 'gone';
          const got = listed.has(eniId) ? listed.get(eniId) : 'gone';
          assert.equal(
            got,
            want,
            `ENI ${eniId}: the succeeded tasks leave it ${want ?? 'unattached'}, Describe shows ${got ?? 'unattached'}`,
          );
        }
        {
          // Instances a lost RunInstances may have made are unknown to us, and touched by nobody.
          const ids = [...new Set(instances)].filter((id) => !ledger.unsure.has(id));
          for (let i = 0; i < ids.length; i += 100) {
            const chunk = ids.slice(i, i + 100);
            const r = await c.call('DescribeInstances', {
              instanceIds: chunk,
              limit: 100,
              Nonce: Math.floor(Math.random() * 2 ** 40),
            });
            const seen = new Map<string, number>((r.instanceSet as any[]).map((x) => [x.instanceId, x.status]));
            for (const id of chunk) {
              assert.equal(seen.get(id) ?? 'gone', fold.instances.get(id) ?? 'gone', `instance ${id}`);
              compared++;
            }
          }
        }
        for (const subnetId of ledger.subnets) {
          const r = await c.call('DescribeSubnetEx', { subnetId, Nonce: Math.floor(Math.random() * 2 ** 40) });
          assert.equal(r.code, 0, `subnet ${subnetId}, answered 0, is lost: ${JSON.stringify(r)}`);
          compared++;
        }
        assert.deepEqual(await checkDatabase(url, { drained: true }), []);
        let audited = 0;
        {
          const audit = await openDb(url);
          try {
            const unaudited = await audit.all<{ id: number; request_id: string }>(
              `SELECT id, request_id FROM tasks t WHERE NOT EXISTS
                 (SELECT 1 FROM audit_events e WHERE e.request_id = t.request_id AND e.error_code = 'Success')`,
            );
            assert.deepEqual(unaudited, [], 'tasks without the success event of their request');
            const taskless = await audit.all<{ event_name: string; api_version: string; request_id: string }>(
              `SELECT event_name, api_version, request_id FROM audit_events e WHERE error_code = 'Success'
                 AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.request_id = e.request_id)`,
            );
            const isAsync = (e: { event_name: string; api_version: string }) =>
              (e.api_version === 'v2' ? ACTIONS : ACTIONS_V3).some((a) => a.name === e.event_name && a.async);
            assert.deepEqual(taskless.filter(isAsync), [], 'success events of async actions without their task');
            audited = (await audit.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events'))!.n;
            assert.ok(audited >= ledger.accepted.length, `only ${audited} events for ${ledger.accepted.length} tasks`);
          } finally {
            await audit.close();
          }
        }
        assert.ok(ledger.accepted.length > KILLS * 5, `only ${ledger.accepted.length} accepted: the load did not load`);
        assert.ok(compared > 10, `only ${compared} resources compared: too much was unsure`);
        t.diagnostic(
          `kills survived ${survived}; requests answered ${ledger.answered}, lost to kills ${ledger.lost}; ` +
            `tasks accepted ${ledger.accepted.length} (succeeded ${ok.length}); resources compared ${compared}, unsure ${ledger.unsure.size}; ` +
            `audit events ${audited}`,
        );
        console.log(
          `# ${backend.name}: kills survived ${survived}, answered ${ledger.answered}, lost ${ledger.lost}, accepted ${ledger.accepted.length}, compared ${compared}, violations 0`,
        );
      } finally {
        await service.server?.stop('SIGTERM');
      }
    });
  });
}
