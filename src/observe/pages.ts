import { adminAllowed, adminRefusal } from '../control/access.ts';
import type { ControlRequest, ControlResponse } from '../control/routes.ts';
import { redacted } from './access-log.ts';
import type { Metrics } from './metrics.ts';
import type { CallRecord, RecentCalls } from './recent-calls.ts';

// The operator pages of observability: /metrics (Prometheus text) and /_vpceni/requests (the recent
// calls as JSON). Both show every account's traffic, so they follow test control's access rule.

export const METRICS_PATH = '/metrics';
export const REQUESTS_PATH = '/_vpceni/requests';

/** The filters /_vpceni/requests takes, each an exact match on the call's field. */
const FILTERS = ['action', 'code', 'requestId'] as const;

export function observePages(o: { metrics: Metrics; recentCalls: RecentCalls; adminToken: string | null }): {
  paths: readonly string[];
  serve(req: ControlRequest): Promise<ControlResponse>;
} {
  const error = (status: number, message: string): ControlResponse => ({ status, body: { error: message } });

  async function metrics(): Promise<ControlResponse> {
    try {
      const text = await o.metrics.registry.metrics();
      return { status: 200, body: null, raw: text, headers: { 'content-type': o.metrics.registry.contentType } };
    } catch (err) {
      // The resource gauges read the database: a scrape without them would look like zero ENIs.
      return error(503, `metrics unavailable: ${(err as Error).message}`);
    }
  }

  function requests(query: URLSearchParams): ControlResponse {
    const wanted: Array<[keyof CallRecord, string]> = [];
    for (const [name, value] of query) {
      if (!(FILTERS as readonly string[]).includes(name)) {
        return error(400, `${name} is not a filter of ${REQUESTS_PATH}; use ${FILTERS.join(', ')}`);
      }
      wanted.push([name as keyof CallRecord, value]);
    }
    const calls = o.recentCalls.list().filter((c) => wanted.every(([k, v]) => String(c[k] ?? '') === v));
    return { status: 200, body: { calls: calls.map(redacted) } };
  }

  return {
    paths: [METRICS_PATH, REQUESTS_PATH],
    async serve(req) {
      const what = req.path === METRICS_PATH ? METRICS_PATH : REQUESTS_PATH;
      if (!adminAllowed(req, o.adminToken)) return error(403, adminRefusal(o.adminToken, what));
      if (req.method !== 'GET')
        return { ...error(405, `${req.method} is not allowed on ${what}`), headers: { allow: 'GET' } };
      return what === METRICS_PATH ? metrics() : requests(req.query);
    },
  };
}
