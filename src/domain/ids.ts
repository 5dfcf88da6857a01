import { randomBytes, randomUUID } from 'node:crypto';

// Resource ids are `<prefix>-` + 8 lower-case alphanumerics; MACs carry the 20:90:6F prefix.
// Randomness is injectable so tests can make ids predictable.

export type Random = (bytes: number) => Buffer;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface IdGenerator {
  id(prefix: 'vpc' | 'subnet' | 'eni' | 'ins' | 'sg'): string;
  mac(): string;
  secret(length: number): string;
  /** A lower-case UUID v4: RequestIds, instance UUIDs. */
  uuid(): string;
}

export function idGenerator(random: Random = randomBytes): IdGenerator {
  return {
    id(prefix) {
      // 36^8 ids; 252 is the largest multiple of 36 below 256, so skipping bytes above it keeps the
      // characters uniform.
      let out = '';
      while (out.length < 8) {
        for (const b of random(12)) {
          if (b < 252 && out.length < 8) out += ALPHABET[b % 36];
        }
      }
      return `${prefix}-${out}`;
    },
    mac() {
      const b = random(3);
      return ['20', '90', '6F', ...[...b].map((x) => x.toString(16).padStart(2, '0').toUpperCase())].join(':');
    },
    uuid: () => randomUUID(),
    secret(length) {
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      let out = '';
      while (out.length < length) {
        for (const b of random(length * 2)) if (b < 248 && out.length < length) out += chars[b % 62];
      }
      return out;
    },
  };
}
