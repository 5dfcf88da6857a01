import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../store/db.ts';
import {
  countFaultMatch,
  claimFaultFiring,
  deleteFaultRules,
  insertFaultRules,
  listFaultLog,
  listFaultRules,
  logFaultFiring,
  type FaultLogEntry,
  type StoredRule,
} from '../store/fault.repo.ts';
import type { TaskControl } from '../domain/deps.ts';
import { resourceIdsIn } from '../domain/ids.ts';
import { ControlError } from './control-error.ts';

// Fault injection (docs/test-control.md, "Faults"): an ordered list of rules, each a match and one
// effect. The first rule that matches a request (or a task) and is not used up decides: it fires
// or, when its `skip` or `probability` says not this time, nothing fires. Rules live in the
// database so every replica applies them, and so do their counters, so `times` and `skip` count
// for the deployment. Whether a rule fires on its n-th match is a pure function of the seed, the
// rule's id and n, so a run replays exactly.

export type Phase = 'request' | 'commit' | 'task';
export type ApiVersion = 'v2' | '3.0';

export interface FaultRule {
  id: string;
  /** An Action (task type, in the task phase) name; `*` matches any run of characters. */
  action?: string;
  apiVersion?: ApiVersion;
  region?: string;
  account?: number;
  /** Any resource id named in the request's parameters (or in the task's payload). */
  resourceId?: string;
  phase: Phase;
  error?: { code: string; message?: string };
  latency?: { ms: number; jitterMs?: number };
  /** Close the connection without an answer: before any change (request), or after the commit. */
  drop?: boolean;
  http?: { status: number; body?: string };
  taskFail?: { message?: string };
  taskHold?: boolean;
  probability?: number;
  times?: number;
  skip?: number;
  /** Epoch milliseconds after which the rule no longer matches. */
  expiresAt?: number;
  /** Allow an error code the action is not documented to answer. */
  force?: boolean;
  /** `env`: a default rule from the environment (TASK_LATENCY_MS, DATA_PLANE_FAILURE_RATE). */
  source?: 'api' | 'env';
}

export interface FaultContext {
  phase: Phase;
  action: string;
  apiVersion?: ApiVersion;
  region: string;
  account: number;
  /** The request's parameters, or the task's payload: searched for resource ids only when a rule asks. */
  named: unknown;
  requestId?: string;
}

export interface Firing {
  rule: FaultRule;
  /** The latency to add, jitter applied. */
  delayMs: number;
}

/** What the rules are checked against: which actions exist, which codes each may answer. */
export interface FaultCatalog {
  actions(apiVersion: ApiVersion): readonly string[];
  /** What the task phase matches its `action` against. */
  taskTypes(): readonly string[];
  /** Whether `action` of `apiVersion` may answer `code` (protocol's own spelling). */
  allows(apiVersion: ApiVersion, action: string, code: string): boolean;
  region(name: string): string | undefined;
}

const RULES_CACHE_MS = 250;

function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(name);
}
const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function matches(r: FaultRule, c: FaultContext, now: number): boolean {
  if (r.phase !== c.phase) return false;
  if (r.expiresAt !== undefined && now >= r.expiresAt) return false;
  if (r.action !== undefined && !globMatches(r.action, c.action)) return false;
  if (r.apiVersion !== undefined && c.apiVersion !== undefined && r.apiVersion !== c.apiVersion) return false;
  if (r.region !== undefined && r.region !== c.region) return false;
  if (r.account !== undefined && r.account !== c.account) return false;
  if (r.resourceId !== undefined && !resourceIdsIn(c.named).has(r.resourceId)) return false;
  return true;
}

/** Two numbers in [0, 1) drawn from (seed, rule, n): the firing chance and the jitter. */
function draws(seed: string, ruleId: string, n: number): [number, number] {
  const h = createHash('sha256').update(`${seed}\0${ruleId}\0${n}`).digest();
  return [h.readUInt32BE(0) / 2 ** 32, h.readUInt32BE(4) / 2 ** 32];
}

export class Faults {
  private cache: { rules: StoredRule[]; until: number } | undefined;
  /** Counters of the environment's rules, which are not stored (one process, one count). */
  private readonly envSeen = new Map<string, number>();
  seed: string;

  constructor(
    private readonly o: {
      db: Db;
      now: () => number;
      catalog: FaultCatalog;
      envRules: readonly FaultRule[];
      seed: string;
      newId: () => string;
    },
  ) {
    this.seed = o.seed;
  }

