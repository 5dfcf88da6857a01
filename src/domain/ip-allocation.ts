import type { Queryable } from '../store/db.ts';
import { findIp, lowestFreeIp } from '../store/ip.repo.ts';
import { containsIp, isUsable, parseCidr, parseIp, usableRange } from './cidr.ts';
import { fail } from './errors.ts';
import type { Subnet } from './model.ts';

// Choosing private IPs in a subnet. Callers hold the subnet's row lock, so what is free here stays
// free until they commit.

/**
 * Checks caller-chosen addresses: inside the subnet, not reserved, not in use. `param(n)` is the
 * parameter that gave the n-th address: a 4000 names the parameter it is about.
 */
export async function checkRequestedIps(
  q: Queryable,
  subnet: Subnet,
  ips: readonly string[],
  param: (n: number) => string,
): Promise<number[]> {
  const cidr = parseCidr(subnet.cidr)!;
  const out: number[] = [];
  for (const [n, text] of ips.entries()) {
    const ip = parseIp(text)!;
    const what = `parameter ${param(n)}: private IP ${text}`;
    if (!containsIp(cidr, ip)) {
      fail('InvalidPrivateIpAddress.NotInSubnet', `${what} is not in subnet ${subnet.id} (${subnet.cidr})`);
    }
    if (!isUsable(cidr, ip)) {
      fail('InvalidParameterValue', `${what} is reserved in subnet ${subnet.id} (network, gateway or broadcast)`);
    }
    if (out.includes(ip)) fail('InvalidParameterValue', `${what} is requested twice`);
    if (await findIp(q, subnet.id, ip)) fail('InvalidPrivateIpAddress.InUse', `${what} is already in use`);
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
      fail('ResourceInsufficient.Subnet', `subnet ${subnet.id} (${subnet.cidr}) has no free private IP left`);
    }
    from = ip + 1;
    if (!exclude.includes(ip)) picked.push(ip);
  }
  return picked;
}
