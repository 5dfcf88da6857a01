import { DomainError } from '../../domain/errors.ts';
import { decodeForm } from '../v2/params.ts';

// Decoding a 3.0 request's parameters into one JSON-like object: a JSON body as it is; a
// flattened form (TC3 GET, v1) `Filters.0.Values.1=x` into nested objects and lists. List
// indices may start at 0 or 1 and have gaps (CVM documents 1-based ones): items keep the order
// of their numbers.

export function decodeJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  if (!isUtf8(body))
    throw new DomainError('invalidValue', 'the request body is not valid UTF-8', { reason: 'malformed' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('invalidParameter', 'the request body is not valid JSON', { reason: 'type' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DomainError('invalidParameter', 'the request body must be a JSON object', { reason: 'type' });
  }
  return value as Record<string, unknown>;
}

function isUtf8(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

type Tree = { [key: string]: Tree | string };

/** `a.0.b=x&a.1.b=y` → `{a: [{b: 'x'}, {b: 'y'}]}`; the names in `skip` are left out. */
export function unflatten(
  pairs: ReadonlyArray<readonly [string, string]>,
  skip: ReadonlySet<string>,
): Record<string, unknown> {
  const root: Tree = {};
  for (const [name, value] of pairs) {
    if (skip.has(name)) continue;
    const parts = name.split('.');
    let node = root;
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1) {
        if (typeof node[part] === 'object') throw clash(name);
        node[part] = value;
      } else {
        const next = (node[part] ??= {});
        if (typeof next === 'string') throw clash(name);
        node = next;
      }
    }
  }
  return listify(root) as Record<string, unknown>;
}

const clash = (name: string) =>
  new DomainError('invalidParameter', `parameter ${name} is given both as a value and as a list or object`, {
    reason: 'type',
  });

/** Objects whose keys are all whole numbers become lists, ordered by number. */
function listify(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d{1,6}$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => listify(node[k]!));
  }
  return Object.fromEntries(keys.map((k) => [k, listify(node[k]!)]));
}

export { decodeForm };
