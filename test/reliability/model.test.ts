import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import { findViolations } from '../../src/cli/check.ts';
import { DataPlaneError } from '../../src/tasks/driver.ts';
import { backends } from '../support/backends.ts';
import { startServer, type Answer, type Client, type TestServer } from '../support/harness.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';
import { CODES, Model, type EniRow, type Expectation, type InstanceRow, type Task } from './model.ts';

// Model-based test (issue 6): random sequences of operations — valid and invalid — run against the
// real server (official clients, real HTTP) and against a reference model of the rules (model.ts).
// Attach, detach and delete go through API 3.0 (tencentcloud-sdk-nodejs) half the time, with the
// model's v2 answer translated to its 3.0 code (docs/api3.md, "Errors"): one state, two doors.
// After every step the answer's code and codeDesc, and then Describe's view of every ENI and
// instance, must be what the model says, and `vpc-eni check` must find nothing.
//
// Tasks are held in the data plane until the sequence says how each ends (success or failure), so
// transitional states, ActionLocked and rollbacks are deterministic. A failing sequence shrinks to
// a minimal one, printed with its seed.
//
// CI: fixed seed, VPC_ENI_MODEL_RUNS (default 20) sequences of up to 30 steps per backend.
// Long run: VPC_ENI_MODEL_RUNS=500 VPC_ENI_MODEL_SEED=1 npm test -- reliability/model

const RUNS = Number(process.env.VPC_ENI_MODEL_RUNS ?? 20);
const SEED = Number(process.env.VPC_ENI_MODEL_SEED ?? 424242);
const MAX_STEPS = Number(process.env.VPC_ENI_MODEL_STEPS ?? 30);
const has = (action: string) => ACTIONS.some((a) => a.name === action);
const has3 = (action: string) => ACTIONS_V3.some((a) => a.name === action);

const MISSING = { vpc: 'vpc-00000000', subnet: 'subnet-00000000', eni: 'eni-00000000', ins: 'ins-00000000' };
const SIZES = [
  { cpu: 1, mem: 1 }, // 2 ENIs, 2 IPs each
  { cpu: 2, mem: 4 }, // 2 ENIs, 10 IPs each
  { cpu: 4, mem: 8 }, // 4 ENIs, 10 IPs each
];

// ---- operations, as generated: references are indices into what exists at the time -------------

type VpcRef = 'own' | 'other' | 'missing';
type Op =
  | { k: 'run'; subnet: number; classic: boolean; size: number; count: number; ip: number | null; wrongZone: boolean }
  | { k: 'create'; vpc: VpcRef; subnet: number; ips: Array<{ off: number; primary: boolean }>; secondary: number }
  | { k: 'attach' | 'detach'; vpc: VpcRef; eni: number; ins: number; api3: boolean }
  | { k: 'delete'; vpc: VpcRef; eni: number; api3: boolean }
  | { k: 'life'; action: 'StartInstances' | 'StopInstances' | 'TerminateInstances'; ins: number[] }
  | { k: 'migrate'; vpc: VpcRef; eni: number; from: number; to: number }
  | { k: 'assign'; vpc: VpcRef; eni: number; ips: number[]; count: number }
  | { k: 'unassign'; vpc: VpcRef; eni: number; ips: number[] }
  | { k: 'migrateIp'; vpc: VpcRef; ip: number; from: number; to: number }
  | { k: 'settle'; fails: boolean[] }
  | { k: 'bad'; which: number };

