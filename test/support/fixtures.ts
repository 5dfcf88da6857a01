import assert from 'node:assert/strict';
import type { Answer, Client, TestServer } from './harness.ts';

// Builders for the resources most tests need. Each returns ids and fails loudly if the server
// refuses, so a test's own assertions stay about the case it is testing.

export async function vpcWithSubnet(
  c: Client,
  o: { cidr?: string; subnetCidr?: string; zone?: string } = {},
): Promise<{ vpcId: string; subnetId: string }> {
  const vpc = await c.call('CreateVpc', {
    vpcName: 'test-vpc',
    cidrBlock: o.cidr ?? '10.0.0.0/16',
    subnetSet: [{ subnetName: 'test-subnet', cidrBlock: o.subnetCidr ?? '10.0.1.0/24', zoneId: o.zone ?? '100003' }],
  });
  if (vpc.code !== 0) throw new Error(`CreateVpc: ${JSON.stringify(vpc)}`);
  return { vpcId: vpc.unVpcId, subnetId: vpc.subnetSet[0].unSubnetId };
}

export async function instance(
  c: Client,
  net: { vpcId: string; subnetId: string } | null,
  o: { cpu?: number; mem?: number; zone?: string } = {},
): Promise<string> {
  const r = await c.run('RunInstances', {
    zoneId: o.zone ?? '100003',
    cpu: o.cpu ?? 2,
    mem: o.mem ?? 4,
    ...(net && { vpcId: net.vpcId, subnetId: net.subnetId }),
  });
  if (r.task.data.status !== 0) throw new Error(`RunInstances task: ${JSON.stringify(r.task)}`);
  return r.data.instanceIds[0];
}

export async function eni(
  c: Client,
  net: { vpcId: string; subnetId: string },
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await c.run('CreateNetworkInterface', {
    vpcId: net.vpcId,
    subnetId: net.subnetId,
    eniName: 'test-eni',
    ...extra,
  });
  if (r.task.data.status !== 0) throw new Error(`CreateNetworkInterface task: ${JSON.stringify(r.task)}`);
  return r.data.networkInterfaceId;
}

export async function describeEni(c: Client, vpcId: string, eniId: string): Promise<Record<string, any>> {
  const r = await c.call('DescribeNetworkInterfaces', { vpcId, networkInterfaceId: eniId });
  if (r.code !== 0 || r.data.data.length !== 1) throw new Error(`DescribeNetworkInterfaces: ${JSON.stringify(r)}`);
  return r.data.data[0];
}

/** An error answer: exact code and codeDesc; for bad input (4000) the message names the parameter. */
export function expectError(r: Answer, code: number, codeDesc: string, mentions?: string): void {
  assert.deepEqual({ code: r.code, codeDesc: r.codeDesc }, { code, codeDesc }, r.message);
  assert.ok(r.message.length > 0, 'an error says why');
  if (mentions !== undefined) assert.ok(r.message.includes(mentions), `"${r.message}" should name ${mentions}`);
}

/** `YYYY-MM-DD HH:MM:SS`, read as Beijing time (UTC+8), is within a minute of now. */
export function assertBeijingNow(text: string): void {
  assert.match(text, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  const ms = Date.parse(text.replace(' ', 'T') + '+08:00');
  assert.ok(Math.abs(ms - Date.now()) < 60_000, `${text} is not Beijing time now`);
}

/**
 * Tasks accepted inside `fn` stay in flight for `ms` (the server's TASK_LATENCY_MS, changed for the
 * duration), so that transitional states and ActionLocked can be observed.
 */
export async function withSlowTasks<T>(server: TestServer, ms: number, fn: () => Promise<T>): Promise<T> {
  const before = server.config.taskLatencyMs;
  server.config.taskLatencyMs = ms;
  try {
    return await fn();
  } finally {
    server.config.taskLatencyMs = before;
  }
}

/** Fails when the task already finished: the checks that needed it in flight proved nothing. */
export async function assertStillRunning(c: Client, taskId: number): Promise<void> {
  const r = await c.call('DescribeVpcTaskResult', { taskId });
  assert.equal(r.data.status, 2, `task ${taskId} finished too soon for this test; raise its latency`);
}

/** Waits for the clock to pass a millisecond, so resources created next get a later createTime. */
export async function nextMillisecond(): Promise<void> {
  const t = Date.now();
  while (Date.now() === t) await new Promise((resolve) => setImmediate(resolve));
}
