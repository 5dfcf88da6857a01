import { execFile } from 'node:child_process';
import fs from 'node:fs';

// The host's network, through the iproute2 and nftables command-line tools (there is no usable
// netlink binding for Node that can act inside another namespace). Every call is bounded in time;
// a failure becomes a HostError carrying the command and what the tool printed.

export const NETNS_DIR = '/run/netns';
const TIMEOUT_MS = 15_000;

export class HostError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr.trim().split('\n').slice(0, 3).join('; ') || 'failed'}`);
  }
}

export function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new HostError([file, ...args].join(' '), stderr || err.message));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** `ip` inside namespace `ns` (null: the commands that name no namespace, like `netns add`). */
export const ip = (ns: string | null, ...args: string[]) => run('ip', ns ? ['-n', ns, ...args] : args);

/** Several `ip` commands in one process, stopping at the first failure. */
export async function ipBatch(ns: string, lines: readonly string[]): Promise<void> {
  if (lines.length > 0) await run('ip', ['-n', ns, '-batch', '-'], lines.join('\n') + '\n');
}

export async function ipJson<T>(ns: string, ...args: string[]): Promise<T[]> {
  const out = await ip(ns, '-j', ...args);
  return out.trim() ? (JSON.parse(out) as T[]) : [];
}

/** One nftables transaction inside `ns`: all of it applies, or none. (`nsenter --net` is cheaper
 *  than `ip netns exec`, which also sets up a mount namespace.) */
export async function nft(ns: string, script: string): Promise<void> {
  await run('nsenter', [`--net=${NETNS_DIR}/${ns}`, 'nft', '-f', '-'], script);
}

/** An object of `nft -j` output (the kinds we read). */
export interface NftObject {
  set?: { name: string; family?: string; elem?: unknown[] };
  map?: { name: string; family?: string; elem?: Array<[unknown, unknown]> };
  rule?: { family: string; chain: string; expr?: unknown[] };
}

export async function nftJson(ns: string, ...args: string[]): Promise<NftObject[]> {
  const out = await run('nsenter', [`--net=${NETNS_DIR}/${ns}`, 'nft', '-j', ...args]);
  return (JSON.parse(out) as { nftables: NftObject[] }).nftables;
}

export const inNs = (ns: string, file: string, ...args: string[]) =>
  run('nsenter', [`--net=${NETNS_DIR}/${ns}`, file, ...args]);

/** A link as `ip -j addr show` describes it (the fields we read). */
export interface LinkInfo {
  ifname: string;
  address?: string;
  ifalias?: string;
  operstate?: string;
  flags?: string[];
  master?: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

export const isUp = (l: LinkInfo) => (l.flags ?? []).includes('UP');
export const ipv4Of = (l: LinkInfo) =>
  (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);

/** The link `dev` in `ns`, or null when the namespace has no such link (or no such namespace). */
export async function findLink(ns: string, dev: string): Promise<LinkInfo | null> {
  try {
    return (await ipJson<LinkInfo>(ns, '-d', 'addr', 'show', 'dev', dev))[0] ?? null;
  } catch (err) {
    if (err instanceof HostError && /does not exist|Cannot find device|No such file/.test(err.stderr)) return null;
    throw err;
  }
}

// `-d`: without it `addr show` leaves out the alias, where our markers are.
export const links = (ns: string) => ipJson<LinkInfo>(ns, '-d', 'addr', 'show');

/** The names under /run/netns that are real namespaces, and the ones that are broken (an empty
 *  file an interrupted `ip netns add` left: not a mount, and it blocks a new `ip netns add`). */
export function listNamespaces(): { names: string[]; broken: string[] } {
  let entries: string[];
  try {
    entries = fs.readdirSync(NETNS_DIR);
  } catch {
    return { names: [], broken: [] };
  }
  const mounts = new Set(
    fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((p): p is string => p !== undefined && p.startsWith(NETNS_DIR + '/'))
      .map((p) => p.slice(NETNS_DIR.length + 1)),
  );
  return { names: entries.filter((e) => mounts.has(e)), broken: entries.filter((e) => !mounts.has(e)) };
}

/** When a namespace was made (its file's time), for the grace period of unmarked ones. */
export function namespaceBirth(name: string): number {
  try {
    return fs.statSync(`${NETNS_DIR}/${name}`).mtimeMs;
  } catch {
    return Date.now();
  }
}

export function removeBroken(name: string): void {
  fs.rmSync(`${NETNS_DIR}/${name}`, { force: true });
}

/** The ownership marker of a namespace: the alias of its loopback link ('' when unmarked). */
export async function namespaceMarker(ns: string): Promise<string> {
  return (await findLink(ns, 'lo'))?.ifalias ?? '';
}

/** Creates the namespace `ns` marked `marker`, or marks it when it exists; `prepare` runs before
 *  the marking, so that a marked namespace is a prepared one. */
export async function ensureNamespace(ns: string, marker: string, prepare?: () => Promise<void>): Promise<void> {
  const { names, broken } = listOne(ns);
  if (broken) removeBroken(ns);
  if (!names) await ip(null, 'netns', 'add', ns);
  const lo = await findLink(ns, 'lo');
  if (lo?.ifalias !== marker || !isUp(lo)) {
    await prepare?.();
    await ipBatch(ns, [`link set lo alias ${marker}`, 'link set lo up']);
  }
}

function listOne(ns: string): { names: boolean; broken: boolean } {
  const { names, broken } = listNamespaces();
  return { names: names.includes(ns), broken: broken.includes(ns) };
}

/** Deletes a namespace: its processes first, which would otherwise keep it (and its links) alive. */
export async function deleteNamespace(ns: string): Promise<boolean> {
  const { names, broken } = listOne(ns);
  if (broken) removeBroken(ns);
  if (!names) return false;
  const pids = (await ip(null, 'netns', 'pids', ns)).split(/\s+/).filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await ip(null, 'netns', 'del', ns);
  return true;
}

/** What the server needs to run the netns data plane, as a list of what is missing. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (process.platform !== 'linux') return ['Linux (network namespaces)'];
  if (process.getuid?.() !== 0)
    missing.push('root privileges (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)');
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['nft', 'nftables'],
    ['nsenter', 'util-linux'],
    ['arping', 'iputils-arping'],
  ] as const) {
    try {
      await run(tool, tool === 'ip' || tool === 'nft' ? ['-V'] : ['-V']);
    } catch (err) {
      if (!(err instanceof HostError) || /ENOENT/.test(err.stderr)) missing.push(`\`${tool}\` (Debian package ${pkg})`);
    }
  }
  return missing;
}
