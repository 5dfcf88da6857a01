import { DomainError, type Reason, type Resource } from '../../domain/errors.ts';
import { parseIp } from '../../domain/cidr.ts';

// API 3.0 parameter declarations. Each action declares its parameters once; the dispatcher
// validates the decoded request (a JSON object, or a flattened form turned into one) against the
// declaration before the handler runs. Values may arrive as JSON types or as strings (forms, and
// models that type numbers as strings), so numbers and booleans accept both. `null` is absent.
// Unknown parameters are ignored: newer SDKs send fields this service does not know.

export interface Field<T> {
  /** One-line description of the accepted values, for docs. */
  readonly type: string;
  readonly isRequired: boolean;
  read(value: unknown, name: string): T;
  readonly item?: Field<unknown>;
  readonly fields?: Schema;
}

const refuse = (
  kind: 'invalidParameter' | 'invalidValue',
  name: string,
  what: string,
  reason: Reason,
  resource?: Resource,
): never => {
  throw new DomainError(kind, `parameter ${name} ${what}`, { reason, resource, param: name });
};
const typeError = (name: string, what: string) => refuse('invalidParameter', name, `must be ${what}`, 'type');

/** A parameter; optional until `.required()` or `.default()` says otherwise. */
export class Param<T> implements Field<T | undefined> {
  readonly isRequired = false;
  constructor(
    readonly type: string,
    private readonly parse: (value: unknown, name: string) => T,
    readonly item?: Field<unknown>,
    readonly fields?: Schema,
  ) {}
  read(value: unknown, name: string): T | undefined {
    return value === undefined || value === null ? undefined : this.parse(value, name);
  }
  required(): Field<T> {
    return {
      type: this.type,
      isRequired: true,
      item: this.item,
      fields: this.fields,
      read: (value, name) => {
        if (value === undefined || value === null) return refuse('invalidParameter', name, 'is required', 'missing');
        return this.parse(value, name);
      },
    };
  }
  default(fallback: T): Field<T> {
    return {
      type: this.type,
      isRequired: false,
      item: this.item,
      fields: this.fields,
      read: (v, n) => this.read(v, n) ?? fallback,
    };
  }
}

function text(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return typeError(name, 'a string');
}

export function str(o: { max?: number; min?: number } = {}): Param<string> {
  const { max = 255, min = 0 } = o;
  return new Param(`string of ${min}-${max} characters`, (value, name) => {
    const s = text(value, name);
    if (s.includes('\u0000')) return refuse('invalidValue', name, 'contains a NUL character', 'malformed');
    if (s.length < min)
      return refuse('invalidValue', name, min === 1 ? 'must not be empty' : `needs ${min} characters`, 'empty');
    if ([...s].length > max) return refuse('invalidValue', name, `must be at most ${max} characters`, 'tooLong');
    return s;
  });
}

export function oneOf<T extends string>(values: readonly T[]): Param<T> {
  return new Param(`one of ${values.join(', ')}`, (value, name) => {
    const s = text(value, name);
    if (!(values as readonly string[]).includes(s))
      return refuse('invalidValue', name, `must be one of ${values.join(', ')}`, 'range');
    return s as T;
  });
}

const ID_PREFIX: Record<string, Resource> = {
  vpc: 'vpc',
  subnet: 'subnet',
  eni: 'eni',
  ins: 'instance',
  sg: 'securityGroup',
  img: 'image',
};

/** A resource id: `<prefix>-` and 8 lower-case letters or digits; anything else is malformed. */
export function id(prefix: 'vpc' | 'subnet' | 'eni' | 'ins' | 'sg' | 'img'): Param<string> {
  const shape = new RegExp(`^${prefix}-[a-z0-9]{8}$`);
  return new Param(`${prefix}-xxxxxxxx`, (value, name) => {
    const s = text(value, name);
    if (!shape.test(s)) {
      return refuse(
        'invalidValue',
        name,
        `is not a ${prefix}- id: ${JSON.stringify(s.slice(0, 64))}`,
        'malformed',
        ID_PREFIX[prefix],
      );
    }
    return s;
  });
}

