import type { ActionDef as V2Action } from '../api/v2/action.ts';
import { ACTIONS } from '../api/v2/registry.ts';
import type { Field as V2Field } from '../api/v2/schema.ts';
import type { ActionDef as V3Action } from '../api/v3/action.ts';
import { ACTIONS_V3 } from '../api/v3/registry.ts';
import type { CodeDesc } from '../api/v2/errors.ts';
import { V2_CODES, V2_MEANINGS, V3_MEANINGS } from './codes.ts';
import { exampleCommand } from './examples.ts';
import type { Field as V3Field } from '../api/v3/schema.ts';

// The actions as their declarations describe them, for people: `vpc-eni actions`, `vpc-eni call
// <Action> --help`, suggestions for a misspelt name, and the generated docs/actions.md and
// docs/api3-actions.md (scripts/), which walk the parameters the same way.

export type Api = '2' | '3';
export type AnyAction = V2Action | V3Action;

export const API_NAMES: Record<Api, string> = { '2': 'v2', '3': 'API 3.0' };

export function actionsOf(api: Api): readonly AnyAction[] {
  return api === '2' ? ACTIONS : ACTIONS_V3;
}

export function findAction(api: Api, name: string): AnyAction | undefined {
  return actionsOf(api).find((a) => a.name === name);
}

export interface ParamRow {
  /** `subnetSet.N.cidrBlock`, `Filters.N.Name`. */
  name: string;
  type: string;
  /** yes, no, or in each item of the list it is in. */
  required: 'yes' | 'no' | 'in each item';
  /** v2 only: what an absent optional parameter becomes. */
  default?: string;
}

/** v2: a list is `name.N`, a list of objects also `name.N.field` (v2 nests no deeper). */
export function v2ParamRows(params: Readonly<Record<string, V2Field<unknown>>>): ParamRow[] {
  const row = (name: string, f: V2Field<unknown>, inItem: boolean): ParamRow => ({
    name,
    type: f.type,
    required: f.isRequired ? (inItem ? 'in each item' : 'yes') : 'no',
    ...('defaultValue' in f && { default: f.defaultValue === '' ? 'empty' : String(f.defaultValue) }),
  });
  return Object.entries(params).flatMap(([name, f]) => {
    if (!f.item) return [row(name, f, false)];
    const items = Object.entries(f.item.fields ?? {}).map(([key, sub]) => row(`${name}.N.${key}`, sub, true));
    return [row(`${name}.N`, f, false), ...items];
  });
}

/** API 3.0: list items are `Name.N`, object fields `Name.Field`, at any depth. */
export function v3ParamRows(params: Readonly<Record<string, V3Field<unknown>>>, inItem = false): ParamRow[] {
  return Object.entries(params).flatMap(([name, f]) => {
    const here: ParamRow = { name, type: f.type, required: f.isRequired ? (inItem ? 'in each item' : 'yes') : 'no' };
    const below: ParamRow[] = [];
    if (f.item) {
      // A list of objects is described by its fields; a list of scalars by its item.
      const items = f.item.fields ? v3ParamRows(f.item.fields, true) : v3ParamRows({ N: f.item }, true);
      below.push(...items.map((r) => ({ ...r, name: `${name}.${f.item!.fields ? 'N.' : ''}${r.name}` })));
    }
    if (f.fields) below.push(...v3ParamRows(f.fields, inItem).map((r) => ({ ...r, name: `${name}.${r.name}` })));
    return [here, ...below];
  });
}

export function paramRows(api: Api, a: AnyAction): ParamRow[] {
  return api === '2'
    ? v2ParamRows((a as V2Action).params as Record<string, V2Field<unknown>>)
    : v3ParamRows((a as V3Action).params as Record<string, V3Field<unknown>>);
}

/** The declared top-level parameter names of an action. */
export function paramNames(a: AnyAction): string[] {
  return Object.keys(a.params);
}

/** Edit distance, ignoring case: how far a misspelt name is from a known one. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** The known names closest to `name` (at most three), if any is close enough to be a misspelling. */
export function suggest(name: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return known
    .map((k) => ({ k, d: distance(name, k) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({ k }) => k);
}

/** Why `name` is not an action of `api`, and what the user may have meant. */
export function unknownActionMessage(api: Api, name: string): string {
  const other: Api = api === '2' ? '3' : '2';
  let text = `${name} is not a ${API_NAMES[api]} action`;
  if (findAction(other, name)) {
    text += `; it is ${API_NAMES[other]}: ${other === '3' ? 'add --api 3' : 'leave out --api 3'}`;
  } else {
    const close = suggest(
      name,
      actionsOf(api).map((a) => a.name),
    );
    if (close.length) text += `; did you mean ${close.join(' or ')}?`;
  }
  return `${text} (\`vpc-eni actions${api === '3' ? ' --api 3' : ''}\` lists them)`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

/** `vpc-eni call <Action> --help`: what the action does, its parameters and the codes it answers. */
export function actionHelp(api: Api, a: AnyAction): string {
  const v3 = api === '3' ? (a as V3Action) : undefined;
  const rows = paramRows(api, a);
  const lines = [
    `${a.name} (${API_NAMES[api]}${v3 ? `, ${v3.product}` : ''}): ${a.summary}.`,
    a.async
      ? api === '2'
        ? 'Asynchronous: answers taskId; --wait polls DescribeVpcTaskResult until the task has finished.'
        : 'Asynchronous: its RequestId is the task; --wait polls DescribeVpcTaskResult until it has finished.'
      : 'Synchronous.',
    '',
  ];
  if (rows.length === 0) lines.push('No parameters.');
  else {
    lines.push('Parameters (name=value; N is a list index from 0):');
    const head = api === '2' ? ['name', 'required', 'default', 'type'] : ['name', 'required', 'type'];
    const body = rows.map((r) =>
      api === '2' ? [r.name, r.required, r.default ?? '', r.type] : [r.name, r.required, r.type],
    );
    lines.push(...table([head, ...body]));
  }
  const codes = v3 ? (v3.codes ?? []) : (V2_CODES[a.name] ?? []);
  if (codes.length) {
    const meaning = (c: string) => (v3 ? V3_MEANINGS[c] : V2_MEANINGS[c as CodeDesc]) ?? '';
    lines.push('', `Error codes besides the common ones (${v3 ? 'Error.Code' : 'codeDesc'}):`);
    lines.push(...table(codes.map((c) => [c, meaning(c)])));
  }
  lines.push(exampleCommand(api, a.name));
  lines.push(
    `Reference, with an example answer: docs/${api === '2' ? 'actions' : 'api3-actions'}.md#${a.name.toLowerCase()}`,
  );
  return lines.join('\n') + '\n';
}

/** `vpc-eni actions`: every action of one API, or of both, with its summary. */
export function actionsList(api?: Api): string {
  const apis: Api[] = api ? [api] : ['3', '2'];
  const out: string[] = [];
  for (const one of apis) {
    const list = actionsOf(one);
    out.push(
      `${API_NAMES[one]} (${list.length} actions; vpc-eni call${one === '3' ? ' --api 3' : ''} <Action> --help for its parameters):`,
    );
    out.push(
      ...table(
        list
          .map((a) => [a.name, one === '3' ? (a as V3Action).product : '', a.async ? 'async' : '', a.summary])
          .map((r) => (one === '3' ? r : [r[0]!, r[2]!, r[3]!])),
      ),
      '',
    );
  }
  return out.join('\n');
}
