import { adminAllowed, adminRefusal, type AdminAccess } from './access.ts';
import type { Db } from '../store/db.ts';
import { deleteFaultRules } from '../store/fault.repo.ts';
import { leasedTasks, resetState, type ResetScope } from '../store/state.repo.ts';
import { heldTasks, releaseHeldTasks } from '../store/task.repo.ts';
import { ControlError } from './control-error.ts';
import { listEvents } from './events.ts';
import type { Faults, FaultRule } from './faults.ts';
import type { Snapshots } from './snapshots.ts';

// The test-control endpoints under /_vpceni/ (docs/test-control.md): plain JSON over HTTP, for test
// suites and the CLI. They change or destroy state, so API keys do not open them: a loopback
// listener does, or elsewhere the admin token.

export interface ControlRequest extends AdminAccess {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

export interface ControlResponse {
  status: number;
  body: unknown;
  /** Sent as a file (a snapshot export) rather than as JSON built from `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface ControlDeps {
  db: Db;
  faults: Faults;
  snapshots: Snapshots;
  now: () => number;
  adminToken: string | null;
  taskLatencyMs: number;
  region(name: string): string | undefined;
  reseed(seed: string | null): void;
  /** Held tasks were released: the worker should look now. */
  wakeWorker(): void;
}

export const CONTROL_PREFIX = '/_vpceni/';

export function controlRoutes(d: ControlDeps): (req: ControlRequest) => Promise<ControlResponse> {
  return async (req) => {
    try {
      if (!adminAllowed(req, d.adminToken)) throw new ControlError(403, adminRefusal(d.adminToken, 'test control'));
      return await route(d, req);
    } catch (err) {
      if (err instanceof ControlError) return { status: err.status, body: { error: err.message } };
      throw err;
    }
  };
}

async function route(d: ControlDeps, req: ControlRequest): Promise<ControlResponse> {
  const path = req.path.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
  const [section, name, verb, ...rest] = path.split('/').map(decodeURIComponent);
  const m = req.method;
  const ok = (body: unknown, status = 200): ControlResponse => ({ status, body });
  const notAllowed = (): never => {
    throw new ControlError(405, `${m} is not allowed on ${req.path}`);
  };
  if (rest.length) throw new ControlError(404, `no control endpoint ${req.path}`);

  switch (section) {
    case 'faults': {
      if (name === 'log' && verb === undefined) {
        if (m !== 'GET') return notAllowed();
        return ok({ entries: await d.faults.log({ account: account(req), limit: limit(req) }) });
      }
      if (name !== undefined) break;
      if (m === 'GET') return ok({ rules: await d.faults.list() });
      if (m === 'PUT') return ok({ rules: await d.faults.put(json(req), 'replace') });
      if (m === 'POST') {
        const body = json(req);
        return ok({ rules: await d.faults.put(Array.isArray(body) ? body : [body], 'append') }, 201);
      }
      if (m === 'DELETE') {
        const ids = req.query.getAll('id');
        return ok({ removed: await d.faults.remove(ids.length ? ids : null, account(req)) });
      }
      return notAllowed();
    }
    case 'tasks': {
      if (name === 'held' && verb === undefined) {
        if (m !== 'GET') return notAllowed();
        const tasks = await heldTasks(d.db, account(req) ?? null);
        return ok({
          tasks: tasks.map((t) => ({ taskId: t.id, requestId: t.requestId, type: t.type, account: t.appId })),
        });
      }
      if (name === 'release' && verb === undefined) {
        if (m !== 'POST') return notAllowed();
        const raw = req.query.get('taskId');
        const taskId = raw === null ? undefined : positive(raw, 'taskId');
        const released = await d.db.tx((tx) => releaseHeldTasks(tx, { taskId, appId: account(req) }, d.now()));
        if (taskId !== undefined && released.length === 0) {
          throw new ControlError(404, `task ${taskId} is not held (unknown, finished, or already released)`);
        }
        d.wakeWorker();
        return ok({ released });
      }
      if (name === 'latency' && verb === undefined) {
        if (m === 'GET') return ok(await latencies(d));
        if (m === 'PUT') return ok(await setLatencies(d, json(req)));
        return notAllowed();
      }
      break;
    }
    case 'reset': {
      if (name !== undefined) break;
      if (m !== 'POST') return notAllowed();
      return ok({ removed: await reset(d, req) });
    }
    case 'snapshots': {
      if (name === undefined) {
        if (m === 'GET') return ok({ snapshots: await d.snapshots.list() });
        if (m === 'POST') {
          const body = json(req) as { name?: unknown };
          if (typeof body?.name !== 'string') throw new ControlError(400, 'give the snapshot a name: {"name": "..."}');
          return ok(await d.snapshots.save(body.name), 201);
        }
        return notAllowed();
      }
      if (verb === 'restore') {
        if (m !== 'POST') return notAllowed();
        const force = flag(req, 'force');
        return ok({ restored: name, counts: await d.snapshots.restore(name, { force }) });
      }
      if (verb !== undefined) break;
      if (m === 'GET') {
        const raw = await d.snapshots.export(name);
        return {
          status: 200,
          body: null,
          raw,
          headers: { 'content-disposition': `attachment; filename="${name}.vpc-eni.json"` },
        };
      }
      if (m === 'PUT') return ok(await d.snapshots.import(name, req.body.toString('utf8')), 201);
      if (m === 'DELETE') {
        await d.snapshots.delete(name);
        return ok({ deleted: name });
      }
      return notAllowed();
    }
    case 'checkpoints': {
      if (name !== undefined) break;
      if (m === 'POST') return ok({ depth: await d.snapshots.push() }, 201);
      if (m === 'DELETE') return ok({ depth: await d.snapshots.pop() });
      return notAllowed();
    }
    case 'events': {
      if (name !== undefined) break;
      if (m !== 'GET') return notAllowed();
      return ok(await listEvents(d.db, req.query));
    }
    case 'seed': {
      if (name !== undefined) break;
      if (m !== 'POST') return notAllowed();
      const body = json(req) as { value?: unknown };
      if (body === null || typeof body !== 'object' || !(typeof body.value === 'string' || body.value === null)) {
        throw new ControlError(400, 'give the seed as {"value": "<text>"} (or null for randomness again)');
      }
      d.reseed(body.value);
      return ok({ seed: body.value });
    }
  }
  throw new ControlError(404, `no control endpoint ${req.path}`);
}

/** Per task type latency: task-phase latency rules named `latency:<type>`. */
async function latencies(d: ControlDeps) {
  const byType: Record<string, number> = {};
  for (const r of await d.faults.list()) {
    if (r.id.startsWith('latency:') && r.latency) byType[r.id.slice('latency:'.length)] = r.latency.ms;
  }
  return { defaultMs: d.taskLatencyMs, byType };
}

async function setLatencies(d: ControlDeps, body: unknown) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ControlError(400, 'give {"<TaskType>": <milliseconds>, ...} (null removes a type\'s latency)');
  }
  const entries = Object.entries(body as Record<string, unknown>);
  const rules: unknown[] = [];
  for (const [type, ms] of entries) {
    if (ms === null) continue;
    rules.push({ id: `latency:${type}`, phase: 'task', action: type, latency: { ms } });
  }
  // Checked first, so a bad entry changes nothing.
  rules.forEach((r, n) => d.faults.parse(r, `${n}`));
  await d.faults.remove(entries.map(([type]) => `latency:${type}`));
  if (rules.length) await d.faults.put(rules, 'append');
  return latencies(d);
}

