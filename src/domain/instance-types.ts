// Instance types: `<FAMILY>.<SIZE><MEMORY>` (S5.MEDIUM4 is 2 cores, 4 GiB). SIZE is SMALL (1 core),
// MEDIUM (2), LARGE (4) or <n>XLARGE (4·n). The ENI limits come from the cores and memory, so a type
// is only a name for a (cpu, memory) pair; instances created through v2, which give cpu and memory,
// get the name this module derives for them.

export interface InstanceType {
  name: string;
  family: string;
  cpu: number;
  mem: number;
}

/** The types DescribeInstanceTypeConfigs lists; RunInstances accepts any name of the pattern. */
export const TYPE_CATALOGUE: readonly string[] = [
  'S5.SMALL1',
  'S5.SMALL2',
  'S5.SMALL4',
  'S5.MEDIUM2',
  'S5.MEDIUM4',
  'S5.MEDIUM8',
  'S5.LARGE8',
  'S5.LARGE16',
  'M5.LARGE32',
  'S5.2XLARGE16',
  'S5.2XLARGE32',
  'S5.3XLARGE24',
  'S5.4XLARGE32',
  'S5.4XLARGE64',
  'S5.8XLARGE64',
];

export const DEFAULT_TYPE = 'S5.SMALL1';

const SHAPE = /^([A-Z][A-Z0-9]{0,7})\.(SMALL|MEDIUM|LARGE|([1-9]\d{0,2})XLARGE)(0|[1-9]\d{0,4})$/;
/** The name given to sizes no family covers (3 cores, 6 GiB: CUSTOM.3C6G). */
const CUSTOM = /^CUSTOM\.(0|[1-9]\d{0,3})C(0|[1-9]\d{0,4})G$/;

export const MAX_CPU = 256;
export const MAX_MEM = 4096;

/**
 * The type a name denotes; `malformed` when it does not follow the pattern, `unknown` when it does
 * but names no size offered (memory outside 1–4096 GiB, cores outside 1–256, `1XLARGE`, which is
 * spelt LARGE). Names this module gives v2 instances (CUSTOM.<cpu>C<mem>G) read back too.
 */
export function parseInstanceType(name: string): InstanceType | 'malformed' | 'unknown' {
  const custom = CUSTOM.exec(name);
  const m = SHAPE.exec(name);
  if (!m && !custom) return 'malformed';
  let family: string, cpu: number, mem: number;
  if (custom) [family, cpu, mem] = ['CUSTOM', Number(custom[1]), Number(custom[2])];
  else {
    const [, fam, size, n, memText] = m!;
    if (n !== undefined && Number(n) < 2) return 'unknown';
    family = fam!;
    cpu = size === 'SMALL' ? 1 : size === 'MEDIUM' ? 2 : size === 'LARGE' ? 4 : 4 * Number(n);
    mem = Number(memText);
  }
  if (cpu < 1 || cpu > MAX_CPU || mem < 1 || mem > MAX_MEM) return 'unknown';
  return { name, family, cpu, mem };
}

/** The name of an instance created from cores and memory alone (v2): S5.<SIZE><mem>, or CUSTOM (D9). */
export function typeNameOf(cpu: number, mem: number): string {
  if (cpu === 1) return `S5.SMALL${mem}`;
  if (cpu === 2) return `S5.MEDIUM${mem}`;
  if (cpu === 4) return `S5.LARGE${mem}`;
  if (cpu % 4 === 0) return `S5.${cpu / 4}XLARGE${mem}`;
  return `CUSTOM.${cpu}C${mem}G`;
}

/** An instance's type name: the one it was created with, else the one its size implies. */
export function typeNameOfInstance(i: { instanceType: string; cpu: number; mem: number }): string {
  return i.instanceType || typeNameOf(i.cpu, i.mem);
}