const ref = fc.nat(40);
const vpcRef: fc.Arbitrary<VpcRef> = fc.oneof(
  { arbitrary: fc.constant('own' as const), weight: 10 },
  { arbitrary: fc.constantFrom('other' as const, 'missing' as const), weight: 1 },
);
/** Host offsets in a /28: 0 network, 1 gateway, 2-14 usable, 15 broadcast, 16+ outside. */
const offset = fc.oneof(
  { arbitrary: fc.integer({ min: 2, max: 14 }), weight: 6 },
  { arbitrary: fc.nat(17), weight: 1 },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('run' as const),
      subnet: ref,
      classic: fc.nat(7).map((n) => n === 0),
      size: fc.nat(SIZES.length - 1),
      count: fc.integer({ min: 1, max: 2 }),
      ip: fc.option(offset, { freq: 4 }),
      wrongZone: fc.nat(9).map((n) => n === 0),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('create' as const),
      vpc: vpcRef,
      subnet: ref,
      ips: fc.array(fc.record({ off: offset, primary: fc.nat(3).map((n) => n === 0) }), { maxLength: 3 }),
      // 28 or more: the 30-address limit of an unattached ENI, or the /28 running out first.
      secondary: fc.oneof({ arbitrary: fc.nat(3), weight: 8 }, { arbitrary: fc.constantFrom(12, 28, 30), weight: 1 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constantFrom('attach' as const, 'detach' as const),
      vpc: vpcRef,
      eni: ref,
      ins: ref,
      api3: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), vpc: vpcRef, eni: ref, api3: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('life' as const),
      action: fc.constantFrom('StartInstances' as const, 'StopInstances' as const, 'TerminateInstances' as const),
      ins: fc.array(ref, { minLength: 1, maxLength: 2 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('migrate' as const), vpc: vpcRef, eni: ref, from: ref, to: ref }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('assign' as const),
      vpc: vpcRef,
      eni: ref,
      ips: fc.array(offset, { maxLength: 2 }),
      count: fc.nat(3),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('unassign' as const),
      vpc: vpcRef,
      eni: ref,
      ips: fc.array(ref, { minLength: 1, maxLength: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('migrateIp' as const), vpc: vpcRef, ip: ref, from: ref, to: ref }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('settle' as const),
      fails: fc.array(
        fc.nat(4).map((n) => n === 0),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('bad' as const), which: fc.nat(100) }) },
);

/** Requests that are wrong in form, whatever the state: each answers a 4000 before any rule. */
const BAD: Array<{ action: string; params: (w: World) => Record<string, unknown>; codeDesc: string }> = [
  {
    action: 'AttachNetworkInterface',
    params: (w) => ({ vpcId: w.vpcs[0], networkInterfaceId: MISSING.eni }),
    codeDesc: 'InvalidParameter',
  },
  {
    action: 'DetachNetworkInterface',
    params: (w) => ({ vpcId: w.vpcs[0], networkInterfaceId: '', instanceId: MISSING.ins }),
    codeDesc: 'InvalidParameterValue',
  },
  {
    action: 'CreateNetworkInterface',
    params: (w) => ({ vpcId: w.vpcs[0], subnetId: w.subnets[0]!.id, eniName: '' }),
    codeDesc: 'InvalidNetworkInterfaceName',
  },
  {
    action: 'CreateNetworkInterface',
    params: (w) => ({
      vpcId: w.vpcs[0],
      subnetId: w.subnets[0]!.id,
      eniName: 'm',
      privateIpAddressSet: [{ privateIpAddress: '10.0.1' }],
    }),
    codeDesc: 'InvalidParameterValue',
  },
  {
    action: 'CreateNetworkInterface',
    params: (w) => ({
      vpcId: w.vpcs[0],
      subnetId: w.subnets[0]!.id,
      eniName: 'm',
      privateIpAddressSet: [
        { privateIpAddress: '10.0.1.5', primary: true },
        { privateIpAddress: '10.0.1.6', primary: true },
      ],
    }),
    codeDesc: 'InvalidParameterValue',
  },
  { action: 'StopInstances', params: () => ({}), codeDesc: 'InvalidParameter' },
  {
    action: 'RunInstances',
    params: (w) => ({ zoneId: '100003', goodsNum: 0, vpcId: w.vpcs[0], subnetId: w.subnets[0]!.id }),
    codeDesc: 'InvalidParameterValue',
  },
  {
    action: 'AssignPrivateIpAddresses',
    params: (w) => ({ vpcId: w.vpcs[0], networkInterfaceId: MISSING.eni, secondaryPrivateIpAddressCount: 31 }),
    codeDesc: 'InvalidParameterValue',
  },
  {
    action: 'UnassignPrivateIpAddresses',
    params: (w) => ({ vpcId: w.vpcs[0], networkInterfaceId: MISSING.eni }),
    codeDesc: 'InvalidParameter',
  },
  {
    action: 'MigrateNetworkInterface',
    params: (w) => ({ vpcId: w.vpcs[0], networkInterfaceId: MISSING.eni, oldInstanceId: MISSING.ins }),
    codeDesc: 'InvalidParameter',
  },
];

// ---- the world of one sequence -----------------------------------------------------------------

interface World {
  vpcs: string[];
  subnets: Array<{ id: string; vpcId: string; zoneId: number; network: number }>;
  /** Every ENI and instance this sequence has seen, gone ones included (they answer NotFound). */
  enis: string[];
  instances: string[];
}

const ipText = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const ipNum = (t: string) => t.split('.').reduce((a, p) => a * 256 + Number(p), 0);
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** A task as its caller knows it: the v2 task number, or the 3.0 RequestId. */
type TaskKey = number | string;

/** Holds every task in the data plane until the sequence releases it, as a success or a failure. */
class Gate {
  private readonly decided = new Map<TaskKey, boolean>();
  private readonly waiting = new Map<TaskKey, () => void>();
  install(server: TestServer): void {
    server.driver.apply = (task) =>
      new Promise<void>((resolve, reject) => {
        const key = [task.id, task.requestId].find((k) => k !== null && this.decided.has(k));
        const go = (k: TaskKey) =>
          this.decided.get(k) ? resolve() : reject(new DataPlaneError('model: the sequence failed this task'));
        if (key !== undefined && key !== null) return go(key);
        this.waiting.set(task.id, () => go(task.id));
        if (task.requestId) this.waiting.set(task.requestId, () => go(task.requestId!));
      });
  }
  open(key: TaskKey, ok: boolean): void {
    this.decided.set(key, ok);
    this.waiting.get(key)?.();
    this.waiting.delete(key);
  }
}

/** The 3.0 code of a v2 refusal of an ENI action (docs/api3.md, "Errors"). */
const V3_CODE: Record<string, string> = {
  InvalidParameter: 'InvalidParameter',
  InvalidParameterValue: 'InvalidParameterValue',
  'InvalidNetworkInterface.NotFound': 'ResourceNotFound',
  'InvalidInstance.NotFound': 'ResourceNotFound',
  ActionLocked: 'UnsupportedOperation.MutexOperationTaskRunning',
  'InvalidNetworkInterface.IsPrimary': 'UnsupportedOperation',
  'InvalidNetworkInterface.AlreadyAssociated': 'UnsupportedOperation.AttachmentAlreadyExists',
  'InvalidNetworkInterface.NotAttached': 'UnsupportedOperation.AttachmentNotFound',
  'InvalidNetworkInterface.CanNotDelete': 'ResourceInUse',
  'UnsupportedOperation.InvalidState': 'UnsupportedOperation.InvalidState',
  'UnsupportedOperation.VpcMismatch': 'UnsupportedOperation.VpcMismatch',
  'UnsupportedOperation.ZoneMismatch': 'UnsupportedOperation.ZoneMismatch',
  LimitExceeded: 'LimitExceeded',
  PrivateIpAddressLimitExceeded: 'LimitExceeded',
};

/** The official client with a fresh Nonce on every call: the SDK's own 65,536 values would make
 *  two identical polls in one second a replay. */
function uniqueNonces(c: Client): (action: string, params?: Record<string, unknown>) => Promise<Answer> {
  let n = randomInt(1, 2 ** 30);
  return (action, params = {}) => c.call(action, { ...params, Nonce: n++ });
}

for (const backend of backends()) {
  describe(`model-based sequences [${backend.name}]`, () => {
    let server: TestServer;
    let call: (action: string, params?: Record<string, unknown>) => Promise<Answer>;
    let v3: Client3;
    const gate = new Gate();
    const stats = { sequences: 0, steps: 0, accepted: 0, refused: new Map<string, number>() };

    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100000', TASK_LEASE_MS: '600000' });
      gate.install(server);
      call = uniqueNonces(server.client());
      v3 = sdk3Client(server.port);
    });
    after(async () => {
      console.log(
        `# ${backend.name}: ${stats.sequences} sequences, ${stats.steps} steps, ${stats.accepted} accepted; refusals ${JSON.stringify(Object.fromEntries(stats.refused))}`,
      );
      await server.close();
    });

    /** Waits for a task the gate has released, and checks how it ended. */
    async function finished(taskId: TaskKey, ok: boolean): Promise<void> {
      if (typeof taskId === 'string') {
        const r = await v3.waitTask(taskId);
        assert.equal(r.Status, ok ? 'SUCCESS' : 'FAILED', `task ${taskId}: ${JSON.stringify(r)}`);
        return;
      }
      for (let i = 0; i < 1000; i++) {
        const r = await call('DescribeVpcTaskResult', { taskId });
        assert.equal(r.code, 0, JSON.stringify(r));
        if (r.data.status !== 2) {
          assert.equal(r.data.status, ok ? 0 : 1, `task ${taskId}: ${JSON.stringify(r.data)}`);
          return;
        }
        await new Promise((res) => setTimeout(res, 5));
      }
      assert.fail(`task ${taskId} still running after its release`);
    }

    async function sequence(ops: Op[]): Promise<void> {
      stats.sequences++;
      const model = new Model();
      const inflight: Array<{ taskId: TaskKey; task: Task }> = [];
      const world: World = { vpcs: [], subnets: [], enis: [], instances: [] };

      const settle = async (fails: boolean[]) => {
        for (const fail of fails) {
          const next = inflight.shift();
          if (!next) return;
          gate.open(next.taskId, !fail);
          await finished(next.taskId, !fail);
          if (fail) next.task.rollback();
          else next.task.complete();
        }
      };

      /** Sends one request and holds its answer against the model's expectation. */
      const step = async (label: string, action: string, params: Record<string, unknown>, expect: Expectation) => {
        stats.steps++;
        const r = await call(action, params);
        const want =
          'error' in expect ? { code: CODES[expect.error], codeDesc: expect.error } : { code: 0, codeDesc: 'Success' };
        assert.deepEqual(
          { code: r.code, codeDesc: r.codeDesc },
          want,
          `${label}: ${action} ${JSON.stringify(params)} → ${r.message}`,
        );
        if ('error' in expect) {
          stats.refused.set(`${action} ${expect.error}`, (stats.refused.get(`${action} ${expect.error}`) ?? 0) + 1);
          return r;
        }
        stats.accepted++;
        stats.refused.set(`${action} Success`, (stats.refused.get(`${action} Success`) ?? 0) + 1);
        assert.equal(typeof r.taskId, 'number', JSON.stringify(r));
        inflight.push({ taskId: r.taskId, task: expect.accept(r) });
        return r;
      };

      /** The same through API 3.0: the model's v2 expectation, translated to its 3.0 code. */
      const step3 = async (label: string, action: string, params: Record<string, unknown>, expect: Expectation) => {
        stats.steps++;
        const r = await v3.call('vpc', action, params);
        const got = 'Error' in r ? r.Error.Code : 'Success';
        const want = 'error' in expect ? (V3_CODE[expect.error] ?? `(no 3.0 code for ${expect.error})`) : 'Success';
        assert.equal(got, want, `${label}: 3.0 ${action} ${JSON.stringify(params)} → ${JSON.stringify(r)}`);
        const tally = `3.0 ${action} ${'error' in expect ? expect.error : 'Success'}`;
        stats.refused.set(tally, (stats.refused.get(tally) ?? 0) + 1);
        if ('error' in expect || 'Error' in r) return;
        stats.accepted++;
        inflight.push({ taskId: r.RequestId, task: expect.accept({ taskId: -1 } as never) });
      };

      const compare = async (label: string) => {
        for (const vpcId of world.vpcs) {
          const r = await call('DescribeNetworkInterfaces', { vpcId, limit: 50 });
          assert.equal(r.code, 0, JSON.stringify(r));
          const got: EniRow[] = (r.data.data as any[])
            .map((e) => ({
              id: e.networkInterfaceId,
              subnetId: e.subnetId,
              primary: e.primary,
              state: e.state,
              instanceId: e.instanceSet.instanceId,
              ips: (e.privateIpAddressesSet as any[]).map((i) => `${ipNum(i.privateIpAddress)}${i.primary ? '*' : ''}`),
            }))
            .sort((a, b) => (a.id < b.id ? -1 : 1));
          assert.equal(r.data.totalNum, got.length);
          assert.deepEqual(got, model.describeEnis(vpcId), `${label}: ENIs of ${vpcId}`);
        }
        const ids = world.instances;
        const params = Object.fromEntries(ids.map((id, n) => [`instanceIds.${n}`, id]));
        const r = await call('DescribeInstances', { ...params, limit: 100 });
        assert.equal(r.code, 0, JSON.stringify(r));
        const got: InstanceRow[] = (r.instanceSet as any[])
          .map((i) => ({
            id: i.instanceId,
            status: i.status,
            vpcId: i.vpcId,
            subnetId: i.subnetId,
            lanIp: i.lanIp === '' ? null : ipNum(i.lanIp),
          }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        assert.deepEqual(got, model.describeInstances(ids), `${label}: instances`);
        const violations = await findViolations(server.app.db, { stuckAfterMs: 3_600_000 });
        assert.deepEqual(violations, [], `${label}: invariants`);
      };

      const runInstances = async (label: string, op: Extract<Op, { k: 'run' }>) => {
        const size = SIZES[op.size]!;
        const subnet = pick(world.subnets, op.subnet);
        const zoneId = op.wrongZone ? (subnet.zoneId === 100003 ? 100004 : 100003) : subnet.zoneId;
        const net = op.classic ? null : { vpcId: subnet.vpcId, subnetId: subnet.id };
        const ip = op.ip === null || op.classic ? undefined : subnet.network + op.ip;
        const expect = model.runInstances({ zoneId, ...size, net, count: op.count, ip });
        const params = {
          zoneId: String(zoneId),
          ...size,
          goodsNum: op.count,
          ...(net ?? {}),
          ...(ip !== undefined && { privateIpAddress: ipText(ip) }),
        };
        const r = await step(label, 'RunInstances', params, expect);
        if (r.code !== 0) return;
        world.instances.push(...(r.data.instanceIds as string[]));
        if (!net) return;
        // Adopt the primary ENIs' ids, which the answer does not carry: found by their primary IP.
        const listed = await call('DescribeNetworkInterfaces', { vpcId: net.vpcId, limit: 50 });
        for (const p of model.pendingPrimaries) {
          const eni = (listed.data.data as any[]).find(
            (e) =>
              e.primary && e.privateIpAddressesSet.some((i: any) => i.primary && ipNum(i.privateIpAddress) === p.ip),
          );
          assert.ok(eni, `${label}: no primary ENI with ${ipText(p.ip)} for ${p.instanceId}`);
          model.adoptPrimary(p.instanceId, eni.networkInterfaceId);
          world.enis.push(eni.networkInterfaceId);
        }
      };

      const vpcFor = (r: VpcRef, own: string | undefined) =>
        r === 'missing'
          ? MISSING.vpc
          : r === 'other'
            ? (world.vpcs.find((v) => v !== own) ?? MISSING.vpc)
            : (own ?? world.vpcs[0]!);
      // References are indices, resolved against the state of the moment: mostly onto resources
      // where the operation can get far (an attached ENI for a detach, its instance, another ENI
      // for an IP move), the rest onto anything seen (primary, deleted, terminated) or an id that
      // never existed. The same sequence on the same state always resolves the same way.
      const choose = (n: number, preferred: string[], fallback: string[]) =>
        n % 4 !== 0 && preferred.length ? pick(preferred, n) : pick(fallback, n);
      const secondaries = () => world.enis.filter((id) => model.enis.get(id)?.primary === false);
      const withSecondaries = () =>
        secondaries().filter((id) => [...model.enis.get(id)!.ips.values()].some((v) => !v.primary));
      const attachedEnis = () => secondaries().filter((id) => model.enis.get(id)!.instanceId !== null);
      const freeEnis = () => secondaries().filter((id) => model.enis.get(id)!.instanceId === null);
      const anyEni = () => [...world.enis, MISSING.eni];
      const eniRef = (n: number, preferred = secondaries()) => choose(n, preferred, anyEni());
      const liveInstances = () => world.instances.filter((id) => model.instances.has(id));
      const insRef = (n: number) =>
        n % 5 !== 0 && liveInstances().length ? pick(liveInstances(), n) : pick([...world.instances, MISSING.ins], n);
      const instanceOf = (eniId: string) => model.enis.get(eniId)?.instanceId ?? null;
      const ownVpc = (eniId: string) => model.enis.get(eniId)?.vpcId;
      /** Addresses to name for an ENI: mostly its secondary ones; else any it holds, or two it does not. */
      const ipRef = (eniId: string, n: number) => {
        const e = model.enis.get(eniId);
        const network = world.subnets.find((s) => s.id === e?.subnetId)?.network ?? world.subnets[0]!.network;
        const held = e ? [...e.ips.entries()].sort(([a], [b]) => a - b) : [];
        const secondary = held.filter(([, v]) => !v.primary).map(([ip]) => ip);
        return n % 3 !== 0 && secondary.length
          ? pick(secondary, n)
          : pick([...held.map(([ip]) => ip), network + 9, network + 16], n);
      };

      try {
        // Two VPCs of the same CIDR: V1 with subnets in zones 3 and 4, V2 with one in zone 3.
        for (const [n, subnets] of (
          [
            [
              ['10.0.1.0/28', 100003],
              ['10.0.2.0/28', 100004],
            ],
            [['10.0.1.0/28', 100003]],
          ] as Array<Array<[string, number]>>
        ).entries()) {
          const vpc = await call('CreateVpc', {
            vpcName: `model-${n}`,
            cidrBlock: '10.0.0.0/16',
            subnetSet: subnets.map(([cidrBlock, zoneId], i) => ({
              subnetName: `s${i}`,
              cidrBlock,
              zoneId: String(zoneId),
            })),
          });
          assert.equal(vpc.code, 0, JSON.stringify(vpc));
          const made = (vpc.subnetSet as any[]).map((s, i) => ({
            id: s.unSubnetId as string,
            vpcId: vpc.unVpcId as string,
            zoneId: subnets[i]![1],
            network: ipNum(subnets[i]![0].split('/')[0]!),
          }));
          world.vpcs.push(vpc.unVpcId);
          world.subnets.push(...made);
          model.addVpc(
            vpc.unVpcId,
            made.map((s) => ({ ...s, size: 16 })),
          );
        }
        // A small and a large instance in V1's first subnet, and one in V2, to start from.
        for (const [subnet, size] of [
          [0, 0],
          [0, 2],
          [2, 1],
        ]) {
          await runInstances('setup', {
            k: 'run',
            subnet: subnet!,
            classic: false,
            size: size!,
            count: 1,
            ip: null,
            wrongZone: false,
          });
        }
        // And three secondary ENIs: two beside them, one in the other zone.
        for (const [subnet, secondaryCount] of [
          [0, 1],
          [0, 0],
          [1, 0],
        ] as const) {
          const sub = world.subnets[subnet]!;
          const expect = model.createNetworkInterface({ vpcId: sub.vpcId, subnetId: sub.id, ips: [], secondaryCount });
          const params = {
            vpcId: sub.vpcId,
            subnetId: sub.id,
            eniName: 'model',
            secondaryPrivateIpAddressCount: secondaryCount,
          };
          const r = await step('setup', 'CreateNetworkInterface', params, expect);
          world.enis.push(r.data.networkInterfaceId);
        }
        await settle(inflight.map(() => false));
        // The first ENI, with its secondary IP, onto the large instance; the second fills the small one.
        for (const [eniId, instanceId] of [
          [world.enis.at(-3)!, world.instances[1]!],
          [world.enis.at(-2)!, world.instances[0]!],
        ]) {
          const vpcId = world.vpcs[0]!;
          const expect = model.attachNetworkInterface(vpcId, eniId!, instanceId!);
          await step('setup', 'AttachNetworkInterface', { vpcId, networkInterfaceId: eniId, instanceId }, expect);
        }
        await settle([false, false]);

        for (const [n, op] of ops.entries()) {
          const label = `step ${n} ${JSON.stringify(op)}`;
          switch (op.k) {
            case 'run':
              await runInstances(label, op);
              break;
            case 'create': {
              const subnet = pick(
                [
                  ...world.subnets,
                  { id: MISSING.subnet, vpcId: world.vpcs[0]!, zoneId: 0, network: world.subnets[0]!.network },
                ],
                op.subnet,
              );
              const vpcId = vpcFor(op.vpc, subnet.vpcId);
              const ips = op.ips.map((i) => ({ ip: subnet.network + i.off, primary: i.primary }));
              const expect = model.createNetworkInterface({
                vpcId,
                subnetId: subnet.id,
                ips,
                secondaryCount: op.secondary,
              });
              const r = await step(
                label,
                'CreateNetworkInterface',
                {
                  vpcId,
                  subnetId: subnet.id,
                  eniName: 'model',
                  ...(ips.length && {
                    privateIpAddressSet: ips.map((i) => ({ privateIpAddress: ipText(i.ip), primary: i.primary })),
                  }),
                  secondaryPrivateIpAddressCount: op.secondary,
                },
                expect,
              );
              if (r.code === 0) world.enis.push(r.data.networkInterfaceId);
              break;
            }
            case 'attach': {
              const eniId = eniRef(op.eni, freeEnis());
              const instanceId = insRef(op.ins);
              const vpcId = vpcFor(op.vpc, ownVpc(eniId));
              const expect = model.attachNetworkInterface(vpcId, eniId, instanceId);
              // 3.0 names no VPC: only the ENI's own VPC (what 3.0 implies) can go either way.
              if (op.api3 && op.vpc === 'own') {
                await step3(
                  label,
                  'AttachNetworkInterface',
                  { NetworkInterfaceId: eniId, InstanceId: instanceId },
                  expect,
                );
              } else {
                await step(label, 'AttachNetworkInterface', { vpcId, networkInterfaceId: eniId, instanceId }, expect);
              }
              break;
            }
            case 'detach': {
              const eniId = eniRef(op.eni, attachedEnis());
              const instanceId = op.ins % 3 !== 0 ? (instanceOf(eniId) ?? insRef(op.ins)) : insRef(op.ins);
              const vpcId = vpcFor(op.vpc, ownVpc(eniId));
              const expect = model.detachNetworkInterface(vpcId, eniId, instanceId);
              if (op.api3 && op.vpc === 'own') {
                await step3(
                  label,
                  'DetachNetworkInterface',
                  { NetworkInterfaceId: eniId, InstanceId: instanceId },
                  expect,
                );
              } else {
                await step(label, 'DetachNetworkInterface', { vpcId, networkInterfaceId: eniId, instanceId }, expect);
              }
              break;
            }
            case 'delete': {
              const eniId = eniRef(op.eni);
              const vpcId = vpcFor(op.vpc, ownVpc(eniId));
              const expect = model.deleteNetworkInterface(vpcId, eniId);
              if (op.api3 && op.vpc === 'own' && has3('DeleteNetworkInterface')) {
                await step3(label, 'DeleteNetworkInterface', { NetworkInterfaceId: eniId }, expect);
              } else {
                await step(label, 'DeleteNetworkInterface', { vpcId, networkInterfaceId: eniId }, expect);
              }
              break;
            }
            case 'life': {
              const ids = op.ins.map(insRef);
              await step(label, op.action, { instanceIds: ids }, model.changeInstances(op.action, ids));
              break;
            }
            case 'migrate': {
              if (!has('MigrateNetworkInterface')) break;
              const eniId = eniRef(op.eni, attachedEnis());
              const vpcId = vpcFor(op.vpc, ownVpc(eniId));
              const from = op.from % 4 !== 0 ? (instanceOf(eniId) ?? insRef(op.from)) : insRef(op.from);
              const to = insRef(op.to);
              await step(
                label,
                'MigrateNetworkInterface',
                { vpcId, networkInterfaceId: eniId, oldInstanceId: from, newInstanceId: to },
                model.migrateNetworkInterface(vpcId, eniId, from, to),
              );
              break;
            }
            case 'assign': {
              if (!has('AssignPrivateIpAddresses')) break;
              const eniId = eniRef(op.eni);
              const vpcId = vpcFor(op.vpc, ownVpc(eniId));
              const network =
                world.subnets.find((s) => s.id === model.enis.get(eniId)?.subnetId)?.network ??
                world.subnets[0]!.network;
              const ips = op.ips.map((o) => network + o);
              await step(
                label,
                'AssignPrivateIpAddresses',
                {
                  vpcId,
                  networkInterfaceId: eniId,
                  ...(ips.length && { privateIpAddressSet: ips.map((ip) => ({ privateIpAddress: ipText(ip) })) }),
                  secondaryPrivateIpAddressCount: op.count,
                },
                model.assignPrivateIpAddresses(vpcId, eniId, ips, op.count),
              );
              break;
            }
            case 'unassign': {
              if (!has('UnassignPrivateIpAddresses')) break;
              const eniId = eniRef(op.eni, withSecondaries());
              const vpcId = vpcFor(op.vpc, ownVpc(eniId));
              const ips = op.ips.map((n) => ipRef(eniId, n));
              await step(
                label,
                'UnassignPrivateIpAddresses',
                { vpcId, networkInterfaceId: eniId, privateIpAddress: ips.map(ipText) },
                model.unassignPrivateIpAddresses(vpcId, eniId, ips),
              );
              break;
            }
            case 'migrateIp': {
              if (!has('MigratePrivateIpAddress')) break;
              const from = eniRef(op.from, withSecondaries());
              const others = world.enis.filter((id) => id !== from && model.enis.has(id));
              const to = eniRef(op.to, others);
              const vpcId = vpcFor(op.vpc, ownVpc(from));
              const ip = ipRef(from, op.ip);
              await step(
                label,
                'MigratePrivateIpAddress',
                { vpcId, privateIpAddress: ipText(ip), oldNetworkInterfaceId: from, newNetworkInterfaceId: to },
                model.migratePrivateIpAddress(vpcId, ip, from, to),
              );
              break;
            }
            case 'settle':
              await settle(op.fails);
              break;
            case 'bad': {
              const usable = BAD.filter((b) => has(b.action));
              const bad = pick(usable, op.which);
              await step(label, bad.action, bad.params(world), { error: bad.codeDesc });
              break;
            }
          }
          await compare(label);
        }
        // Every task ends; then nothing may be left running or transitional anywhere.
        await settle(inflight.map(() => false));
        await compare('after the last task');
        assert.deepEqual(await findViolations(server.app.db, { drained: true }), [], 'drained: invariants');
      } finally {
        // A failed sequence must not leave tasks held for the next (shrinking replays it).
        for (const t of inflight.splice(0)) {
          gate.open(t.taskId, true);
          await finished(t.taskId, true).catch(() => undefined);
        }
      }
    }

    it(`${RUNS} random sequences agree with the model, step by step`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: MAX_STEPS, size: 'max' }), sequence),
        {
          seed: SEED,
          numRuns: RUNS,
          // The failing sequence shrinks to a minimal one (each attempt replays it on a fresh world).
          includeErrorInReport: true,
        },
      );
    });
  });
}
