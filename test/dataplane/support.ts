import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { listNamespaces, missingPrerequisites, namespaceMarker, NETNS_DIR } from '../../src/dataplane/host.ts';
import { NetnsDataPlane } from '../../src/dataplane/netns-driver.ts';
import { createLogger } from '../../src/log.ts';
import type { Backend } from '../support/backends.ts';
import { ACCOUNT_A, ACCOUNT_B } from '../support/harness.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';

// Wire tests of the netns data plane: a server in-process whose driver builds real namespaces
// under a prefix of this test process's own, and helpers that look at the host and send traffic
// from inside the namespaces the tests made (never from the host's own namespace).

/** Why the data-plane tests cannot run here (null: they can). Under CI=true they must. */
export async function unavailable(): Promise<string | null> {
  const missing = await missingPrerequisites();
  for (const tool of ['ping']) {
    if (
      !(await sh(tool, ['-V']).then(
        () => true,
        () => false,
      ))
    )
      missing.push(`\`${tool}\` (Debian package iputils-ping)`);
  }
  if (missing.length === 0) {
    // Root in a container may still be refused namespaces.
    const probe = `vpcenitest-probe-${randomBytes(3).toString('hex')}`;
    try {
      await sh('ip', ['netns', 'add', probe]);
      await sh('ip', ['netns', 'del', probe]);
    } catch (err) {
      missing.push(`network namespaces (${(err as Error).message.trim()})`);
    }
  }
  if (missing.length === 0) return null;
  const why = `netns data plane unavailable: needs ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the data-plane tests must run)`);
  return why;
}

