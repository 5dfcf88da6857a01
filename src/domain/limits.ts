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

/** The longest name or description of a resource, in characters (code points), as both APIs document. */
export const NAME_MAX = 60;

const PRIMARY_SUFFIX = '-primary';

/**
 * The name of the primary ENI a launch creates: the instance's name (or id) and `-primary`, with the
 * name cut short so the whole stays within NAME_MAX, and so can be searched for and written back.
 */
export function primaryEniName(instance: { id: string; name: string }): string {
  const base = [...(instance.name || instance.id)].slice(0, NAME_MAX - PRIMARY_SUFFIX.length).join('');
  return base + PRIMARY_SUFFIX;
}
