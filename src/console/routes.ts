import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { AdminAccess } from '../control/access.ts';
import { adminRefusal } from '../control/access.ts';
import type { ControlRequest, ControlResponse } from '../control/routes.ts';
import type { Catalogue } from '../domain/regions.ts';
import type { Logger } from '../log.ts';
import type { CallRecord, RecentCalls } from '../observe/recent-calls.ts';
import type { Db } from '../store/db.ts';
import { taskDef } from '../tasks/registry.ts';
import { consoleAllowed, isAdminToken, sessionCookie } from './access.ts';
import { LiveFeed, type LiveEvent } from './live.ts';
import {
  accountSummaries,
  ENI_PHASES,
  listVpcs,
  taskLists,
  tasksByKeys,
  vpcOfResource,
  vpcView,
  type PhaseFilter,
  type Scope,
  type TaskRow,
} from './queries.ts';

// The web console (docs/console.md): `/` (a page of links), `/console` (the page), its static
// assets, the docs, and the read-only JSON and event-stream endpoints under /console/api/ that the
// page draws from. Everything under /console but its static assets obeys the admin access rule;
// `/` shows only links.

export interface ConsoleDeps {
  db: Db;
  config: Pick<Config, 'adminToken'>;
  catalogue: Catalogue;
  recentCalls: RecentCalls;
  now: () => number;
  log: Logger;
  /** Test control, which serves the audit events (`GET /_vpceni/events`) the console shows. */
  control?: (req: ControlRequest) => Promise<ControlResponse>;
  /** How often the live stream looks at the task table (default 500 ms). */
  livePollMs?: number;
}

export type ConsoleHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  access: AdminAccess,
) => Promise<void>;

export const CONSOLE_PATH = '/console';
const ASSETS = path.join(import.meta.dirname, 'assets');
const DOCS = path.resolve(import.meta.dirname, '../../docs');
/** Calls the console shows at most. */
const CALLS_SHOWN = 200;
/** A comment line on the event stream this often, so proxies keep the connection open. */
const HEARTBEAT_MS = 15_000;

/**
 * Whether a request is the console's. `/` is, only as a bare GET or HEAD: an API 3.0 call to `/`
 * always carries a query, an Authorization header or an X-TC-Action header, and keeps its answer.
 */
export function isConsoleRequest(req: http.IncomingMessage, url: URL): boolean {
  if (url.pathname === CONSOLE_PATH || url.pathname.startsWith(CONSOLE_PATH + '/')) return true;
  return (
    url.pathname === '/' &&
    (req.method === 'GET' || req.method === 'HEAD') &&
    url.search === '' &&
    req.headers.authorization === undefined &&
    req.headers['x-tc-action'] === undefined
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** The files of a folder whose names match `pattern`, read once (the console's own files are small). */
function loadFolder(dir: string, pattern: RegExp): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!pattern.test(name) || !type) continue;
    const body = fs.readFileSync(path.join(dir, name));
    out.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  return out;
}

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // The page may have been opened with ?token=: never pass its address on.
  'referrer-policy': 'no-referrer',
};

class BadParam extends Error {}

