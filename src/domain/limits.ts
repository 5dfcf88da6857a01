// Per-instance ENI and per-ENI private-IP limits by CPU and memory, as Tencent documents them. Both figures
// include the primary ENI / primary IP. Core counts between rows (3, 5-7) take the row below.

export interface InstanceLimits {
  readonly enis: number;
  readonly ipsPerEni: number;
}

export function instanceLimits(cpu: number, memGb: number): InstanceLimits {
  if (cpu <= 1) return memGb <= 1 ? { enis: 2, ipsPerEni: 2 } : { enis: 2, ipsPerEni: 6 };
  if (cpu <= 2) return { enis: 2, ipsPerEni: 10 };
  if (cpu <= 4) return memGb <= 16 ? { enis: 4, ipsPerEni: 10 } : { enis: 4, ipsPerEni: 20 };
  if (cpu <= 12) return { enis: 6, ipsPerEni: 20 };
  return { enis: 8, ipsPerEni: 30 };
}

/** An ENI that is attached to no instance may hold this many private IPs, primary included. */
export const MAX_IPS_UNATTACHED_ENI = 30;
