// A strict reader of the Prometheus text exposition format (version 0.0.4), for the /metrics tests:
// every line must be a HELP, a TYPE or a sample of a family whose TYPE came first; names, label
// sets, escapes and values must be well formed; a histogram's buckets must be cumulative and end
// at +Inf equal to its _count. Anything else throws, naming the line.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** A float as Go's ParseFloat reads it (what Prometheus uses): Inf and NaN in any letter case. */
function parseValue(text: string, where: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

/** `{a="x",b="y"}` from position 0 of `text`; returns the labels and where the set ended. */
function parseLabels(text: string, where: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without =`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: label ${name} given twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name} value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`${where}: bad escape \\${next}`);
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`${where}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`${where}: expected , or } after label ${name}`);
  }
  return { labels, end: i + 1 };
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const f = m ? families.get(m[1]!) : undefined;
  return f && (f.type === 'histogram' || (f.type === 'summary' && m![2] !== 'bucket')) ? f : undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, n) => {
      const where = `line ${n + 1}`;
      if (line === '') return;
      if (line.startsWith('#')) {
        const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
        if (!m) return; // a plain comment
        const [, kind, name, rest] = m as unknown as [string, string, string, string];
        if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
        const f = families.get(name) ?? { name, type: 'untyped' as MetricType, help: '', samples: [] };
        if (kind === 'TYPE') {
          if (!TYPES.includes(rest as MetricType)) throw new Error(`${where}: unknown type ${rest}`);
          if (families.has(name) && f.samples.length) throw new Error(`${where}: TYPE after samples of ${name}`);
          f.type = rest as MetricType;
        } else f.help = rest;
        families.set(name, f);
        return;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
      if (!m) throw new Error(`${where}: not a sample: ${line}`);
      const name = m[1]!;
      let rest = line.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) {
        const parsed = parseLabels(rest, where);
        labels = parsed.labels;
        rest = rest.slice(parsed.end);
      }
      const parts = rest.trim().split(' ');
      if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2)
        throw new Error(`${where}: bad sample ${line}`);
      const family = familyOf(name, families);
      if (!family) throw new Error(`${where}: sample ${name} has no TYPE before it`);
      family.samples.push({ name, labels, value: parseValue(parts[0]!, where) });
    });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, Sample[]>();
  const key = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples) {
    if (s.name !== `${f.name}_bucket`) continue;
    if (s.labels.le === undefined) throw new Error(`${f.name}: a bucket without le`);
    series.set(key(s.labels), [...(series.get(key(s.labels)) ?? []), s]);
  }
  for (const [labels, buckets] of series) {
    let last = -Infinity;
    for (const b of buckets) {
      if (b.value < last) throw new Error(`${f.name}${labels}: buckets are not cumulative`);
      last = b.value;
    }
    const inf = buckets.at(-1)!;
    const count = f.samples.find((s) => s.name === `${f.name}_count` && key(s.labels) === labels);
    if (inf.labels.le !== '+Inf' || !count || count.value !== inf.value) {
      throw new Error(`${f.name}${labels}: the +Inf bucket must be last and equal _count`);
    }
  }
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families);
  const hits = (family?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hits.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${hits.length} samples`);
  return hits[0]?.value ?? 0;
}