  /** The stored rules in order, then the environment's defaults. */
  async list(): Promise<Array<FaultRule & { seen: number; fired: number }>> {
    const stored = await this.rules(true);
    return [
      ...stored.map((s) => ({ ...s.rule, seen: s.seen, fired: s.fired })),
      ...this.o.envRules.map((r) => ({ ...r, seen: this.envSeen.get(r.id) ?? 0, fired: this.envSeen.get(r.id) ?? 0 })),
    ];
  }

  /** Validates `input` (a JSON array of rules) and replaces or appends to the stored list. */
  async put(input: unknown, mode: 'replace' | 'append'): Promise<FaultRule[]> {
    if (!Array.isArray(input)) throw new ControlError(400, 'the body must be a JSON array of fault rules');
    const rules = input.map((r, n) => this.parse(r, `[${n}]`));
    const ids = new Set<string>();
    for (const r of rules) {
      if (ids.has(r.id)) throw new ControlError(400, `rule id ${JSON.stringify(r.id)} is given twice`);
      ids.add(r.id);
    }
    await this.o.db.tx(async (tx) => {
      if (mode === 'replace') await deleteFaultRules(tx, null);
      await insertFaultRules(tx, rules, this.o.now());
    });
    this.cache = undefined;
    return rules;
  }

  /** Removes rules by id (all when `ids` is null); how many went. */
  async remove(ids: readonly string[] | null, account?: number): Promise<number> {
    const n = await this.o.db.tx((tx) => deleteFaultRules(tx, ids, account));
    this.cache = undefined;
    return n;
  }

  /** Drops the cached list (rules changed behind this object's back, as a reset does). */
  forget(): void {
    this.cache = undefined;
  }

  log(o: { account?: number; limit: number }): Promise<FaultLogEntry[]> {
    return listFaultLog(this.o.db, o);
  }

  /**
   * The rule that fires for `c`, if one does; its firing is counted and logged in `q` (a task's
   * creating transaction, so that a task never created counts nothing), or in a transaction of its
   * own. A request no stored rule matches costs no database work.
   */
  async fire(c: FaultContext, q?: Queryable): Promise<Firing | null> {
    const now = this.o.now();
    // Inside a transaction the list is read through it: a second pool connection could wait for
    // ever behind transactions holding every other one.
    const candidates = (await this.rules(false, q)).filter(
      (s) => matches(s.rule, c, now) && !(s.rule.times !== undefined && s.fired >= s.rule.times),
    );
    if (candidates.length > 0) {
      const decide = (tx: Queryable) => this.fireStored(candidates, c, tx, now);
      const decided = q ? await decide(q) : await this.o.db.tx(decide);
      if (decided !== undefined) return decided;
    }
    for (const r of this.o.envRules) {
      if (!matches(r, c, now)) continue;
      const seen = (this.envSeen.get(r.id) ?? 0) + 1;
      this.envSeen.set(r.id, seen);
      return this.decide(r, seen);
    }
    return null;
  }

  /** The first candidate not used up decides (a firing, or null); undefined when all were used up. */
  private async fireStored(
    candidates: StoredRule[],
    c: FaultContext,
    q: Queryable,
    now: number,
  ): Promise<Firing | null | undefined> {
    for (const stored of candidates) {
      const r = stored.rule;
      const counts = await countFaultMatch(q, r.id);
      if (!counts) continue; // removed meanwhile
      stored.seen = counts.seen;
      stored.fired = counts.fired;
      if (r.times !== undefined && counts.fired >= r.times) continue;
      const decided = this.decide(r, counts.seen);
      if (!decided) return null;
      if (!(await claimFaultFiring(q, r.id, r.times))) continue; // used up by another request
      stored.fired++;
      await logFaultFiring(q, {
        at: now,
        ruleId: r.id,
        appId: c.account,
        requestId: c.requestId ?? null,
        action: c.action,
        apiVersion: c.apiVersion ?? null,
        phase: c.phase,
        effect: effectName(r),
      });
      return decided;
    }
    return undefined;
  }

  private decide(r: FaultRule, seen: number): Firing | null {
    if (seen <= (r.skip ?? 0)) return null;
    const [chance, jitter] = draws(this.seed, r.id, seen);
    if (chance >= (r.probability ?? 1)) return null;
    const ms = r.latency?.ms ?? 0;
    const j = r.latency?.jitterMs ?? 0;
    return { rule: r, delayMs: Math.max(0, Math.round(ms + (jitter * 2 - 1) * j)) };
  }

