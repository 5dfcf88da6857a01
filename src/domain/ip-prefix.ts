import { parseIp } from './cidr.ts';

// Address searches by text. DescribeNetworkInterfaces' `address-ip` matches the start of the
// dotted text ("10.0.1" finds 10.0.1.x, 10.0.10.x … 10.0.199.x), but the store can only compare
// numbers, so a prefix becomes the few inclusive numeric ranges whose addresses print with it.

export type IpRange = readonly [number, number];

const OCTET = /^(0|[1-9]\d{0,2})$/;

/** Inclusive ranges, ascending and merged, of the addresses whose dotted text starts with `prefix`. */
export function ipTextPrefixRanges(prefix: string): IpRange[] {
  const parts = prefix.split('.');
  if (parts.length > 4) return [];
  // Every part but the last is a whole octet as formatIp prints it (no leading zeros); the last
  // is the beginning of an octet's text, possibly empty.
  const partial = parts.pop()!;
  let base = 0;
  for (const p of parts) {
    if (!OCTET.test(p) || Number(p) > 255) return [];
    base = base * 256 + Number(p);
  }
  if (!/^\d{0,3}$/.test(partial)) return [];
  const span = 256 ** (3 - parts.length);
  const out: Array<[number, number]> = [];
  for (let v = 0; v < 256; v++) {
    if (!String(v).startsWith(partial)) continue;
    const lo = (base * 256 + v) * span;
    const prev = out.at(-1);
    if (prev && prev[1] + 1 === lo) prev[1] = lo + span - 1;
    else out.push([lo, lo + span - 1]);
  }
  return out;
}

/**
 * What an address search matches: one value is a text prefix unless `exact`; several values are
 * each an exact address. A value that is not an address matches nothing.
 */
export function addressRanges(values: readonly string[], exact: boolean): IpRange[] {
  if (values.length === 1 && !exact) return ipTextPrefixRanges(values[0]!);
  return values.flatMap((v): IpRange[] => {
    const n = parseIp(v);
    return n === null ? [] : [[n, n]];
  });
}