export function buildConsole(d: ConsoleDeps): ConsoleHandler {
  const assets = loadFolder(ASSETS, /^[a-z0-9-]+\.(html|css|js|svg|png)$/);
  const docs = loadFolder(DOCS, /^[a-z0-9-]+\.(md|png)$/);
  const live = new LiveFeed({ db: d.db, recentCalls: d.recentCalls, pollMs: d.livePollMs ?? 500, log: d.log });
  const token = d.config.adminToken;

  return async (req, res, access) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const p = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(res, 405, { error: 'the console is read-only: use GET' }, { allow: 'GET, HEAD' });
    }
    if (p === '/') return file(req, res, assets.get('home.html'));
    // The page's own styles and scripts: the same for everyone, holding no data, and the home page
    // needs its style sheet on any bind.
    if (p.startsWith('/console/assets/')) return file(req, res, assets.get(p.slice('/console/assets/'.length)));

    const given = url.searchParams.get('token');
    if ((p === CONSOLE_PATH || p === CONSOLE_PATH + '/') && given !== null) {
      // The token in the address once, traded for a session cookie; the address is cleaned at once.
      if (!isAdminToken(given, token)) return refuse(res, p, 'that is not the admin token (VPC_ENI_ADMIN_TOKEN)');
      res.writeHead(303, { location: CONSOLE_PATH, 'set-cookie': sessionCookie(given, d.now()), ...PAGE_HEADERS });
      return void res.end();
    }
    if (!consoleAllowed(req, access, token, d.now())) {
      return refuse(
        res,
        p,
        adminRefusal(token, 'the console') + (token ? ', or open /console?token=<token> once' : ''),
      );
    }

    if (p === CONSOLE_PATH || p === CONSOLE_PATH + '/') return file(req, res, assets.get('index.html'));
    if (p === '/console/docs' || p === '/console/docs/') return docsIndex(res, [...docs.keys()]);
    if (p.startsWith('/console/docs/')) return file(req, res, docs.get(p.slice('/console/docs/'.length)));
    if (p === '/console/api/stream') return stream(req, res, url);
    if (p.startsWith('/console/api/')) {
      try {
        const answer = await api(p.slice('/console/api/'.length), url.searchParams);
        if (answer === undefined) return json(res, 404, { error: `no console endpoint ${p}` });
        return json(res, answer.status ?? 200, answer.body);
      } catch (err) {
        if (err instanceof BadParam) return json(res, 400, { error: err.message });
        throw err;
      }
    }
    return json(res, 404, { error: `no console page ${p}` });
  };

  async function api(name: string, q: URLSearchParams): Promise<{ status?: number; body: unknown } | undefined> {
    switch (name) {
      case 'scopes':
        return {
          body: {
            accounts: await accountSummaries(d.db),
            regions: d.catalogue.regions().map((r) => ({ name: r.name, shortName: r.shortName })),
          },
        };
      case 'vpcs': {
        const scope = scopeOf(q);
        return { body: await listVpcs(d.db, scope, text(q, 'q')) };
      }
      case 'vpc': {
        const scope = scopeOf(q);
        const vpcId = required(q, 'vpcId');
        const view = await vpcView(d.db, scope, vpcId, { text: text(q, 'q'), phase: phase(q) });
        if (!view) return { status: 404, body: { error: `vpcId: no VPC ${vpcId} in ${scope.appId}/${scope.region}` } };
        const zones = (id: number) => d.catalogue.zoneById(id)?.name ?? String(id);
        return {
          body: {
            ...view,
            subnets: view.subnets.map((s) => ({ ...s, zone: zones(s.zoneId) })),
            instances: view.instances.map((i) => ({ ...i, zone: zones(i.zoneId) })),
          },
        };
      }
      case 'locate': {
        const scope = scopeOf(q);
        const id = required(q, 'id');
        return { body: { id, vpcId: await vpcOfResource(d.db, scope, id) } };
      }
      case 'tasks': {
        const lists = await taskLists(d.db, scopeOf(q));
        return {
          body: {
            running: lists.running.map(taskOut),
            failed: lists.failed.map(taskOut),
            recent: lists.recent.map(taskOut),
          },
        };
      }
      case 'calls':
        return { body: { calls: await calls(optionalScope(q)) } };
      case 'events':
        return events(q);
      default:
        return undefined;
    }
  }

  /** The recent calls of a scope (every call without one), newest first, each with its task. */
  async function calls(scope: Scope | null) {
    const all = d.recentCalls.list().reverse();
    const chosen = (scope ? all.filter((c) => inScope(c, scope)) : all).slice(0, CALLS_SHOWN);
    const tasks = new Map<string, TaskRow>();
    const byAccount = new Map<number, Array<number | string>>();
    // A task records the RequestId of the call that made it (on 3.0 that is all the answer says).
    for (const c of chosen) {
      if (c.appId === undefined) continue;
      const keys = [c.taskId, c.requestId].filter((k) => k !== undefined);
      if (keys.length) byAccount.set(c.appId, [...(byAccount.get(c.appId) ?? []), ...keys]);
    }
    for (const [appId, keys] of byAccount) {
      for (const t of await tasksByKeys(d.db, appId, keys)) {
        tasks.set(`${appId}:${t.id}`, t);
        if (t.requestId) tasks.set(`${appId}:${t.requestId}`, t);
      }
    }
    return chosen.map((c) => {
      const task =
        (c.taskId === undefined ? undefined : tasks.get(`${c.appId}:${c.taskId}`)) ??
        (c.requestId === undefined ? undefined : tasks.get(`${c.appId}:${c.requestId}`));
      return {
        at: c.at,
        durationMs: c.durationMs,
        apiVersion: c.apiVersion,
        product: c.product ?? null,
        action: c.action ?? null,
        code: c.code ?? null,
        requestId: c.requestId ?? null,
        appId: c.appId ?? null,
        region: c.region ? (d.catalogue.region(c.region)?.name ?? c.region) : null,
        sourceIp: c.sourceIp,
        client: c.client ?? null,
        faultRule: c.faultRule ?? null,
        taskId: c.taskId ?? null,
        task: task ? taskOut(task) : null,
      };
    });
  }

  function inScope(c: CallRecord, scope: Scope): boolean {
    return c.appId === scope.appId && c.region !== undefined && d.catalogue.region(c.region)?.name === scope.region;
  }

  /** The audit events test control serves, asked on the console user's behalf (they passed the rule). */
  async function events(q: URLSearchParams): Promise<{ status: number; body: unknown }> {
    if (!d.control) return { status: 404, body: { error: 'this server keeps no audit events' } };
    const answer = await d.control({
      method: 'GET',
      path: '/_vpceni/events',
      query: q,
      body: Buffer.alloc(0),
      // This request already passed the same rule (a session cookie included, which test control
      // does not know), so it is handed on as one test control lets through.
      loopbackListener: true,
      authorization: undefined,
    });
    return { status: answer.status, body: answer.raw !== undefined ? JSON.parse(answer.raw) : answer.body };
  }

  function stream(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const scope = optionalScope(url.searchParams);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      ...PAGE_HEADERS,
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 2000\n\n');
    send('hello', { at: d.now() });
    const unsubscribe = live.subscribe((e: LiveEvent) => {
      if (e.kind === 'tasks') return void send('tasks', {});
      if (scope && !inScope(e.call, scope)) return;
      send('call', { action: e.call.action ?? null, code: e.call.code ?? null, requestId: e.call.requestId ?? null });
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    res.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  function scopeOf(q: URLSearchParams): Scope {
    const raw = required(q, 'appId');
    if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1)
      throw new BadParam(`appId must be a positive integer (got ${JSON.stringify(raw)})`);
    const regionName = required(q, 'region');
    const region = d.catalogue.region(regionName);
    if (!region) throw new BadParam(`region names no region of this server: ${JSON.stringify(regionName)}`);
    return { appId: Number(raw), region: region.name };
  }

  function optionalScope(q: URLSearchParams): Scope | null {
    return q.has('appId') || q.has('region') ? scopeOf(q) : null;
  }
}

function taskOut(t: TaskRow) {
  return {
    id: t.id,
    requestId: t.requestId,
    type: t.type,
    state: t.state,
    failure: t.failure,
    createdAt: t.createdAt,
    finishedAt: t.finishedAt,
    attempts: t.attempts,
    resources: taskResources(t),
  };
}

/** The resources a task is about: its definition's main one first, then every id its payload names. */
function taskResources(t: TaskRow): string[] {
  const ids = new Set<string>();
  let payload: unknown;
  try {
    payload = JSON.parse(t.payload);
  } catch {
    return [];
  }
  const main = taskDef(t.type)?.resourceId(payload);
  if (main) ids.add(main);
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && /^(vpc|subnet|ins|eni|sg)-[0-9a-z]{8}$/.test(v)) ids.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(payload);
  return [...ids];
}