export function sh(file: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

/** Runs a command inside a namespace. */
export const inside = (ns: string, ...cmd: string[]) => sh('nsenter', [`--net=${NETNS_DIR}/${ns}`, ...cmd]);

/** Whether `from` gets an echo reply from `to` (two tries, one second each: bounded). */
export async function pings(from: string, to: string, source?: string): Promise<boolean> {
  const args = ['ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', ...(source ? ['-I', source] : []), to];
  return inside(from, ...args).then(
    (out) => !/ 0 received/.test(out),
    () => false,
  );
}

/** A one-line TCP service inside `ns` that answers `reply` on `port`; stop() ends it. */
export async function listen(ns: string, port: number, reply: string): Promise<{ stop(): void }> {
  const script = `require('net').createServer(s=>s.end(${JSON.stringify(reply)})).listen(${port},()=>console.log('up'))`;
  const child = execFile('nsenter', [`--net=${NETNS_DIR}/${ns}`, process.execPath, '-e', script], { timeout: 120_000 });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener in ${ns} exited (${code})`)));
  });
  return { stop: () => child.kill('SIGKILL') };
}

/** What a TCP connection from `ns` to ip:port reads, or null when it cannot connect within 2 s. */
export async function tcpRead(ns: string, ip: string, port: number): Promise<string | null> {
  const script = `const s=require('net').connect(${port},${JSON.stringify(ip)});let d='';s.on('data',x=>d+=x);s.on('end',()=>{process.stdout.write(d);process.exit(0)});s.on('error',()=>process.exit(3));setTimeout(()=>process.exit(4),2000)`;
  return inside(ns, process.execPath, '-e', script).then(
    (out) => out,
    () => null,
  );
}

/** `vpc-eni <args>` in a process of its own (asynchronously: the in-process server keeps serving). */
export function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const bin = new URL('../../bin/vpc-eni.js', import.meta.url).pathname;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface NetnsServer {
  app: App;
  driver: NetnsDataPlane;
  prefix: string;
  port: number;
  /** Its DATABASE_URL, for the CLI. */
  url: string;
  c: Client3;
  close(): Promise<void>;
}

export function testPrefix(): string {
  return `vpcenit${randomBytes(3).toString('hex')}-`;
}

export async function startNetnsServer(
  backend: Backend,
  prefix: string,
  o: { databaseUrl?: string; graceMs?: number } = {},
): Promise<NetnsServer> {
  const config = loadConfig({
    DATABASE_URL: o.databaseUrl ?? (await backend.freshUrl()),
    TASK_LATENCY_MS: '0',
    TASK_POLL_MS: '50',
    TASK_LEASE_MS: '3000',
    DATA_PLANE: 'netns',
    VPC_ENI_ACCOUNTS: [ACCOUNT_A, ACCOUNT_B].map((a) => `${a.appId}:${a.secretId}:${a.secretKey}`).join(','),
  });
  let driver: NetnsDataPlane | undefined;
  const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
  const app = await buildApp(config, {
    log,
    driver: (db) => (driver = new NetnsDataPlane({ db, log, prefix, sweepMs: 300, graceMs: o.graceMs })),
  });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const port = (app.server.address() as AddressInfo).port;
  return { app, driver: driver!, prefix, port, url: config.databaseUrl, c: sdk3Client(port), close: () => app.close() };
}

/** Every namespace of this test's deployment: its prefixed VPC namespaces and the instance
 *  namespaces whose marker names it. */
export async function namespacesOf(prefix: string): Promise<string[]> {
  const deployment = prefix.replace(/-$/, '');
  const out: string[] = [];
  for (const ns of listNamespaces().names) {
    if (ns.startsWith(prefix)) out.push(ns);
    else if (
      ns.startsWith('ins-') &&
      (await namespaceMarker(ns).catch(() => '')).startsWith(`vpc-eni:${deployment}:`)
    ) {
      out.push(ns);
    }
  }
  return out.sort();
}

/** Removes whatever the test's deployment left, even after a failure. */
export async function sweepHost(prefix: string): Promise<void> {
  for (const ns of await namespacesOf(prefix)) {
    const pids = (await sh('ip', ['netns', 'pids', ns]).catch(() => '')).split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
}

/** A fingerprint of the host's own namespace, to prove the tests leave it untouched. */
export async function rootFingerprint(): Promise<string> {
  const parts = await Promise.all([
    sh('ip', ['-o', 'link', 'show']),
    sh('ip', ['-o', 'addr', 'show']),
    sh('ip', ['route', 'show', 'table', 'all']),
    sh('ip', ['rule', 'show']),
    sh('nft', ['list', 'ruleset']).catch(() => ''),
  ]);
  // Counters and timers change on their own; the objects do not.
  return parts.join('\n').replace(/ (valid_lft|preferred_lft) \S+/g, '');
}

/**
 * The host compared with the API's answers, by reading the host with `ip` and `nft` directly (none
 * of the driver's code): the deployment's namespaces are exactly its VPCs and instances; every ENI's
 * device is where its attachment says, with its MAC, its addresses while attached (none parked),
 * up exactly while its instance runs, alone of its name in the deployment; each VPC holds one port
 * per ENI; each ENI's anti-spoofing set holds its addresses. Returns the differences.
 */
export async function hostVersusApi(c: Client3, prefix: string): Promise<string[]> {
  const diff: string[] = [];
  const vpcs = ((await c.ok('vpc', 'DescribeVpcs', { Limit: 100 })).VpcSet as Array<{ VpcId: string }>).map(
    (v) => v.VpcId,
  );
  const instances = (await c.ok('cvm', 'DescribeInstances', { Limit: 100 })).InstanceSet as Array<{
    InstanceId: string;
    InstanceState: string;
  }>;
  const enis: Array<Record<string, any>> = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await c.ok('vpc', 'DescribeNetworkInterfaces', { Limit: 100, Offset: offset })).NetworkInterfaceSet;
    enis.push(...page);
    if (page.length < 100) break;
  }
  const expected = [...vpcs.map((v) => prefix + v), ...instances.map((i) => i.InstanceId)].sort();
  const present = await namespacesOf(prefix);
  if (present.join() !== expected.join())
    diff.push(`namespaces: host ${present.join(' ')} / api ${expected.join(' ')}`);

  const devices = new Map<string, Array<{ ns: string; link: Record<string, any> }>>();
  for (const ns of present) {
    for (const link of JSON.parse(await sh('ip', ['-n', ns, '-j', '-d', 'addr', 'show'])) as Array<
      Record<string, any>
    >) {
      if (!/^(eni|pt)-/.test(link.ifname)) continue;
      const list = devices.get(link.ifname) ?? [];
      list.push({ ns, link });
      devices.set(link.ifname, list);
    }
  }
  const running = new Map(instances.map((i) => [i.InstanceId, i.InstanceState === 'RUNNING']));
  for (const e of enis) {
    const id = e.NetworkInterfaceId as string;
    const at: string | undefined = e.Attachment?.InstanceId;
    const ns = at ?? prefix + e.VpcId;
    const ips = (e.PrivateIpAddressSet as Array<{ PrivateIpAddress: string }>).map((p) => p.PrivateIpAddress).sort();
    const found = devices.get(id) ?? [];
    if (found.length !== 1 || found[0]!.ns !== ns) {
      diff.push(`${id}: api in ${ns}, host in ${found.map((f) => f.ns).join(',') || 'none'}`);
      continue;
    }
    const link = found[0]!.link;
    const hostIps = (link.addr_info as Array<{ family: string; local: string }>)
      .filter((a) => a.family === 'inet')
      .map((a) => a.local)
      .sort();
    const up = (link.flags as string[]).includes('UP');
    if (link.address !== String(e.MacAddress).toLowerCase()) diff.push(`${id}: MAC ${link.address} / ${e.MacAddress}`);
    if (hostIps.join() !== (at ? ips : []).join())
      diff.push(`${id}: addresses ${hostIps.join()} / ${at ? ips.join() : 'none'}`);
    if (up !== (at ? running.get(at) === true : false)) diff.push(`${id}: ${up ? 'up' : 'down'} on the host`);
    const port = devices.get(`pt-${id.slice(4)}`) ?? [];
    if (
      port.length !== 1 ||
      port[0]!.ns !== prefix + e.VpcId ||
      port[0]!.link.master !== `br-${String(e.SubnetId).slice(7)}`
    ) {
      diff.push(`${id}: port ${JSON.stringify(port.map((p) => [p.ns, p.link.master]))}`);
    }
    const set = JSON.parse(
      await sh('ip', [
        'netns',
        'exec',
        prefix + e.VpcId,
        'nft',
        '-j',
        'list',
        'set',
        'bridge',
        'vpceni',
        `ips-${id.slice(4)}`,
      ]).catch(() => '{"nftables":[]}'),
    ).nftables.find((o: Record<string, any>) => o.set)?.set;
    const setIps = ((set?.elem ?? []) as string[]).map(String).sort();
    if (setIps.join() !== ips.join()) diff.push(`${id}: anti-spoofing set ${setIps.join()} / ${ips.join()}`);
  }
  // The inet table routes each address to exactly its ENI's chains; the base chains dispatch.
  for (const vpcId of vpcs) {
    const pre = await sh('ip', [
      'netns',
      'exec',
      prefix + vpcId,
      'nft',
      'list',
      'chain',
      'bridge',
      'vpceni',
      'pre',
    ]).catch(() => '');
    if (!pre.includes('iifname vmap @ports')) diff.push(`${vpcId}: no anti-spoofing dispatch`);
    const out = await sh('ip', [
      'netns',
      'exec',
      prefix + vpcId,
      'nft',
      '-j',
      'list',
      'map',
      'inet',
      'vpceni',
      'to-eni',
    ]).catch(() => '{"nftables":[]}');
    const map = (JSON.parse(out).nftables as Array<Record<string, any>>).find((o) => o.map)?.map;
    const routed = ((map?.elem ?? []) as Array<[string, { jump: { target: string } }]>)
      .map(([a, v]) => `${a}>${v.jump.target}`)
      .sort();
    const wanted = enis
      .filter((e) => e.VpcId === vpcId)
      .flatMap((e) =>
        (e.PrivateIpAddressSet as Array<{ PrivateIpAddress: string }>).map(
          (p) => `${p.PrivateIpAddress}>in-${String(e.NetworkInterfaceId).slice(4)}`,
        ),
      )
      .sort();
    if (routed.join() !== wanted.join()) diff.push(`${vpcId}: routed ${routed.join(' ')} / ${wanted.join(' ')}`);
  }
  const known = new Set(
    enis.flatMap((e) => [e.NetworkInterfaceId as string, `pt-${String(e.NetworkInterfaceId).slice(4)}`]),
  );
  for (const name of devices.keys()) if (!known.has(name)) diff.push(`${name}: on the host, unknown to the API`);
  return diff;
}

/** Waits for the task of an async call and asserts it succeeded. */
async function settled(c: Client3, r: { RequestId: string }): Promise<void> {
  const t = await c.waitTask(r.RequestId);
  if (t.Status !== 'SUCCESS') throw new Error(`task ${r.RequestId}: ${JSON.stringify(t)}`);
}

/** Terminates every instance and deletes every ENI, subnet and VPC of the account. */
export async function deleteEverything(c: Client3): Promise<void> {
  const instances = (await c.ok('cvm', 'DescribeInstances', { Limit: 100 })).InstanceSet as Array<{
    InstanceId: string;
  }>;
  if (instances.length)
    await settled(c, await c.ok('cvm', 'TerminateInstances', { InstanceIds: instances.map((i) => i.InstanceId) }));
  const enis = (await c.ok('vpc', 'DescribeNetworkInterfaces', { Limit: 100 })).NetworkInterfaceSet as Array<{
    NetworkInterfaceId: string;
    Attachment?: { InstanceId: string } | null;
  }>;
  for (const e of enis) {
    if (e.Attachment?.InstanceId) {
      await settled(
        c,
        await c.ok('vpc', 'DetachNetworkInterface', {
          NetworkInterfaceId: e.NetworkInterfaceId,
          InstanceId: e.Attachment.InstanceId,
        }),
      );
    }
    await settled(c, await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: e.NetworkInterfaceId }));
  }
  for (const s of (await c.ok('vpc', 'DescribeSubnets', { Limit: 100 })).SubnetSet as Array<{ SubnetId: string }>) {
    await c.ok('vpc', 'DeleteSubnet', { SubnetId: s.SubnetId });
  }
  for (const v of (await c.ok('vpc', 'DescribeVpcs', { Limit: 100 })).VpcSet as Array<{ VpcId: string }>) {
    await c.ok('vpc', 'DeleteVpc', { VpcId: v.VpcId });
  }
}

/** Waits (up to 5 s: the sweep removes deleted VPCs within seconds) until the deployment has no
 *  namespace left, and says which remain if some do. */
export async function hostEmptied(prefix: string): Promise<string[]> {
  const deadline = Date.now() + 5000;
  while ((await namespacesOf(prefix)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return namespacesOf(prefix);
}
