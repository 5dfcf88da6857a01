import { DomainError, type ErrorKind, type Reason } from '../../domain/errors.ts';
import { parseIp } from '../../domain/cidr.ts';

// Parameter declarations. Each action declares its parameters once; the dispatcher validates the
// request against the declaration before the handler runs, and nothing else validates input shape.
// The same declarations feed the coverage list in docs/actions.md.

/** Request parameters by name; `get` may refuse a name the request gave twice (params.ts). */
export interface ParamMap {
  get(name: string): string | undefined;
  keys(): Iterable<string>;
}

export interface Field<T> {
  /** One-line description of the accepted values, for docs and error messages. */
  readonly type: string;
  readonly isRequired: boolean;
  read(params: ParamMap, name: string): T;
  /** For the coverage list: what an absent optional parameter becomes, a list's element, an object's fields. */
  readonly defaultValue?: unknown;
  readonly item?: Field<unknown>;
  readonly fields?: Schema;
}

const bad = (name: string, what: string, reason: Reason = 'type'): never => {
  throw new DomainError('invalidParameter', `parameter ${name} ${what}`, { reason });
};
const badValue = (name: string, what: string, reason: Reason, kind: ErrorKind = 'invalidValue'): never => {
  throw new DomainError(kind, `parameter ${name} ${what}`, { reason });
};

/** A scalar parameter; optional until `.required()` or `.default()` says otherwise. */
export class Scalar<T> implements Field<T | undefined> {
  readonly isRequired = false;
  constructor(
    readonly type: string,
    private readonly parse: (raw: string, name: string) => T,
  ) {}
  read(params: ParamMap, name: string): T | undefined {
    const raw = params.get(name);
    return raw === undefined ? undefined : this.parse(raw, name);
  }
  required(): Field<T> {
    return {
      type: this.type,
      isRequired: true,
      read: (params, name) => {
        const raw = params.get(name);
        if (raw === undefined) return bad(name, 'is required', 'missing');
        return this.parse(raw, name);
      },
    };
  }
  default(value: T): Field<T> {
    return {
      type: this.type,
      isRequired: false,
      defaultValue: value,
      read: (params, name) => this.read(params, name) ?? value,
    };
  }
}

/** One of a fixed set of strings, exactly. */
export function oneOf<T extends string>(values: readonly T[]): Scalar<T> {
  return new Scalar(`one of ${values.join(', ')}`, (raw, name) => {
    if (!(values as readonly string[]).includes(raw))
      return badValue(name, `must be one of ${values.join(', ')}`, 'range');
    return raw as T;
  });
}

export interface StringOptions {
  /** Longest accepted value, in characters. */
  max?: number;
  /** Whether the empty string is refused (default: yes). */
  nonEmpty?: boolean;
  /** The error kind for a value that is too long or empty, where the documents name one. */
  invalid?: ErrorKind;
}

export function str(opts: StringOptions = {}): Scalar<string> {
  const { max = 255, nonEmpty = true, invalid } = opts;
  return new Scalar(`string of ${nonEmpty ? 1 : 0}-${max} characters`, (raw, name) => {
    if (nonEmpty && raw.length === 0) return badValue(name, 'must not be empty', 'empty', invalid);
    if ([...raw].length > max) return badValue(name, `must be at most ${max} characters`, 'tooLong', invalid);
    return raw;
  });
}

/** A resource id such as `vpc-abcd1234`; other text is treated as an id that matches nothing. */
export function id(): Scalar<string> {
  return str({ max: 64 });
}

export function int(opts: { min?: number; max?: number } = {}): Scalar<number> {
  const { min = 0, max = 2 ** 31 - 1 } = opts;
  return new Scalar(`integer from ${min} to ${max}`, (raw, name) => {
    if (!/^-?\d{1,16}$/.test(raw)) return bad(name, 'must be an integer');
    const n = Number(raw);
    if (n < min || n > max) return badValue(name, `must be from ${min} to ${max}`, 'range');
    return n;
  });
}

export function bool(): Scalar<boolean> {
  return new Scalar('true, false, 1 or 0', (raw, name) => {
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return bad(name, 'must be true, false, 1 or 0');
  });
}

/** A dotted-quad IPv4 address; returned as given after checking its form. */
export function ip(): Scalar<string> {
  return new Scalar('IPv4 address', (raw, name) => {
    if (parseIp(raw) === null)
      return badValue(name, `is not an IPv4 address: ${JSON.stringify(raw.slice(0, 64))}`, 'malformed');
    return raw;
  });
}

/** An object inside a list: `name.N.field`. */
export function object<S extends Schema>(fields: S): Field<Infer<S>> {
  return {
    type: `object {${Object.keys(fields).join(', ')}}`,
    isRequired: true,
    fields,
    read: (params, prefix) => readSchema(fields, params, prefix + '.'),
  };
}

/**
 * A list: `name.0`, `name.1`, ... (or `name.0.field` for objects). Indices must run from 0 without
 * gaps; a list nobody sent is empty unless it is required.
 */
export function list<T>(item: Field<T>, opts: { max: number; min?: number }): Field<T[]> {
  const { max, min = 0 } = opts;
  return {
    type: `list of ${item.type} (${min}-${max} items, name.0, name.1, ...)`,
    isRequired: min > 0,
    item,
    read(params, name) {
      const prefix = name + '.';
      const indices = new Set<number>();
      for (const key of params.keys()) {
        if (!key.startsWith(prefix)) continue;
        const segment = key.slice(prefix.length).split('.', 1)[0]!;
        if (!/^\d{1,6}$/.test(segment)) return bad(key, 'has an index that is not a whole number');
        indices.add(Number(segment));
      }
      if (indices.size > max) return badValue(name, `takes at most ${max} items`, 'tooMany');
      if (indices.size < min) return bad(name, min === 1 ? 'is required' : `needs at least ${min} items`, 'missing');
      const out: T[] = [];
      for (let i = 0; i < indices.size; i++) {
        if (!indices.has(i)) return bad(name, `has no item ${i}: indices must run 0, 1, 2, ... without gaps`);
        const value = item.read(params, `${name}.${i}`);
        if (value === undefined) return bad(`${name}.${i}`, 'is required', 'missing');
        out.push(value);
      }
      return out;
    },
  };
}

export type Schema = Record<string, Field<unknown>>;
export type Infer<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export function readSchema<S extends Schema>(schema: S, params: ParamMap, prefix = ''): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) out[key] = field.read(params, prefix + key);
  return out as Infer<S>;
}
