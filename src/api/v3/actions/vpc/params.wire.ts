import { DomainError, fail } from '../../../../domain/errors.ts';
import type { Page } from '../../../../domain/model.ts';
import type { TagCondition } from '../../../../store/tag.repo.ts';
import { list, Param, str, type Field, type Filters } from '../../schema.ts';

// Parameter kinds of the VPC, subnet and security-group actions that the shared schema does not
// have: numbers the models type as strings, string flags, and the ids-or-filters rule.

const invalid = (name: string, what: string, reason?: 'malformed' | 'range') =>
  new DomainError('invalidValue', `parameter ${name} ${what}`, { reason });

/**
 * A whole number the model types as a String (Offset, Limit): a JSON number or decimal text. Text
 * that is not a number is malformed (InvalidParameterValue.Malformed), not a type error.
 */
export function numberText(o: { min: number; max: number }): Param<number> {
  return new Param(`integer from ${o.min} to ${o.max} (a string or a number)`, (value, name) => {
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw new DomainError('invalidParameter', `parameter ${name} must be a number`, { reason: 'type' });
    }
    const n = typeof value === 'number' ? value : /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n)) throw invalid(name, `is not a whole number: ${JSON.stringify(value)}`, 'malformed');
    if (n < o.min || n > o.max) throw invalid(name, `must be from ${o.min} to ${o.max}`, 'range');
    return n;
  });
}

/** `Offset`/`Limit` of DescribeVpcs, DescribeSubnets, DescribeSecurityGroups (String in the models). */
export function textPaging() {
  return {
    Offset: numberText({ min: 0, max: 2 ** 31 - 1 }).default(0),
    Limit: numberText({ min: 1, max: 100 }).default(20),
  };
}

/** A flag the model types as a String `"true"`/`"false"` (EnableMulticast); booleans are accepted too. */
export function flagText(): Param<boolean> {
  return new Param('"true" or "false"', (value, name) => {
    if (typeof value === 'boolean') return value;
    const s = typeof value === 'string' ? value.toLowerCase() : undefined;
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw invalid(name, `must be "true" or "false", not ${JSON.stringify(value)}`);
  });
}

/** A project id: a non-negative integer, as text (the model's String) or a number. */
export function projectIdText(): Param<number> {
  return new Param('non-negative integer (a string or a number)', (value, name) => {
    const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
    const n = /^\d{1,10}$/.test(s) ? Number(s) : NaN;
    if (!(n <= 2 ** 31 - 1)) throw invalid(name, `must be a non-negative integer, not ${JSON.stringify(value)}`);
    return n;
  });
}

/** A route-table id: `rtb-` and 8 lower-case letters or digits. */
export function routeTableId(): Param<string> {
  return new Param('rtb-xxxxxxxx', (value, name) => {
    const s = str({ max: 64 }).required().read(value, name);
    if (!/^rtb-[a-z0-9]{8}$/.test(s)) throw invalid(name, `is not a rtb- id: ${JSON.stringify(s)}`, 'malformed');
    return s;
  });
}

/** `CdcId`: CDC (dedicated cluster) subnets are not offered; an empty value means none. */
export function noCdc(): Param<string> {
  return new Param('"" (CDC subnets are not offered)', (value, name) => {
    const s = str({ max: 64 }).required().read(value, name);
    if (s !== '') throw invalid(name, 'names a CDC cluster; CDC subnets are not offered here');
    return s;
  });
}

/**
 * A required list of 1 to `max` items; an empty one is an invalid value, or what `whenEmpty` says
 * (CVM counts it as missing).
 */
export function oneOrMore<T>(
  item: Field<T>,
  o: { max: number; whenEmpty?: (name: string) => DomainError },
): Field<T[]> {
  const inner = list(item, { max: o.max }).required();
  const empty =
    o.whenEmpty ??
    ((name: string) => new DomainError('invalidValue', `parameter ${name} must not be empty`, { reason: 'empty' }));
  return {
    ...inner,
    type: `list of ${item.type} (1 to ${o.max})`,
    read(value, name) {
      const items = inner.read(value, name);
      if (items.length === 0) throw empty(name);
      return items;
    },
  };
}

/** An id list and `Filters` are two ways of choosing: a request uses one (empty lists count as absent). */
export function refuseCoexist(ids: readonly string[] | undefined, idsName: string, filters: Filters | undefined): void {
  if (ids && ids.length > 0 && filters && filters.size > 0) {
    fail('invalidParameter', `${idsName} and Filters cannot be combined`, { reason: 'combination' });
  }
}

/**
 * A filter on a field every resource here has the same value in (`is-default`: false): it keeps
 * everything if one of its values is that value, nothing otherwise. Values are `TRUE`/`FALSE` in any
 * case, or whatever `allowed` says.
 */
export function keepsAll(
  name: string,
  values: readonly string[],
  actual: string,
  allowed = ['true', 'false'],
): boolean {
  for (const v of values) {
    if (!allowed.includes(v.toLowerCase())) {
      throw new DomainError(
        'invalidValue',
        `filter ${name} takes ${allowed.map((a) => a.toUpperCase()).join(' or ')}, not ${JSON.stringify(v)}`,
      );
    }
  }
  return values.some((v) => v.toLowerCase() === actual);
}

/**
 * The tag filters: `tag-key` (a tag with one of these keys), `tag:<key>` (that key with one of these
 * values) and, where a Describe offers it, `tag-value` (a tag with one of these values). Each is one
 * condition; all must hold. Undefined when there is none.
 */
export function tagConditions(f: Filters): TagCondition[] | undefined {
  const out: TagCondition[] = [];
  for (const [name, values] of f) {
    if (name === 'tag-key') out.push({ keys: values });
    else if (name === 'tag-value') out.push({ values });
    else if (name.startsWith('tag:')) out.push({ keys: [name.slice('tag:'.length)], values });
  }
  return out.length > 0 ? out : undefined;
}

/** The page of a DescribeSubnets-style request: `MaxResults`/`NextToken` when given, else Offset/Limit. */
export function tokenPage(p: { Offset: number; Limit: number; MaxResults?: number; NextToken?: number }): Page {
  return { offset: p.NextToken ?? p.Offset, limit: p.MaxResults ?? p.Limit };
}

/** `NextToken` of an answer: the offset of the next page, `""` on the last one. */
export function nextToken(page: Page, returned: number, total: number): string {
  const next = page.offset + returned;
  return returned > 0 && next < total ? String(next) : '';
}

/** `NextToken` as sent back: the decimal offset this service handed out (`""`: from the start). */
export function pageToken(): Param<number | undefined> {
  return new Param('a NextToken from an earlier answer', (value, name) => {
    const s = str({ max: 64 }).required().read(value, name);
    if (s === '') return undefined;
    if (!/^\d{1,10}$/.test(s))
      throw invalid(name, `is not a token this service handed out: ${JSON.stringify(s)}`, 'malformed');
    return Number(s);
  });
}

/** What the VPC Describe actions (VPCs, subnets, security groups, ENIs) can answer beyond the common codes. */
export const DESCRIBE_CODES = [
  'InvalidParameter.Coexist',
  'InvalidParameter.FilterInvalidKey',
  'InvalidParameter.FilterNotDict',
  'InvalidParameter.FilterValuesNotList',
  'InvalidParameterValue.LimitExceeded',
  'InvalidParameterValue.Range',
  'InvalidParameterValue.TooLong',
  'ResourceNotFound',
] as const;
