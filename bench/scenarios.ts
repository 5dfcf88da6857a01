import { openDb } from '../src/store/db.ts';
import { findTask } from '../src/store/task.repo.ts';
import { call, eachLimited } from './client.ts';
import { runLoad, type Account, type Latency, type LoadResult, type Op } from './load.ts';
import type { Fleet } from './seed.ts';

// What the benchmark measures against a running server. Each scenario returns requests per second
// (for attach/detach: completed operations per second) and latencies in ms.

export const REGION = 'gz';

export interface Target {
  port: number;
  account: Account;
  connections: number;
  /** The server's CPU time so far, in ms. */
  cpuMs(): number;
  /** The server's database, for checking its tasks afterwards. */
  databaseUrl: string;
}

export interface Measured {
  perS: number;
  /** Server CPU time per request (per completed operation for attach/detach): a figure that
   *  other load on the machine disturbs less than throughput does. */
  cpuUsPerOp: number;
  p50: number;
  p99: number;
  requests: number;
  errors: Record<string, number>;
}

export interface CycleResult {
  /** Attach and Detach tasks accepted in the window that the worker then completed, per second of
   *  window plus the time it took to finish the last of them. */
  completed: Measured;
  attach: Latency;
  detach: Latency;
  /** Tasks accepted in the window, and how the database recorded them afterwards. */
  tasks: { accepted: number; succeeded: number; failed: number; drainMs: number };
  load: LoadResult;
}

function measured(load: LoadResult, perS: number, latency: Latency | undefined, cpuMs: number, ops: number): Measured {
  return {
    perS,
    cpuUsPerOp: (cpuMs * 1000) / ops,
    p50: latency?.p50 ?? NaN,
    p99: latency?.p99 ?? NaN,
    requests: load.requests,
    errors: load.errors,
  };
}

/** The ceiling: an attach-shaped signed request against the plain server. */
export async function baseline(t: Target, warmupS: number, durationS: number): Promise<Measured> {
  const op: Op = {
    label: 'baseline',
    params: {
      Action: 'AttachNetworkInterface',
      vpcId: 'vpc-00000000',
      networkInterfaceId: 'eni-00000000',
      instanceId: 'ins-00000000',
    },
  };
  if (warmupS > 0) await runLoad({ ...t, region: REGION, durationS: warmupS, next: () => op });
  const cpu = t.cpuMs();
  const load = await runLoad({ ...t, region: REGION, durationS, next: () => op });
  return measured(load, load.rps, load.latency.baseline, t.cpuMs() - cpu, load.requests);
}

type Slot = { eniId: string; instanceId: string; attached: boolean };

/** The next operation on an ENI of the pool: detach it if attached, else attach it. */
function attachOrDetach(api: Api, fleet: Fleet, slot: Slot): Omit<Op, 'done'> {
  const action = slot.attached ? 'DetachNetworkInterface' : 'AttachNetworkInterface';
  const label = slot.attached ? 'detach' : 'attach';
  if (api === 'v2') {
    return {
      label,
      params: { Action: action, vpcId: fleet.vpcId, networkInterfaceId: slot.eniId, instanceId: slot.instanceId },
    };
  }
  return {
    label,
    params: { NetworkInterfaceId: slot.eniId, InstanceId: slot.instanceId },
    api3: { action, service: 'vpc' },
  };
}

/**
 * Attach and Detach over the pool, round robin: an ENI goes to the back of the queue when its
 * answer arrives, so it comes up again only after every other idle ENI has had its turn — by then
 * its task has long finished and the next operation on it is not ActionLocked. Accepted task ids
 * go to `sink`. (ENIs whose request is in flight when a run ends drop out of the pool.)
 */
class Cycle {
  /** Task ids (v2) or RequestIds (API 3.0) of the accepted calls, in the order they were answered. */
  sink: Array<number | string> = [];
  private readonly queue: Slot[];

  constructor(
    private readonly fleet: Fleet,
    private readonly api: Api,
  ) {
    this.queue = fleet.pool.map((p) => ({ ...p, attached: false }));
  }

  next = (): Op => {
    const eni = this.queue.shift();
    if (!eni) throw new Error('the ENI pool ran dry: use fewer connections or a larger pool');
    const refusal = REFUSALS[this.api];
    return {
      ...attachOrDetach(this.api, this.fleet, eni),
      done: (answer) => {
        if (answer.code === 0) {
          eni.attached = !eni.attached;
          this.sink.push(this.api === 'v2' ? answer.taskId! : answer.requestId!);
        } else if (answer.codeDesc === refusal.attached) eni.attached = true;
        else if (answer.codeDesc === refusal.detached) eni.attached = false;
        this.queue.push(eni);
      },
    };
  };
}