  private async rules(fresh: boolean, q: Queryable = this.o.db): Promise<StoredRule[]> {
    const now = this.o.now();
    if (!fresh && this.cache && this.cache.until > now) return this.cache.rules;
    const rules = await listFaultRules(q);
    this.cache = { rules, until: now + RULES_CACHE_MS };
    return rules;
  }

  /** One rule from its JSON form; `at` locates it in error messages. */
  parse(raw: unknown, at: string): FaultRule {
    const bad = (field: string, what: string): never => {
      throw new ControlError(400, `rule ${at}${field ? '.' + field : ''} ${what}`);
    };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad('', 'must be a JSON object');
    const o = raw as Record<string, unknown>;
    const known = new Set([
      'id',
      'action',
      'apiVersion',
      'region',
      'account',
      'resourceId',
      'phase',
      'error',
      'latency',
      'drop',
      'http',
      'taskFail',
      'taskHold',
      'probability',
      'times',
      'skip',
      'expiresAt',
      'force',
    ]);
    for (const k of Object.keys(o)) if (!known.has(k)) bad(k, 'is not a rule field');
    const str = (k: string, max = 200): string | undefined => {
      const v = o[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v === '' || v.length > max) return bad(k, `must be a string of 1-${max} characters`);
      return v;
    };
    const num = (v: unknown, k: string, min: number, max: number, integer = true): number | undefined => {
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max)
        return bad(k, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return v;
    };
    const obj = (k: string): Record<string, unknown> | undefined => {
      const v = o[k];
      if (v === undefined) return undefined;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return bad(k, 'must be a JSON object');
      return v as Record<string, unknown>;
    };
    const flag = (k: string): boolean | undefined => {
      const v = o[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'boolean') return bad(k, 'must be true or false');
      return v;
    };

    const rule: FaultRule = { id: str('id', 64) ?? this.o.newId(), phase: 'request', source: 'api' };
    rule.action = str('action', 100);
    const apiVersion = o.apiVersion;
    if (apiVersion !== undefined && apiVersion !== 'v2' && apiVersion !== '3.0')
      bad('apiVersion', 'must be "v2" or "3.0"');
    rule.apiVersion = apiVersion as ApiVersion | undefined;
    const region = str('region', 64);
    if (region !== undefined)
      rule.region = this.o.catalog.region(region) ?? bad('region', `names no region: ${region}`);
    rule.account = num(o.account, 'account', 1, Number.MAX_SAFE_INTEGER);
    rule.resourceId = str('resourceId', 64);

    const error = obj('error');
    if (error) {
      if (typeof error.code !== 'string' || error.code === '') bad('error.code', 'is required: an error code');
      if (error.message !== undefined && typeof error.message !== 'string') bad('error.message', 'must be a string');
      rule.error = { code: error.code as string, message: error.message as string | undefined };
    }
    const latency = obj('latency');
    if (latency) {
      rule.latency = {
        ms: num(latency.ms, 'latency.ms', 0, 600_000) ?? bad('latency.ms', 'is required'),
        jitterMs: num(latency.jitterMs, 'latency.jitterMs', 0, 600_000),
      };
    }
    rule.drop = flag('drop');
    const http = obj('http');
    if (http) {
      rule.http = {
        status: num(http.status, 'http.status', 400, 599) ?? bad('http.status', 'is required: 400-599'),
        body:
          http.body === undefined
            ? undefined
            : typeof http.body === 'string'
              ? http.body
              : bad('http.body', 'must be a string'),
      };
    }
    const taskFail = obj('taskFail');
    if (taskFail) {
      if (taskFail.message !== undefined && typeof taskFail.message !== 'string')
        bad('taskFail.message', 'must be a string');
      rule.taskFail = { message: taskFail.message as string | undefined };
    }
    rule.taskHold = flag('taskHold');
    rule.probability = num(o.probability, 'probability', 0, 1, false);
    rule.times = num(o.times, 'times', 1, Number.MAX_SAFE_INTEGER);
    rule.skip = num(o.skip, 'skip', 0, Number.MAX_SAFE_INTEGER);
    const expiresAt = o.expiresAt;
    if (typeof expiresAt === 'string') {
      const t = Date.parse(expiresAt);
      rule.expiresAt = Number.isNaN(t) ? bad('expiresAt', 'must be an ISO 8601 time or epoch milliseconds') : t;
    } else rule.expiresAt = num(expiresAt, 'expiresAt', 0, Number.MAX_SAFE_INTEGER);
    rule.force = flag('force');

    // Exactly one outcome; latency alone is an outcome too, or goes with one.
    const outcomes = (['error', 'drop', 'http', 'taskFail', 'taskHold'] as const).filter((k) => rule[k]);
    if (outcomes.length > 1) bad('', `has ${outcomes.join(' and ')}: give one effect (latency may go with it)`);
    if (outcomes.length === 0 && !rule.latency)
      bad('', 'has no effect: give error, latency, drop, http, taskFail or taskHold');
    const taskEffect = rule.taskFail !== undefined || rule.taskHold === true;
    const phase = o.phase ?? (taskEffect ? 'task' : 'request');
    if (phase !== 'request' && phase !== 'commit' && phase !== 'task') bad('phase', 'must be request, commit or task');
    rule.phase = phase as Phase;
    if (taskEffect && rule.phase !== 'task') bad('phase', 'must be task for taskFail and taskHold');
    if (rule.phase === 'task' && (rule.error || rule.drop || rule.http))
      bad('phase', 'task takes taskFail, taskHold or latency; error, drop and http answer requests');
    if (rule.phase === 'task' && rule.apiVersion !== undefined) bad('apiVersion', 'does not apply to the task phase');
    this.checkTargets(rule, at);
    for (const k of Object.keys(rule) as Array<keyof FaultRule>) if (rule[k] === undefined) delete rule[k];
    return rule;
  }

