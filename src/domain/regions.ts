// Regions and availability zones the service offers. Resources are regional; a request's `Region`
// may use the short (gz) or long (ap-guangzhou) name. The catalogue can be replaced through config.

export interface Zone {
  readonly id: number; // region number * 100000 + index, e.g. 100003
  readonly name: string; // e.g. ap-guangzhou-3
  readonly region: string; // long region name
}

export interface Region {
  readonly name: string; // long name, the canonical one
  readonly shortName: string;
  readonly zones: readonly Zone[];
}

export interface Catalogue {
  region(nameOrShort: string): Region | undefined;
  /** A zone by numeric id or name, in the given region only. */
  zone(region: Region, idOrName: string): Zone | undefined;
  zoneById(id: number): Zone | undefined;
}

export interface RegionSpec {
  name: string;
  shortName: string;
  number: number;
  zoneCount: number;
}

export const DEFAULT_REGIONS: readonly RegionSpec[] = [
  { name: 'ap-guangzhou', shortName: 'gz', number: 1, zoneCount: 4 },
  { name: 'ap-shanghai', shortName: 'sh', number: 2, zoneCount: 3 },
  { name: 'ap-beijing', shortName: 'bj', number: 8, zoneCount: 3 },
];

export function buildCatalogue(specs: readonly RegionSpec[] = DEFAULT_REGIONS): Catalogue {
  const byName = new Map<string, Region>();
  const zones = new Map<number, Zone>();
  for (const s of specs) {
    const regionZones: Zone[] = [];
    for (let i = 1; i <= s.zoneCount; i++) {
      const zone = { id: s.number * 100000 + i, name: `${s.name}-${i}`, region: s.name };
      regionZones.push(zone);
      zones.set(zone.id, zone);
    }
    const region = { name: s.name, shortName: s.shortName, zones: regionZones };
    byName.set(s.name, region);
    byName.set(s.shortName, region);
  }
  return {
    region: (n) => byName.get(n),
    zone: (region, idOrName) => region.zones.find((z) => String(z.id) === idOrName || z.name === idOrName),
    zoneById: (id) => zones.get(id),
  };
}

/** `VPC_ENI_REGIONS="ap-guangzhou:gz:1:4,ap-shanghai:sh:2:3"` — long name, short name, number, zones. */
export function parseRegionSpecs(text: string): RegionSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, shortName, number, zoneCount] = entry.split(':');
      const spec = {
        name: name ?? '',
        shortName: shortName ?? '',
        number: Number(number),
        zoneCount: Number(zoneCount),
      };
      if (!spec.name || !spec.shortName || !(spec.number >= 1) || !(spec.zoneCount >= 1 && spec.zoneCount <= 99)) {
        throw new Error(`VPC_ENI_REGIONS: cannot read ${JSON.stringify(entry)} (want name:short:number:zones)`);
      }
      return spec;
    });
}