async function reset(d: ControlDeps, req: ControlRequest): Promise<Record<string, number>> {
  const scope: ResetScope = { appId: account(req), accounts: flag(req, 'accounts') };
  const force = flag(req, 'force');
  const region = req.query.get('region');
  if (region !== null) scope.region = d.region(region) ?? bad('region', `names no region: ${region}`);
  if (scope.region !== undefined && scope.accounts) bad('accounts', 'cannot go with region: accounts are not regional');
  const inScope = (r: FaultRule) =>
    (scope.appId === undefined || r.account === scope.appId) &&
    (scope.region === undefined || r.region === scope.region);
  const rules = (await d.faults.list()).filter((r) => r.source !== 'env' && inScope(r)).map((r) => r.id);
  const removed = await d.db.tx(async (tx) => {
    const busy = await leasedTasks(tx, scope, d.now());
    if (busy > 0 && !force) {
      throw new ControlError(
        409,
        `${busy} tasks in scope are being applied right now; retry, or reset with force=true`,
      );
    }
    const counts = await resetState(tx, scope);
    counts.fault_rules = rules.length ? await deleteFaultRules(tx, rules) : 0;
    return counts;
  });
  d.faults.forget();
  return removed;
}

function json(req: ControlRequest): unknown {
  const text = req.body.toString('utf8');
  if (text.trim() === '') throw new ControlError(400, 'the body must be JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlError(400, 'the body is not valid JSON');
  }
}

const bad = (param: string, what: string): never => {
  throw new ControlError(400, `${param} ${what}`);
};

function positive(raw: string, param: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1)
    return bad(param, `must be a positive integer (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

function account(req: ControlRequest): number | undefined {
  const raw = req.query.get('account');
  return raw === null ? undefined : positive(raw, 'account');
}

function limit(req: ControlRequest): number {
  const raw = req.query.get('limit');
  return raw === null ? 100 : Math.min(1000, positive(raw, 'limit'));
}

function flag(req: ControlRequest, name: string): boolean {
  const raw = req.query.get(name);
  if (raw === null || raw === 'false') return false;
  if (raw === 'true' || raw === '') return true;
  return bad(name, `must be true or false (got ${JSON.stringify(raw)})`);
}
