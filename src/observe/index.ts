import type { DoorFaults } from '../api/fault-door.ts';
import type { FaultRule } from '../control/faults.ts';
import type { TaskObserver } from '../domain/deps.ts';
import type { Logger } from '../log.ts';
import { logAccess } from './access-log.ts';
import { Metrics, type MetricsOptions } from './metrics.ts';
import { observePages } from './pages.ts';
import type { CallRecord, RecentCalls } from './recent-calls.ts';

// Observability, assembled for one app (docs/observability.md): every API request, once over, goes
// to the access log, the metrics and the recent calls; tasks and fault firings go to the metrics.
// The HTTP layer, the worker and the domain only call these hooks.

export type Observability = ReturnType<typeof buildObservability>;

/** The effect a fault rule had on a request, as the metric's `kind` label says it. */
export function faultKind(rule: FaultRule): 'error' | 'drop' | 'http' | 'latency' {
  return rule.error ? 'error' : rule.drop ? 'drop' : rule.http ? 'http' : 'latency';
}

export function buildObservability(
  o: MetricsOptions & { log: Logger; recentCalls: RecentCalls; adminToken: string | null },
) {
  const metrics = new Metrics(o);
  return {
    metrics,
    recentCalls: o.recentCalls,
    /** For the worker and Deps. */
    tasks: metrics.tasks as TaskObserver,
    /** /metrics and /_vpceni/requests, for the HTTP layer. */
    pages: observePages({ metrics, recentCalls: o.recentCalls, adminToken: o.adminToken }),
    observe(call: CallRecord): void {
      logAccess(o.log, call);
      metrics.call(call);
      o.recentCalls.add(call);
    },
    /** The doors' fault rules, with each firing counted. */
    countFaults(faults: DoorFaults): DoorFaults {
      return {
        async fire(c) {
          const firing = await faults.fire(c);
          if (firing) metrics.faultFired(faultKind(firing.rule), c.apiVersion, c.action);
          return firing;
        },
      };
    },
  };
}
