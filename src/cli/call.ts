import type { ActionDef as V3Action } from '../api/v3/action.ts';
import { unflatten } from '../api/v3/params.ts';
import { loadClientConfig, loadConfig, databaseLabel, parseAccounts, type ClientConfig } from '../config.ts';
import { findAction, paramNames, suggest, unknownActionMessage, type Api, type AnyAction } from './actions.ts';
import { requestV2, requestV3, type Answer, type Key, type Target } from './client.ts';
import { readCredentialsFile } from './credentials-file.ts';
import { UsageError } from './usage.ts';

// `vpc-eni call`: one signed request from the command line, v2 by default, API 3.0 with `--api 3`
// (the product picked by the Action). It refuses an Action it does not know before sending
// anything, and an answer that is an error, or a task that failed, makes the exit status 1, so a
// script (`VPC=$(vpc-eni call ... --get Vpc.VpcId)`) never carries on with nothing.

export interface CallOptions {
  api: Api;
  get?: string;
  wait: boolean;
  region?: string;
}

export function requireAction(api: Api, name: string): AnyAction {
  const action = findAction(api, name);
  if (!action) throw new UsageError(unknownActionMessage(api, name));
  return action;
}

/** name=value pairs, or one JSON object (its lists and objects flattened for v2). */
export function parseParams(args: string[]): { pairs: Array<[string, string]>; json?: Record<string, unknown> } {
  const pairs: Array<[string, string]> = [];
  let json: Record<string, unknown> | undefined;
  for (const arg of args) {
    if (arg.trimStart().startsWith('{')) {
      try {
        json = { ...json, ...(JSON.parse(arg) as Record<string, unknown>) };
      } catch (err) {
        throw new UsageError(`cannot read ${JSON.stringify(arg)} as a JSON object: ${(err as Error).message}`);
      }
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected name=value or a JSON object, got ${JSON.stringify(arg)}`);
    pairs.push([arg.slice(0, eq), arg.slice(eq + 1)]);
  }
  return { pairs, json };
}

/** A JSON object as v2's flat names: lists as `name.N`, objects as `name.field`. */
function flatten(value: unknown, prefix: string, out: Array<[string, string]>): Array<[string, string]> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}.${i}`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && value !== null) out.push([prefix, String(value)]);
  return out;
}

/** Parameters the action does not declare: the server ignores them, so a typo would pass unseen. */
function warnUndeclared(action: AnyAction, names: string[]): void {
  const known = paramNames(action);
  for (const name of new Set(names.map((n) => n.split('.')[0]!))) {
    if (known.includes(name)) continue;
    const close = suggest(name, known);
    process.stderr.write(
      `warning: ${action.name} has no parameter ${name}${close.length ? ` (did you mean ${close.join(' or ')}?)` : ''}; ` +
        'the server ignores it\n',
    );
  }
}

/**
 * The key to sign with, and where it came from: VPC_ENI_SECRET_ID/KEY, else the first account of
 * VPC_ENI_ACCOUNTS (as the replicas of a deployment are given it), else the development key the
 * server saved for this DATABASE_URL.
 */
export function resolveKey(client: ClientConfig): { key: Key; from: string } {
  if (client.key) return { key: client.key, from: 'VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY' };
  const accounts = parseAccounts(process.env.VPC_ENI_ACCOUNTS ?? '');
  if (accounts[0]) return { key: accounts[0], from: `VPC_ENI_ACCOUNTS (account ${accounts[0].appId})` };
  const config = loadConfig();
  const saved = readCredentialsFile(config.credentialsFile);
  const label = databaseLabel(config.databaseUrl);
  const key = saved[label];
  if (key) return { key, from: `${config.credentialsFile} (the development key of ${label})` };
  const others = Object.keys(saved);
  throw new Error(
    `no key for ${label}: set VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY, or VPC_ENI_ACCOUNTS as the server has it, ` +
      `or start the server on this DATABASE_URL (npm start) so that it saves its development key in ${config.credentialsFile}` +
      (others.length ? ` (that file holds keys for ${others.join(', ')}: set DATABASE_URL as the server has it)` : ''),
  );
}

function pick(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** v2: the answer, with `task` once its task has finished (`--wait`); ok is false for an error or a failed task. */
export async function callV2(
  t: Target,
  action: string,
  pairs: Array<[string, string]>,
  wait: boolean,
): Promise<{ answer: Answer; ok: boolean }> {
  let answer = await requestV2(t, action, pairs);
  if (wait && answer.code === 0 && typeof answer.taskId === 'number') {
    for (;;) {
      const task = await requestV2(t, 'DescribeVpcTaskResult', [['taskId', String(answer.taskId)]]);
      if (task.code !== 0 || pick(task, 'data.status') !== 2) {
        answer = { ...answer, task: task.data ?? task };
        break;
      }
      await sleep(50);
    }
  }
  return { answer, ok: answer.code === 0 && pick(answer, 'task.status') !== 1 };
}

/** API 3.0: the Response, with `Task` (DescribeVpcTaskResult of its RequestId) for `--wait`. */
export async function callV3(
  t: Target,
  action: V3Action,
  params: Record<string, unknown>,
  wait: boolean,
): Promise<{ answer: Answer; ok: boolean }> {
  let answer = await requestV3(t, action.product, action.name, params);
  if (wait && action.async && answer.Error === undefined) {
    for (;;) {
      const task = await requestV3(t, 'vpc', 'DescribeVpcTaskResult', { TaskId: answer.RequestId });
      if (task.Error !== undefined || task.Status !== 'RUNNING') {
        answer = { ...answer, Task: task };
        break;
      }
      await sleep(50);
    }
  }
  const ok =
    answer.Error === undefined && pick(answer, 'Task.Status') !== 'FAILED' && pick(answer, 'Task.Error') === undefined;
  return { answer, ok };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export async function callCommand(name: string, args: string[], o: CallOptions): Promise<number> {
  const action = requireAction(o.api, name);
  const { pairs, json } = parseParams(args);
  warnUndeclared(action, [...pairs.map(([n]) => n), ...Object.keys(json ?? {})]);
  const client = loadClientConfig();
  const { key, from } = resolveKey(client);
  const target: Target = {
    endpoint: client.endpoint,
    endpointFrom: client.endpointFrom,
    key,
    region: o.region ?? client.region,
  };
  const { answer, ok } =
    o.api === '3'
      ? await callV3(target, action as V3Action, { ...unflatten(pairs, new Set()), ...json }, o.wait)
      : await callV2(target, name, [...pairs, ...flatten(json ?? {}, '', [])], o.wait);

  const code = o.api === '3' ? pick(answer, 'Error.Code') : answer.codeDesc;
  if (code === 'AuthFailure.SecretIdNotFound') {
    process.stderr.write(
      `the server at ${client.endpoint.origin} does not know the key from ${from}; ` +
        '`npx vpc-eni credentials`, run with the DATABASE_URL the server has, prints its development key\n',
    );
  }
  if (o.get === undefined) {
    process.stdout.write(show(answer) + '\n');
    return ok ? 0 : 1;
  }
  // A script reading one field must not carry on with nothing: an error answer, or an answer
  // without that field, goes to stderr whole and the exit status says so.
  const isError = o.api === '3' ? answer.Error !== undefined : answer.code !== 0;
  if (isError) {
    process.stderr.write(`${name} answered an error:\n${show(answer)}\n`);
    return 1;
  }
  const field = pick(answer, o.get);
  if (field === undefined) {
    process.stderr.write(`no field ${o.get} in the answer:\n${show(answer)}\n`);
    return 1;
  }
  process.stdout.write(show(field) + '\n');
  return ok ? 0 : 1;
}