export type Api = 'v2' | 'v3';

/** What each protocol answers for an ENI that is already attached, or not attached. */
const REFUSALS: Record<Api, { attached: string; detached: string }> = {
  v2: { attached: 'InvalidNetworkInterface.AlreadyAssociated', detached: 'InvalidNetworkInterface.NotAttached' },
  v3: { attached: 'UnsupportedOperation.AttachmentAlreadyExists', detached: 'UnsupportedOperation.AttachmentNotFound' },
};

/** The busy answer of each protocol: the worker falling behind, not a broken run. */
export const BUSY = new Set(['ActionLocked', 'UnsupportedOperation.MutexOperationTaskRunning']);

/** The task that finishes last: tasks are claimed in (due time, id) order, so the last accepted. */
const last = (ids: Array<number | string>) => ids[ids.length - 1]!;

async function taskRunning(t: Target, key: number | string): Promise<boolean> {
  if (typeof key === 'string') {
    const db = await openDb(t.databaseUrl);
    try {
      return (await findTask(db, t.account.appId, key))?.state === 'RUNNING';
    } finally {
      await db.close();
    }
  }
  const answer = await call(t.port, t.account, REGION, { Action: 'DescribeVpcTaskResult', taskId: String(key) });
  if (answer.code !== 0) throw new Error(`DescribeVpcTaskResult ${key}: ${answer.codeDesc}`);
  return (answer.data as { status: number }).status === 2;
}