export function int(o: { min?: number; max?: number } = {}): Param<number> {
  const { min = 0, max = 2 ** 31 - 1 } = o;
  return new Param(`integer from ${min} to ${max}`, (value, name) => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (!Number.isInteger(n)) return typeError(name, 'an integer');
    if (n < min || n > max) return refuse('invalidValue', name, `must be from ${min} to ${max}`, 'range');
    return n;
  });
}

export function bool(): Param<boolean> {
  return new Param('true or false', (value, name) => {
    if (typeof value === 'boolean') return value;
    const s = typeof value === 'string' ? value.toLowerCase() : '';
    if (s === 'true') return true;
    if (s === 'false') return false;
    return typeError(name, 'true or false');
  });
}

export function ip(): Param<string> {
  return new Param('IPv4 address', (value, name) => {
    const s = text(value, name);
    if (parseIp(s) === null)
      return refuse('invalidValue', name, `is not an IPv4 address: ${JSON.stringify(s.slice(0, 64))}`, 'malformed');
    return s;
  });
}

export function list<T>(item: Field<T>, o: { max: number }): Param<T[]> {
  return new Param(
    `list of ${item.type} (at most ${o.max})`,
    (value, name) => {
      if (!Array.isArray(value)) return typeError(name, 'a list');
      if (value.length > o.max) return refuse('invalidValue', name, `takes at most ${o.max} items`, 'tooMany');
      return value.map((v, i) => item.read(v, `${name}.${i}`));
    },
    item as Field<unknown>,
  );
}

export function object<S extends Schema>(fields: S): Param<Infer<S>> {
  return new Param(
    `object {${Object.keys(fields).join(', ')}}`,
    (value, name) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return typeError(name, 'an object');
      return readSchema(fields, value as Record<string, unknown>, name + '.');
    },
    undefined,
    fields,
  );
}

export type Schema = Record<string, Field<unknown>>;
export type Infer<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export function readSchema<S extends Schema>(schema: S, input: Record<string, unknown>, prefix = ''): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    out[key] = field.read(Object.hasOwn(input, key) ? input[key] : undefined, prefix + key);
  }
  return out as Infer<S>;
}

/** `Filters`: [{Name, Values}] as a map of name to values, checked against the names allowed. */
export interface FilterOptions {
  names: readonly string[];
  /** Names of the form `tag:<key>`. */
  tagPrefix?: boolean;
  maxFilters: number;
  maxValues: number;
}

export type Filters = Map<string, string[]>;

export function filters(o: FilterOptions): Param<Filters> {
  return new Param(`list of {Name, Values} (names: ${o.names.join(', ')})`, (value, name) => {
    if (!Array.isArray(value)) return typeError(name, 'a list');
    if (value.length > o.maxFilters)
      return refuse('invalidValue', name, `takes at most ${o.maxFilters} filters`, 'tooMany');
    const out: Filters = new Map();
    for (const [i, f] of value.entries()) {
      const at = `${name}.${i}`;
      if (typeof f !== 'object' || f === null || Array.isArray(f)) {
        throw new DomainError('invalidParameter', `parameter ${at} must be an object {Name, Values}`, {
          reason: 'filterNotObject',
        });
      }
      const { Name, Values } = f as { Name?: unknown; Values?: unknown };
      const filterName = str({ min: 1, max: 128 }).required().read(Name, `${at}.Name`);
      if (!o.names.includes(filterName) && !(o.tagPrefix && filterName.startsWith('tag:'))) {
        throw new DomainError(
          'invalidParameter',
          `parameter ${at}.Name: unknown filter ${JSON.stringify(filterName)}; known: ${o.names.join(', ')}`,
          {
            reason: 'unknownFilter',
          },
        );
      }
      if (!Array.isArray(Values)) {
        throw new DomainError('invalidParameter', `parameter ${at}.Values must be a list of strings`, {
          reason: 'filterValuesNotList',
        });
      }
      if (Values.length > o.maxValues)
        return refuse('invalidValue', `${at}.Values`, `takes at most ${o.maxValues} values`, 'tooMany');
      const values = Values.map((v, j) => text(v, `${at}.Values.${j}`));
      out.set(filterName, [...(out.get(filterName) ?? []), ...values]);
    }
    return out;
  });
}
