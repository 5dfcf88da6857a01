// IPv4 and CIDR arithmetic on plain numbers (0 .. 2^32-1). Pure; exhaustively unit-tested.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export interface Cidr {
  readonly network: number; // first address
  readonly prefix: number;
  readonly size: number; // addresses in the block
}

export function parseIp(text: string): number | null {
  if (!IPV4.test(text)) return null;
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/n`; the address must be the block's network address (10.0.0.1/24 is rejected). */
export function parseCidr(text: string): Cidr | null {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const ip = parseIp(m[1]!);
  const prefix = Number(m[2]);
  if (ip === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return null;
  return { network: ip, prefix, size };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.network)}/${c.prefix}`;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.network >= outer.network && inner.network + inner.size <= outer.network + outer.size;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + b.size && b.network < a.network + a.size;
}

export function containsIp(c: Cidr, ip: number): boolean {
  return ip >= c.network && ip < c.network + c.size;
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((t) => parseCidr(t)!);

/**
 * A VPC block inside a private range, mask up to /28; `wide` also allows masks from /12 in the
 * 10.0.0.0/8 and 172.16.0.0/12 ranges (API 3.0), where v2 starts at /16.
 */
export function isValidVpcCidr(c: Cidr, wide = false): boolean {
  const shortest = (r: Cidr) => (wide && r.prefix < 16 ? 12 : 16);
  return c.prefix <= 28 && PRIVATE_RANGES.some((r) => contains(r, c) && c.prefix >= shortest(r));
}

/** A subnet block: mask /16 to /28, inside its VPC (overlap with siblings is checked by the caller). */
export function isValidSubnetCidr(vpc: Cidr, c: Cidr): boolean {
  return c.prefix >= 16 && c.prefix <= 28 && contains(vpc, c);
}

/**
 * Addresses a subnet can hand out: all but the network address, the first host (the gateway) and
 * the broadcast address, so a /24 has 253.
 */
export function usableRange(c: Cidr): { first: number; last: number; count: number } {
  const first = c.network + 2;
  const last = c.network + c.size - 2;
  return { first, last, count: Math.max(0, last - first + 1) };
}

export function isUsable(c: Cidr, ip: number): boolean {
  const { first, last } = usableRange(c);
  return ip >= first && ip <= last;
}
