import { DomainError } from '../../domain/errors.ts';

// Form decoding of a query string or an x-www-form-urlencoded body into ordered (name, value) pairs,
// decoded exactly once, as the signature needs them.

export type Pairs = Array<[string, string]>;

export function decodeForm(raw: string): Pairs {
  const pairs: Pairs = [];
  if (raw === '') return pairs;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const name = decodeComponent(rawName, rawName);
    pairs.push([name, decodeComponent(rawValue, name)]);
  }
  return pairs;
}

function decodeComponent(text: string, paramName: string): string {
  const spaced = text.replaceAll('+', ' ');
  let decoded = spaced;
  if (spaced.includes('%')) {
    try {
      decoded = decodeURIComponent(spaced);
    } catch {
      throw new DomainError('invalidParameter', `parameter ${printable(paramName)} is not valid percent-encoded UTF-8`);
    }
  }
  // No parameter has a use for NUL, and PostgreSQL text cannot hold one: refused here, it cannot
  // reach a query and come back as an InternalError.
  if (decoded.includes('\u0000')) {
    throw new DomainError('invalidParameter', `parameter ${printable(paramName)} contains a NUL character`);
  }
  return decoded;
}

/** A parameter name as it can safely appear in an error message. */
export function printable(name: string): string {
  const cut = name.length > 64 ? name.slice(0, 64) + '…' : name;
  return JSON.stringify(cut);
}

/**
 * The parameters of a request, names read with `_` as `.` (the v2 backend treated the two alike). A
 * name given twice is ambiguous, so reading it is refused, but only reading it: a repeated parameter
 * nobody reads is ignored like any other parameter the action does not define, and so cannot hide an
 * authentication failure or an unknown Action behind a 4000.
 */
export class FormParams {
  private readonly values = new Map<string, string>();
  private readonly repeated = new Set<string>();
  constructor(pairs: Pairs) {
    for (const [rawName, value] of pairs) {
      const name = rawName.replaceAll('_', '.');
      if (this.values.has(name)) this.repeated.add(name);
      else this.values.set(name, value);
    }
  }
  get(name: string): string | undefined {
    if (this.repeated.has(name)) {
      // Even with equal values: the signature could not tell which one the caller meant to sign.
      throw new DomainError('invalidParameter', `parameter ${printable(name)} is given more than once`, {
        reason: 'duplicate',
      });
    }
    return this.values.get(name);
  }
  keys(): IterableIterator<string> {
    return this.values.keys();
  }
  get size(): number {
    return this.values.size;
  }
}
