import type { Queryable } from '../store/db.ts';
import { findIp, lowestFreeIp } from '../store/ip.repo.ts';
import { containsIp, isUsable, parseCidr, parseIp, usableRange } from './cidr.ts';
import { fail } from './errors.ts';
import type { Subnet } from './model.ts';

// Choosing private IPs in a subnet. Callers hold the subnet's row lock, so what is free here stays
// free until they commit.

/**
 * Refuses a list that names one address twice. The request alone decides it, so callers run it with
 * their other input checks, before any lookup; `field(n)` names the parameter of the n-th address.
 */
export function requireDistinctIps(ips: readonly string[], field: (n: number) => string): void {
  const seen = new Set<number>();
  for (const [n, text] of ips.entries()) {
    const ip = parseIp(text)!;
    if (seen.has(ip))
      fail('invalidValue', `private IP ${text} is listed twice`, { field: field(n), reason: 'duplicate' });
    seen.add(ip);
  }
}

/**
 * Checks caller-chosen addresses, already distinct (requireDistinctIps): inside the subnet, not
 * reserved, not in use. `field(n)` is the
 * domain field that gave the n-th address, so that the answer names the parameter it is about.
 */
export async function checkRequestedIps(
  q: Queryable,
  subnet: Subnet,
  ips: readonly string[],
  field: (n: number) => string,
): Promise<number[]> {
  const cidr = parseCidr(subnet.cidr)!;
  const out: number[] = [];
  for (const [n, text] of ips.entries()) {
    const ip = parseIp(text)!;
    const what = `private IP ${text}`;
    const at = { field: field(n) };
    if (!containsIp(cidr, ip)) {
      fail('ipNotInSubnet', `${what} is not in subnet ${subnet.id} (${subnet.cidr})`, { ...at, reason: 'range' });
    }
    if (!isUsable(cidr, ip)) {
      fail('invalidValue', `${what} is reserved in subnet ${subnet.id} (network, gateway or broadcast)`, {
        ...at,
        reason: 'reserved',
      });
    }
    if (await findIp(q, subnet.id, ip)) fail('ipInUse', `${what} is already in use`, at);
    out.push(ip);
  }
  return out;
}

/** The `count` lowest free addresses of the subnet, leaving out `exclude` (chosen but not yet stored). */
export async function pickFreeIps(
  q: Queryable,
  subnet: Subnet,
  count: number,
  exclude: readonly number[] = [],
): Promise<number[]> {
  const { first, last } = usableRange(parseCidr(subnet.cidr)!);
  const picked: number[] = [];
  let from = first;
  while (picked.length < count) {
    const ip = from <= last ? await lowestFreeIp(q, subnet.id, from, last) : null;
    if (ip === null) {
      fail('subnetFull', `subnet ${subnet.id} (${subnet.cidr}) has no free private IP left`);
    }
    from = ip + 1;
    if (!exclude.includes(ip)) picked.push(ip);
  }
  return picked;
}