/** Polls until the task is no longer running. */
async function settled(t: Target, key: number | string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (await taskRunning(t, key)) {
    if (Date.now() > until) throw new Error(`task ${key} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Reads every accepted task back through the store (the server's own repository function): tens of
 * thousands of DescribeVpcTaskResult calls would say the same, slower, and fill the CPU profile.
 */
async function verify(t: Target, taskIds: Array<number | string>): Promise<{ succeeded: number; failed: number }> {
  const db = await openDb(t.databaseUrl);
  let succeeded = 0;
  let failed = 0;
  try {
    await eachLimited(taskIds, 16, async (taskId) => {
      const task = await findTask(db, t.account.appId, taskId);
      if (task?.state === 'SUCCEEDED') succeeded++;
      else failed++;
    });
  } finally {
    await db.close();
  }
  return { succeeded, failed };
}

export async function attachDetach(
  t: Target,
  fleet: Fleet,
  warmupS: number,
  durationS: number,
  api: Api = 'v2',
): Promise<CycleResult> {
  const cycle = new Cycle(fleet, api);
  if (warmupS > 0) {
    await runLoad({ ...t, region: REGION, durationS: warmupS, next: cycle.next });
    if (cycle.sink.length) await settled(t, last(cycle.sink));
  }
  const accepted: Array<number | string> = (cycle.sink = []);
  const cpu = t.cpuMs();
  const load = await runLoad({ ...t, region: REGION, durationS, next: cycle.next });
  const ended = Date.now();
  // Tasks are claimed in (due time, id) order: the last accepted is the last to finish.
  if (accepted.length) await settled(t, last(accepted));
  const drainMs = Date.now() - ended;
  const cpuMs = t.cpuMs() - cpu;

  const { succeeded, failed } = await verify(t, accepted);
  const perS = succeeded / (load.durationS + drainMs / 1000);
  return {
    completed: measured(load, perS, load.latency.attach, cpuMs, succeeded),
    attach: load.latency.attach ?? { count: 0, p50: NaN, p99: NaN },
    detach: load.latency.detach ?? { count: 0, p50: NaN, p99: NaN },
    tasks: { accepted: accepted.length, succeeded, failed, drainMs },
    load,
  };
}

/** What the polled cycle measured: operations seen to end by their caller's polling. */
export interface PolledResult {
  /** Attach and Detach whose task a DescribeVpcTaskResult saw succeed in the window, per second. */
  completed: Measured;
  attach: Latency;
  detach: Latency;
  poll: Latency;
  /** DescribeVpcTaskResult calls per completed operation. */
  pollsPerOp: number;
  /** Attach/Detach answered busy (the ENI's previous task still running), as a share of them all. */
  busyShare: number;
  /** Tasks seen to fail in the window (none in a clean run). */
  failed: number;
  load: LoadResult;
}

/**
 * The cycle as a caller of the real service runs it: attach (or detach), then poll the task with
 * DescribeVpcTaskResult until it ends, then the next operation on that ENI. Polls go first (a
 * connection that frees up polls the oldest task still unseen), so each task is polled as soon as a
 * connection can, and the server meets both its writers and its readers.
 */
class PolledCycle {
  completed = 0;
  failed = 0;
  polls = 0;
  private readonly idle: Slot[];
  private readonly polling: Array<{ slot: Slot; key: number | string }> = [];

  constructor(
    private readonly fleet: Fleet,
    private readonly api: Api,
  ) {
    this.idle = fleet.pool.map((p) => ({ ...p, attached: false }));
  }

  reset(): void {
    this.completed = this.failed = this.polls = 0;
  }

  next = (): Op => {
    const waiting = this.polling.shift();
    if (waiting) return this.poll(waiting);
    const slot = this.idle.shift();
    if (!slot) throw new Error('the ENI pool ran dry: use fewer connections or a larger pool');
    const refusal = REFUSALS[this.api];
    return {
      ...attachOrDetach(this.api, this.fleet, slot),
      done: (answer) => {
        if (answer.code === 0) {
          this.polling.push({ slot, key: this.api === 'v2' ? answer.taskId! : answer.requestId! });
          return;
        }
        if (answer.codeDesc === refusal.attached) slot.attached = true;
        else if (answer.codeDesc === refusal.detached) slot.attached = false;
        this.idle.push(slot);
      },
    };
  };

  private poll(waiting: { slot: Slot; key: number | string }): Op {
    const v2 = this.api === 'v2';
    return {
      label: 'poll',
      ...(v2
        ? { params: { Action: 'DescribeVpcTaskResult', taskId: String(waiting.key) } }
        : {
            params: { TaskId: String(waiting.key) },
            api3: { action: 'DescribeVpcTaskResult', service: 'vpc' as const },
          }),
      done: (answer) => {
        this.polls++;
        const status = v2
          ? ['SUCCESS', 'FAILED', 'RUNNING'][(answer.data as { status?: number } | undefined)?.status ?? 2]
          : (answer.response?.Status as string | undefined);
        if (answer.code !== 0 || status === 'RUNNING') {
          this.polling.push(waiting);
          return;
        }
        if (status === 'SUCCESS') {
          this.completed++;
          waiting.slot.attached = !waiting.slot.attached;
        } else this.failed++;
        this.idle.push(waiting.slot);
      },
    };
  }
}

export async function attachDetachPolled(
  t: Target,
  fleet: Fleet,
  warmupS: number,
  durationS: number,
  api: Api = 'v2',
): Promise<PolledResult> {
  const cycle = new PolledCycle(fleet, api);
  if (warmupS > 0) await runLoad({ ...t, region: REGION, durationS: warmupS, next: cycle.next });
  cycle.reset();
  const cpu = t.cpuMs();
  const load = await runLoad({ ...t, region: REGION, durationS, next: cycle.next });
  const cpuMs = t.cpuMs() - cpu;
  const none = { count: 0, p50: NaN, p99: NaN };
  const attach = load.latency.attach ?? none;
  const detach = load.latency.detach ?? none;
  const busy = Object.entries(load.errors)
    .filter(([code]) => BUSY.has(code))
    .reduce((n, [, count]) => n + count, 0);
  const writes = attach.count + detach.count + busy;
  return {
    completed: measured(load, cycle.completed / load.durationS, attach, cpuMs, cycle.completed),
    attach,
    detach,
    poll: load.latency.poll ?? none,
    pollsPerOp: cycle.polls / Math.max(1, cycle.completed),
    busyShare: writes ? busy / writes : 0,
    failed: cycle.failed,
    load,
  };
}

export async function describe(t: Target, fleet: Fleet, by: 'instance' | 'vpc', durationS: number): Promise<Measured> {
  let n = 0;
  const next = (): Op => ({
    label: by,
    params:
      by === 'instance'
        ? { Action: 'DescribeNetworkInterfaces', instanceId: fleet.instanceIds[n++ % fleet.instanceIds.length]! }
        : { Action: 'DescribeNetworkInterfaces', vpcId: fleet.vpcId },
  });
  const cpu = t.cpuMs();
  const load = await runLoad({ ...t, region: REGION, durationS, next });
  return measured(load, load.ok / load.durationS, load.latency[by], t.cpuMs() - cpu, load.ok);
}