  /** The action must exist, and an error code must be one it can answer (unless forced). */
  private checkTargets(rule: FaultRule, at: string): void {
    const pattern = rule.action ?? '*';
    if (rule.phase === 'task') {
      if (!this.o.catalog.taskTypes().some((t) => globMatches(pattern, t))) {
        throw new ControlError(400, `rule ${at}.action ${JSON.stringify(pattern)} matches no task type`);
      }
      return;
    }
    const versions: ApiVersion[] = rule.apiVersion ? [rule.apiVersion] : ['v2', '3.0'];
    const targets = versions.flatMap((v) =>
      this.o.catalog
        .actions(v)
        .filter((a) => globMatches(pattern, a))
        .map((a) => [v, a] as const),
    );
    if (targets.length === 0)
      throw new ControlError(400, `rule ${at}.action ${JSON.stringify(pattern)} matches no action`);
    const code = rule.error?.code;
    if (code === undefined || rule.force) return;
    const refused = targets.filter(([v, a]) => !this.o.catalog.allows(v, a, code));
    // A rule naming one protocol (or one action both define) must suit every action it can hit.
    if (
      refused.length > 0 &&
      (rule.action === undefined || rule.action.includes('*') ? refused.length === targets.length : true)
    ) {
      const [v, a] = refused[0]!;
      throw new ControlError(
        400,
        `rule ${at}.error.code ${JSON.stringify(code)} is not an answer ${a} (API ${v}) can give; set "force": true to inject it anyway`,
      );
    }
  }
}

/** Fault rules' say over new tasks: held, failed on purpose, or delayed. */
export function faultTaskControl(faults: Faults): TaskControl {
  return {
    async decide(q, task) {
      const firing = await faults.fire(
        {
          phase: 'task',
          action: task.type,
          region: task.region,
          account: task.appId,
          named: task.payload,
          requestId: task.requestId,
        },
        q,
      );
      if (!firing) return null;
      const r = firing.rule;
      return {
        hold: r.taskHold === true,
        failure: r.taskFail ? (r.taskFail.message ?? `injected data-plane failure (fault rule ${r.id})`) : undefined,
        delayMs: r.latency ? firing.delayMs : undefined,
      };
    },
  };
}

function effectName(r: FaultRule): string {
  if (r.error) return `error:${r.error.code}`;
  if (r.drop) return 'drop';
  if (r.http) return `http:${r.http.status}`;
  if (r.taskFail) return 'taskFail';
  if (r.taskHold) return 'taskHold';
  return `latency:${r.latency?.ms ?? 0}`;
}

/**
 * The environment's fault knob, DATA_PLANE_FAILURE_RATE, as a default rule at the end of the list.
 * (TASK_LATENCY_MS is not a fault but every task's base latency: a task-phase latency rule replaces
 * it for the tasks it matches.)
 */
export function environmentRules(o: { dataPlaneFailureRate: number }): FaultRule[] {
  const rules: FaultRule[] = [];
  if (o.dataPlaneFailureRate > 0) {
    rules.push({
      id: 'env:DATA_PLANE_FAILURE_RATE',
      phase: 'task',
      taskFail: { message: 'simulated data-plane failure (DATA_PLANE_FAILURE_RATE)' },
      probability: o.dataPlaneFailureRate,
      source: 'env',
    });
  }
  return rules;
}