function required(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (v === null || v.trim() === '') throw new BadParam(`${name} is required`);
  return v.trim();
}

function text(q: URLSearchParams, name: string): string {
  const v = (q.get(name) ?? '').trim();
  if (v.length > 200) throw new BadParam(`${name} must be at most 200 characters`);
  return v;
}

function phase(q: URLSearchParams): PhaseFilter | null {
  const v = q.get('state');
  if (v === null || v === '') return null;
  if (v === 'in-flight' || (ENI_PHASES as readonly string[]).includes(v)) return v as PhaseFilter;
  throw new BadParam(`state must be one of in-flight, ${ENI_PHASES.join(', ')} (got ${JSON.stringify(v)})`);
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function file(req: http.IncomingMessage, res: http.ServerResponse, f: StaticFile | undefined): void {
  if (!f) return json(res, 404, { error: `no such file ${new URL(req.url ?? '/', 'http://x').pathname}` });
  const headers = { 'content-type': f.type, etag: f.etag, 'cache-control': 'no-cache', ...PAGE_HEADERS };
  if (req.headers['if-none-match'] === f.etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'content-length': f.body.length });
  res.end(req.method === 'HEAD' ? undefined : f.body);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** 403: a page for a browser, JSON for the endpoints. */
function refuse(res: http.ServerResponse, p: string, reason: string): void {
  if (p.startsWith('/console/api/')) return json(res, 403, { error: reason });
  const page =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vpc-eni console: not allowed</title></head>' +
    `<body><h1>The console is not open to this request</h1><p>${escapeHtml(reason)}.</p></body></html>`;
  res.writeHead(403, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
    'cache-control': 'no-store',
    ...PAGE_HEADERS,
  });
  res.end(page);
}

function docsIndex(res: http.ServerResponse, names: string[]): void {
  const items = names
    .filter((n) => n.endsWith('.md'))
    .sort()
    .map((n) => `<li><a href="/console/docs/${n}">${escapeHtml(n)}</a></li>`)
    .join('');
  const page =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vpc-eni docs</title>' +
    '<link rel="stylesheet" href="/console/assets/console.css"></head>' +
    `<body class="plain"><h1>vpc-eni documentation</h1><ul>${items}</ul><p><a href="/console">back to the console</a></p></body></html>`;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page),
    'cache-control': 'no-cache',
    ...PAGE_HEADERS,
  });
  res.end(page);
}
