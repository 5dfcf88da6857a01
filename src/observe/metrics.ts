import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TaskObserver } from '../domain/deps.ts';
import { parseCidr, usableRange } from '../domain/cidr.ts';
import { instanceStateName } from '../domain/model.ts';
import type { Catalogue } from '../domain/regions.ts';
import type { Db } from '../store/db.ts';
import {
  countPrivateIps,
  enisByState,
  instancesByStatus,
  runningTasksByType,
  subnetIpUse,
} from '../store/metrics.repo.ts';
import { authFailureReason } from './auth-failures.ts';
import type { CallRecord } from './recent-calls.ts';

// The Prometheus metrics of one app (docs/observability.md has the table). Counters and histograms
// count what this process saw; the resource gauges (and tasks running) are read from the database
// at scrape time, so every replica reports the deployment's numbers.

/** What a label says for an action name that is absent or names nothing served: never the raw
 *  text a client sent, which would make the label set unbounded. */
export const UNKNOWN_ACTION = 'unknown';

export interface MetricsOptions {
  db: Db;
  catalogue: Catalogue;
  version: string;
  schemaVersion: number;
  /** The action names each protocol serves: the only values the `action` label takes. */
  actions: { v2: Iterable<string>; '3.0': Iterable<string> };
}

/** Seconds; from a quick read to a slow commit behind injected latency. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; tasks take TASK_LATENCY_MS at least, and may be held for minutes. */
const TASK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

let processMetrics: Registry | undefined;

/** The process_* and nodejs_* metrics: one set per process, however many apps it builds (tests). */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export class Metrics {
  /** This app's metrics and the process's, as /metrics serves them. */
  readonly registry: Registry;
  readonly tasks: TaskObserver;
  private readonly known: { v2: Set<string>; '3.0': Set<string> };
  private readonly requests: Counter<'api_version' | 'action' | 'code'>;
  private readonly durations: Histogram<'api_version' | 'action'>;
  private readonly authFailures: Counter<'reason'>;
  private readonly faults: Counter<'kind' | 'action'>;

  constructor(o: MetricsOptions) {
    const own = new Registry();
    const registers = [own];
    this.known = { v2: new Set(o.actions.v2), '3.0': new Set(o.actions['3.0']) };
    this.requests = new Counter({
      name: 'vpceni_api_requests_total',
      help: 'API requests answered, by protocol, action and answer code (Success or the error code)',
      labelNames: ['api_version', 'action', 'code'],
      registers,
    });
    this.durations = new Histogram({
      name: 'vpceni_api_request_duration_seconds',
      help: 'Time from a request arriving to its answer having gone out',
      labelNames: ['api_version', 'action'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.authFailures = new Counter({
      name: 'vpceni_api_auth_failures_total',
      help: 'Requests refused at admission: signature, expired, replay, unknown_key',
      labelNames: ['reason'],
      registers,
    });
    this.faults = new Counter({
      name: 'vpceni_faults_injected_total',
      help: 'Fault rules fired on API requests, by effect (error, drop, http, latency) and action',
      labelNames: ['kind', 'action'],
      registers,
    });
    const created = new Counter({
      name: 'vpceni_tasks_created_total',
      help: 'Tasks created by this process (counted once their transaction committed)',
      labelNames: ['type'],
      registers,
    });
    const finished = new Counter({
      name: 'vpceni_tasks_finished_total',
      help: 'Tasks this process finished: success, failed (the data plane refused), abandoned (given up)',
      labelNames: ['type', 'outcome'],
      registers,
    });
    const taskDurations = new Histogram({
      name: 'vpceni_task_duration_seconds',
      help: 'Time from a task being created to its final status',
      labelNames: ['type'],
      buckets: TASK_BUCKETS,
      registers,
    });
    const takeovers = new Counter({
      name: 'vpceni_task_lease_takeovers_total',
      help: 'Tasks this process claimed after an earlier claim had lapsed without finishing them',
      labelNames: ['type'],
      registers,
    });
    this.tasks = {
      created: (type) => created.inc({ type }),
      finished: (type, outcome, durationMs) => {
        finished.inc({ type, outcome });
        taskDurations.observe({ type }, Math.max(0, durationMs) / 1000);
      },
      takenOver: (type) => takeovers.inc({ type }),
    };

    const { db, catalogue } = o;
    new Gauge({
      name: 'vpceni_tasks_running',
      help: 'Tasks in state RUNNING in the database (held ones included), by type',
      labelNames: ['type'],
      registers,
      async collect() {
        const rows = await runningTasksByType(db);
        this.reset();
        for (const r of rows) this.set({ type: r.type }, r.count);
      },
    });
    new Gauge({
      name: 'vpceni_enis',
      help: 'ENIs in the database, by state and whether they are an instance primary ENI',
      labelNames: ['state', 'primary'],
      registers,
      async collect() {
        const rows = await enisByState(db);
        this.reset();
        for (const r of rows) this.set({ state: r.state, primary: String(r.primary) }, r.count);
      },
    });
    new Gauge({
      name: 'vpceni_instances',
      help: 'Instances in the database, by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const rows = await instancesByStatus(db);
        this.reset();
        for (const r of rows) this.inc({ state: instanceStateName(r.status) }, r.count);
      },
    });
    new Gauge({
      name: 'vpceni_private_ips_in_use',
      help: 'Private IP addresses held by ENIs, primary ones included',
      registers,
      async collect() {
        this.set(await countPrivateIps(db));
      },
    });
    new Gauge({
      name: 'vpceni_subnet_ips_free',
      help: 'Addresses subnets can still hand out, summed by availability zone',
      labelNames: ['zone'],
      registers,
      async collect() {
        const rows = await subnetIpUse(db);
        this.reset();
        for (const r of rows) {
          const cidr = parseCidr(r.cidr);
          const zone = catalogue.zoneById(r.zoneId)?.name ?? String(r.zoneId);
          this.inc({ zone }, cidr ? Math.max(0, usableRange(cidr).count - r.used) : 0);
        }
      },
    });
    new Gauge({
      name: 'vpceni_build_info',
      help: 'Always 1: the build version, the schema version it runs and its storage engine',
      labelNames: ['version', 'schema_version', 'storage'],
      registers,
    }).set({ version: o.version, schema_version: String(o.schemaVersion), storage: db.dialect }, 1);

    this.registry = Registry.merge([own, processRegistry()]);
  }

  /** Counts one API request once it is over. */
  call(c: CallRecord): void {
    const action = this.actionLabel(c.apiVersion, c.action);
    const code = c.code ?? 'Unknown';
    this.requests.inc({ api_version: c.apiVersion, action, code });
    this.durations.observe({ api_version: c.apiVersion, action }, c.durationMs / 1000);
    // An injected fault fires only after admission: a rule's error is not a real auth failure.
    const reason = c.faultRule === undefined ? authFailureReason(code) : undefined;
    if (reason) this.authFailures.inc({ reason });
  }

  /** Counts a fault rule firing on an API request. */
  faultFired(kind: string, apiVersion: 'v2' | '3.0' | undefined, action: string): void {
    this.faults.inc({ kind, action: this.actionLabel(apiVersion, action) });
  }

  private actionLabel(apiVersion: 'v2' | '3.0' | undefined, action: string | undefined): string {
    return apiVersion && action !== undefined && this.known[apiVersion].has(action) ? action : UNKNOWN_ACTION;
  }
}
