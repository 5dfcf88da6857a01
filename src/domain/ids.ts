import { createHash, randomBytes } from 'node:crypto';

// Resource ids are `<prefix>-` + 8 lower-case alphanumerics; MACs carry the 20:90:6F prefix.
// Randomness is injectable, and a seed (VPC_ENI_SEED, or test control's /_vpceni/seed) makes every
// id, MAC, secret and RequestId repeat from run to run.

export type Random = (bytes: number) => Buffer;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

const RESOURCE_ID = /^(vpc|subnet|eni|ins|sg)-[a-z0-9]{8}$/;

/** Every resource id among the string values of `value` (parameters, a payload, an answer), at any
 *  depth, first seen first, without repeats. */
export function resourceIdsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (RESOURCE_ID.test(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) resourceIdsIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) resourceIdsIn(v, out);
  }
  return out;
}

export interface IdGenerator {
  id(prefix: 'vpc' | 'subnet' | 'eni' | 'ins' | 'sg'): string;
  mac(): string;
  secret(length: number): string;
  /** A lower-case UUID v4: RequestIds, instance UUIDs. */
  uuid(): string;
  /** From now on draw from a stream determined by `seed` alone (null: back to true randomness). */
  reseed(seed: string | null): void;
}

/** A deterministic byte stream: SHA-256 of the seed and a block counter, block after block. */
export function seededRandom(seed: string): Random {
  let block = 0;
  let pool = Buffer.alloc(0);
  return (bytes) => {
    while (pool.length < bytes) {
      const next = createHash('sha256').update(`${seed}\0${block++}`).digest();
      pool = Buffer.concat([pool, next]);
    }
    const out = pool.subarray(0, bytes);
    pool = pool.subarray(bytes);
    return out;
  };
}

/** Crypto-random bytes drawn from a pool refilled 4 KB at a time: one RequestId, event id and
 *  resource id per request each cost a system call otherwise. */
export function pooledRandom(): Random {
  let pool = Buffer.alloc(0);
  return (bytes) => {
    if (pool.length < bytes) pool = randomBytes(Math.max(4096, bytes));
    const out = pool.subarray(0, bytes);
    pool = pool.subarray(bytes);
    return out;
  };
}

export function idGenerator(initial: Random = pooledRandom()): IdGenerator {
  // Seeded, each kind draws from a stream of its own: the RequestIds of however many polls a
  // client happened to make do not shift the ids of the resources it creates.
  let seeded: Map<string, Random> | null = null;
  let seed = '';
  const stream = (kind: string): Random => {
    if (seeded === null) return initial;
    let r = seeded.get(kind);
    if (!r) seeded.set(kind, (r = seededRandom(`${seed}\0${kind}`)));
    return r;
  };
  return {
    reseed(value) {
      seeded = value === null ? null : new Map();
      seed = value ?? '';
    },
    id(prefix) {
      // 36^8 ids; 252 is the largest multiple of 36 below 256, so skipping bytes above it keeps the
      // characters uniform.
      let out = '';
      while (out.length < 8) {
        for (const b of stream(prefix)(12)) {
          if (b < 252 && out.length < 8) out += ALPHABET[b % 36];
        }
      }
      return `${prefix}-${out}`;
    },
    mac() {
      const b = stream('mac')(3);
      return ['20', '90', '6F', ...[...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase())].join(':');
    },
    uuid() {
      const b = Buffer.from(stream('uuid')(16));
      b[6] = (b[6]! & 0x0f) | 0x40; // version 4
      b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    secret(length) {
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      let out = '';
      while (out.length < length) {
        for (const b of stream('secret')(length * 2)) if (b < 248 && out.length < length) out += chars[b % 62];
      }
      return out;
    },
  };
}
