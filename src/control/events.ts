import { listAuditEvents, type AuditEvent, type EventFilter } from '../store/audit.repo.ts';
import type { Queryable } from '../store/db.ts';
import { ControlError } from './control-error.ts';

// GET /_vpceni/events (docs/audit.md): the audit trail in CloudAudit's field names, filtered by
// the query. Every parameter is checked, an unknown one included, so that a misspelt filter is a
// 400 naming it rather than an answer listing every event.

const PARAMETERS = ['requestId', 'eventName', 'resourceId', 'since', 'until', 'account', 'limit', 'offset'] as const;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const RESOURCE_TYPES: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  eni: 'eni',
  ins: 'instance',
  sg: 'securityGroup',
};

const bad = (param: string, what: string): never => {
  throw new ControlError(400, `${param} ${what}`);
};

/** A time as ISO 8601 or epoch milliseconds (the same forms a fault rule's expiresAt takes). */
function time(raw: string, param: string): number {
  const t = /^\d{1,15}$/.test(raw) ? Number(raw) : /^\d{4}-\d\d-\d\d/.test(raw) ? Date.parse(raw) : NaN;
  return Number.isNaN(t)
    ? bad(param, `must be an ISO 8601 time or epoch milliseconds (got ${JSON.stringify(raw)})`)
    : t;
}

function integer(raw: string, param: string, min: number, max: number): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    return bad(param, `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function matching(raw: string, param: string, pattern: RegExp, what: string): string {
  return pattern.test(raw) ? raw : bad(param, `must be ${what} (got ${JSON.stringify(raw)})`);
}

export function eventFilter(query: URLSearchParams): EventFilter {
  for (const name of new Set(query.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      bad(name, `is not a parameter of /_vpceni/events (it takes ${PARAMETERS.join(', ')})`);
    }
    if (query.getAll(name).length > 1) bad(name, 'is given more than once');
  }
  const raw = (name: (typeof PARAMETERS)[number]) => query.get(name) ?? undefined;
  const f: EventFilter = { limit: DEFAULT_LIMIT, offset: 0 };
  const requestId = raw('requestId');
  if (requestId !== undefined) f.requestId = matching(requestId, 'requestId', /^[A-Za-z0-9-]{1,64}$/, 'a RequestId');
  const eventName = raw('eventName');
  if (eventName !== undefined) f.eventName = matching(eventName, 'eventName', /^[A-Za-z]{1,64}$/, 'an Action name');
  const resourceId = raw('resourceId');
  if (resourceId !== undefined) {
    f.resourceId = matching(resourceId, 'resourceId', /^(vpc|subnet|eni|ins|sg)-[a-z0-9]{8}$/, 'a resource id');
  }
  const since = raw('since');
  if (since !== undefined) f.since = time(since, 'since');
  const until = raw('until');
  if (until !== undefined) f.until = time(until, 'until');
  if (f.since !== undefined && f.until !== undefined && f.until < f.since) bad('until', 'is before since');
  const account = raw('account');
  if (account !== undefined) f.appId = integer(account, 'account', 1, Number.MAX_SAFE_INTEGER);
  const limit = raw('limit');
  if (limit !== undefined) f.limit = integer(limit, 'limit', 1, MAX_LIMIT);
  const offset = raw('offset');
  if (offset !== undefined) f.offset = integer(offset, 'offset', 0, 2 ** 31 - 1);
  return f;
}

/** One event with CloudAudit's field names (ErrorCode 0 for a success, as CloudAudit writes it). */
export function cloudAuditShape(e: AuditEvent): Record<string, unknown> {
  return {
    EventId: e.eventId,
    EventName: e.eventName,
    EventTime: new Date(e.eventTime).toISOString(),
    RequestID: e.requestId,
    ErrorCode: e.errorCode === 'Success' ? 0 : e.errorCode,
    SecretId: e.secretId,
    AccountID: e.appId,
    SourceIPAddress: e.sourceIp,
    Resources: e.resources.map((id) => ({ ResourceType: RESOURCE_TYPES[id.split('-')[0]!], ResourceName: id })),
    ActionType: e.actionType,
    ApiVersion: e.apiVersion,
    Product: e.product,
    EventRegion: e.region,
  };
}

export async function listEvents(
  q: Queryable,
  query: URLSearchParams,
): Promise<{ events: Record<string, unknown>[]; totalCount: number }> {
  const { events, totalCount } = await listAuditEvents(q, eventFilter(query));
  return { events: events.map(cloudAuditShape), totalCount };
}
