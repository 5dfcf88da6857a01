import fs from 'node:fs';
import path from 'node:path';

// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function and
// by file, as shares of all samples.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Share {
  name: string;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  functions: Share[];
  files: Share[];
}

const ROOT = path.resolve(import.meta.dirname, '..');

function where(url: string): string {
  if (!url) return '(native)';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm + 'node_modules/'.length);
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

function top(map: Map<string, number>, total: number, n: number): Share[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, hits]) => ({ name, percent: (100 * hits) / total }));
}

export function summarise(file: string, n = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const f = node.callFrame;
    const loc = where(f.url);
    const name = `${f.functionName || '(anonymous)'} ${loc}${f.url ? ':' + (f.lineNumber + 1) : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    const group = f.url ? loc : f.functionName;
    byFile.set(group, (byFile.get(group) ?? 0) + hits);
    total += hits;
  }
  return { file, functions: top(byFunction, total, n), files: top(byFile, total, n) };
}

export function formatSummary(s: ProfileSummary): string {
  const list = (shares: Share[]) => shares.map((x) => `  ${x.percent.toFixed(1).padStart(5)}%  ${x.name}`).join('\n');
  return `CPU profile ${s.file}\nself time by function:\n${list(s.functions)}\nself time by file:\n${list(s.files)}`;
}

/** `tsx bench/profile.ts FILE.cpuprofile`: summarise a profile taken earlier. */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const f of process.argv.slice(2)) process.stdout.write(formatSummary(summarise(f, 25)) + '\n');
}
