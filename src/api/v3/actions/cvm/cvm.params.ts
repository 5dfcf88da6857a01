import { DomainError } from '../../../../domain/errors.ts';
import { parseInstanceType, type InstanceType } from '../../../../domain/instance-types.ts';
import { filters, id, Param, str, type Field, type FilterOptions, type Filters } from '../../schema.ts';
import { oneOrMore } from '../vpc/params.wire.ts';

// Parameter kinds of the CVM actions. Refusals carry the wire name of the parameter (`param`): CVM
// names several codes after it (InvalidInstanceType.Malformed…), see CVM_PARAM_CODES in errors.ts.

const refuse = (name: string, what: string, reason: 'malformed' | 'range' | 'missing' | 'tooMany') =>
  new DomainError(reason === 'missing' ? 'invalidParameter' : 'invalidValue', `parameter ${name} ${what}`, {
    reason,
    param: name,
  });

/** `InstanceType`: a name of the pattern (api3-vpc-cvm.md §5.1), read as its cores and memory. */
export function instanceType(): Param<InstanceType> {
  return new Param('<FAMILY>.<SIZE><GiB>, e.g. S5.MEDIUM4', (value, name) => {
    const text = str({ max: 64 }).required().read(value, name);
    const type = parseInstanceType(text);
    if (type === 'malformed')
      throw refuse(name, `is not <FAMILY>.<SIZE><GiB> (e.g. S5.MEDIUM4): ${JSON.stringify(text)}`, 'malformed');
    if (type === 'unknown') throw refuse(name, `names no size offered here: ${text}`, 'range');
    return type;
  });
}

/** `VirtualPrivateCloud.VpcId`/`SubnetId`: an id, or `DEFAULT` (the real default VPC, not offered). */
export function networkId(prefix: 'vpc' | 'subnet'): Param<string> {
  return new Param(`${prefix}-xxxxxxxx or DEFAULT`, (value, name) =>
    value === 'DEFAULT' ? 'DEFAULT' : id(prefix).required().read(value, name),
  );
}

/** `InstanceIds` of the lifecycle actions: 1 to 100 instance ids. */
export const instanceIds = () =>
  oneOrMore(id('ins').required(), {
    max: 100,
    whenEmpty: (name) => refuse(name, 'needs at least one item', 'missing'),
  });

/** `YYYY-MM-DD HH:MM:SS` read as Beijing time (UTC+8), as milliseconds. */
export function beijingTimeText(): Param<number> {
  return new Param('YYYY-MM-DD HH:MM:SS (UTC+8)', (value, name) => {
    const text = str({ max: 64 }).required().read(value, name);
    const ms = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text) ? Date.parse(text.replace(' ', 'T') + '+08:00') : NaN;
    if (Number.isNaN(ms)) throw refuse(name, `is not YYYY-MM-DD HH:MM:SS: ${JSON.stringify(text)}`, 'malformed');
    return ms;
  });
}

/** What each value of a filter must be; values are read as `Filters.<filter name>`. */
export type FilterValues = Readonly<Record<string, Field<unknown>>>;

/** Checked filters: each value of a filter named in `values` must read as that field. */
export interface CheckedFilters {
  raw: Filters;
  /** The values of `name`, read by its field (absent: the filter was not given). */
  get<T>(name: string): T[] | undefined;
}

/** `Filters` of a CVM Describe: the shared filter list, each value checked by its filter's kind. */
export function cvmFilters(o: FilterOptions, values: FilterValues): Param<CheckedFilters> {
  const inner = filters(o);
  return new Param(inner.type, (value, name) => {
    const raw = inner.read(value, name) ?? new Map<string, string[]>();
    const read = new Map<string, unknown[]>();
    for (const [filter, vs] of raw) {
      const field = values[filter];
      read.set(filter, field ? vs.map((v) => field.read(v, `${name}.${filter}`)) : vs);
    }
    return { raw, get: <T>(filter: string) => read.get(filter) as T[] | undefined };
  });
}
