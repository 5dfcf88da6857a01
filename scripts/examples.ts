// Runs the example scenarios of src/cli/examples.ts against a fresh in-process server, for the
// generated action references. Everything that varies from run to run is pinned so that the docs
// are the same every time: the clock (it stands still between requests), ids, MACs and RequestIds
// (drawn from a seeded stream), and tasks (due at once, and finished before the next request, so
// the stream is drawn in the same order).
import { createHash, type BinaryLike } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ActionDef as V3Action } from '../src/api/v3/action.ts';
import { unflatten } from '../src/api/v3/params.ts';
import { buildApp } from '../src/app.ts';
import { findAction, type Api } from '../src/cli/actions.ts';
import { parseParams } from '../src/cli/call.ts';
import { requestV2, requestV3, type Answer, type Target } from '../src/cli/client.ts';
import { commandLine, scenario, type Step } from '../src/cli/examples.ts';
import { loadConfig } from '../src/config.ts';
import { idGenerator, type IdGenerator } from '../src/domain/ids.ts';
import { createLogger } from '../src/log.ts';

export interface Example {
  step: Step;
  /** The command as a user types it. */
  command: string;
  /** The answer as `vpc-eni call` prints it (with the finished task for --wait). */
  shown: Answer;
  /** The action's own answer: v2's whole envelope, or API 3.0's Response. */
  answer: Answer;
}

/** 2026-01-15 10:00:00 in Beijing, where the service's times are. */
const START_MS = Date.UTC(2026, 0, 15, 2, 0, 0);
const KEY = {
  appId: 1251000001,
  secretId: 'AKIDexample0000000000000000000000001',
  secretKey: 'exampleSecretKey0000000000000001',
};

/** A seeded byte stream: the same ids in the same order on every run. */
function seededIds(seed: BinaryLike): IdGenerator {
  let counter = 0;
  let pool = Buffer.alloc(0);
  const random = (n: number) => {
    while (pool.length < n) {
      pool = Buffer.concat([
        pool,
        createHash('sha256')
          .update(`${String(seed)}:${counter++}`)
          .digest(),
      ]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
  const uuid = () => {
    const b = Buffer.from(random(16));
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  return { ...idGenerator(random), uuid };
}

function pick(value: unknown, at: string): unknown {
  return at
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** The example of every action of `api`: its first step in the scenario that is not `setup`. */
export async function runExamples(api: Api): Promise<Map<string, Example>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-docs-'));
  let clock = START_MS;
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'examples.db')}`,
    TASK_LATENCY_MS: '0',
    TASK_POLL_MS: '60000',
    VPC_ENI_ACCOUNTS: `${KEY.appId}:${KEY.secretId}:${KEY.secretKey}`,
  });
  const app = await buildApp(config, {
    log: createLogger('silent'),
    now: () => clock,
    ids: seededIds(`examples-${api}`),
  });
  const examples = new Map<string, Example>();
  try {
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    const target: Target = {
      endpoint: new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`),
      key: KEY,
      region: 'ap-guangzhou',
      timestampS: () => Math.floor(clock / 1000),
    };
    const vars = new Map<string, string>();
    const send = async (action: string, args: string[]): Promise<Answer> => {
      clock += 1000;
      const { pairs, json } = parseParams(args);
      if (api === '2') return requestV2(target, action, pairs);
      const def = findAction('3', action) as V3Action;
      return requestV3(target, def.product, action, { ...unflatten(pairs, new Set()), ...json });
    };
    for (const step of scenario(api)) {
      const def = findAction(api, step.action);
      if (!def) throw new Error(`example scenario: ${step.action} is not an action of API ${api}`);
      const args = step.args.map((a) =>
        a.replace(/\$([A-Z0-9_]+)/g, (_, name: string) => {
          const value = vars.get(name);
          if (value === undefined) throw new Error(`example ${step.action}: $${name} was not saved by an earlier step`);
          return value;
        }),
      );
      const answer = await send(step.action, args);
      const failed = api === '2' ? answer.code !== 0 : answer.Error !== undefined;
      if (failed) throw new Error(`example ${commandLine(api, step)} answered an error: ${JSON.stringify(answer)}`);
      if (def.async) {
        app.worker.tick();
        await app.worker.idle();
      }
      let shown = answer;
      if (step.wait) {
        const task =
          api === '2'
            ? await send('DescribeVpcTaskResult', [`taskId=${String(answer.taskId)}`])
            : await send('DescribeVpcTaskResult', [`TaskId=${String(answer.RequestId)}`]);
        const status = api === '2' ? pick(task, 'data.status') : task.Status;
        if (status !== (api === '2' ? 0 : 'SUCCESS')) {
          throw new Error(`example ${commandLine(api, step)}: its task did not succeed: ${JSON.stringify(task)}`);
        }
        shown = api === '2' ? { ...answer, task: task.data } : { ...answer, Task: task };
      }
      for (const [name, at] of Object.entries(step.save ?? {})) {
        const value = pick(answer, at);
        if (value === undefined) throw new Error(`example ${step.action}: the answer has no ${at} to save as $${name}`);
        vars.set(name, String(value));
      }
      if (!step.setup && !examples.has(step.action)) {
        examples.set(step.action, { step, command: commandLine(api, step), shown, answer });
      }
    }
    return examples;
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface FieldRow {
  name: string;
  type: string;
}

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'list'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v === 'object'
          ? 'object'
          : typeof v;

/** The fields of an answer as dotted paths (`NetworkInterfaceSet.N.PrivateIpAddressSet.N.Primary`). */
export function fieldRows(value: unknown, prefix = ''): FieldRow[] {
  if (value === null || typeof value !== 'object') return [];
  const rows: FieldRow[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(v)) {
      const item = v.find((x) => x !== null && x !== undefined);
      rows.push({ name, type: item === undefined ? 'list (empty here)' : `list of ${typeOf(item)}` });
      if (item !== undefined && typeOf(item) === 'object') rows.push(...fieldRows(item, `${name}.N`));
    } else {
      rows.push({ name, type: typeOf(v) });
      if (typeOf(v) === 'object') rows.push(...fieldRows(v, name));
    }
  }
  return rows;
}

/** A Markdown table cell: a `|` in the text must not end the cell. */
export const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The end of an action's section, the same for both APIs: the answer's fields (those of the
 * example), its error codes (`codeRows`, already a table, or empty), and the example itself.
 */
export function answerLines(o: { answerTitle: string; codeRows: string[]; example: Example | undefined }): string[] {
  const fields = o.example ? fieldRows(o.example.answer) : [];
  return [
    `**Answer** (${o.answerTitle}):`,
    '',
    '| Field | Type |',
    '|---|---|',
    ...fields.map((f) => `| \`${f.name}\` | ${f.type} |`),
    '',
    o.codeRows.length ? '**Error codes** besides the common ones:' : '**Error codes**: only the common ones.',
    '',
    ...(o.codeRows.length ? [...o.codeRows, ''] : []),
    ...(o.example
      ? [
          '**Example**:',
          '',
          '```sh',
          o.example.command,
          '```',
          '',
          '```json',
          JSON.stringify(o.example.shown, null, 2),
          '```',
          '',
        ]
      : []),
  ];
}
