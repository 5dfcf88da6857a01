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
  /** Every region, in catalogue order. */
  regions(): readonly Region[];
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
    regions: () => [...new Set(byName.values())],
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

// Display names of regions and zones, as DescribeRegions and DescribeZones show them. The known
// regions have their documented names; a region from VPC_ENI_REGIONS gets its city from its name.
const KNOWN: Record<string, { en: string; zh: string; city: string; cityZh: string }> = {
  'ap-guangzhou': { en: 'South China (Guangzhou)', zh: '华南地区(广州)', city: 'Guangzhou', cityZh: '广州' },
  'ap-shanghai': { en: 'East China (Shanghai)', zh: '华东地区(上海)', city: 'Shanghai', cityZh: '上海' },
  'ap-beijing': { en: 'North China (Beijing)', zh: '华北地区(北京)', city: 'Beijing', cityZh: '北京' },
  'ap-chengdu': { en: 'Southwest China (Chengdu)', zh: '西南地区(成都)', city: 'Chengdu', cityZh: '成都' },
  'ap-chongqing': { en: 'Southwest China (Chongqing)', zh: '西南地区(重庆)', city: 'Chongqing', cityZh: '重庆' },
  'ap-nanjing': { en: 'East China (Nanjing)', zh: '华东地区(南京)', city: 'Nanjing', cityZh: '南京' },
  'ap-hongkong': { en: 'Hong Kong, China', zh: '港澳台地区(中国香港)', city: 'Hong Kong', cityZh: '香港' },
  'ap-singapore': { en: 'Southeast Asia (Singapore)', zh: '亚太东南(新加坡)', city: 'Singapore', cityZh: '新加坡' },
};

export type Language = 'en-US' | 'zh-CN';

function cityOf(region: string): { city: string; cityZh: string } {
  const known = KNOWN[region];
  if (known) return known;
  const city =
    region
      .split('-')
      .slice(1)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ') || region;
  return { city, cityZh: city };
}

export function regionDisplayName(region: string, lang: Language): string {
  const known = KNOWN[region];
  if (known) return lang === 'zh-CN' ? known.zh : known.en;
  return cityOf(region).city;
}

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–99 in Chinese numerals (三, 十二, 二十一). */
function chinese(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return (tens > 1 ? DIGITS[tens]! : '') + (tens > 0 ? '十' : '') + DIGITS[ones]!;
}

/** `Guangzhou Zone 3` / `广州三区`. */
export function zoneDisplayName(zone: Zone, lang: Language): string {
  const index = zone.id % 100000;
  const { city, cityZh } = cityOf(zone.region);
  return lang === 'zh-CN' ? `${cityZh}${chinese(index)}区` : `${city} Zone ${index}`;
}
