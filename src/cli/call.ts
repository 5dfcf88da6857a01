import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import { loadConfig } from '../config.ts';
import { commonPairs, V2_PATH, withSignature } from '../api/v2/signature.ts';
import { VERSIONS } from '../api/v3/handler.ts';
import { unflatten } from '../api/v3/params.ts';
import { ACTIONS_V3 } from '../api/v3/registry.ts';
import { signTc3 } from '../api/v3/signature.ts';

// `vpc-eni call`: a signed request from the command line, signed by the same code the server
// verifies with — v2 by default, API 3.0 with `--api 3` (TC3-HMAC-SHA256, the product picked by
// the Action). Credentials: VPC_ENI_SECRET_ID/VPC_ENI_SECRET_KEY, else the credentials file the
// server wrote for its development account.

interface Options {
  api: '2' | '3';
  action: string;
  params: Array<[string, string]>;
  /** API 3.0: the parameters as one JSON object instead of name=value pairs. */
  json?: Record<string, unknown>;
  get?: string;
  wait: boolean;
  region: string;
}

type Answer = Record<string, unknown>;
interface Creds {
  secretId: string;
  secretKey: string;
}

function parseArgs(args: string[]): Options {
  const o: Options = {
    api: '2',
    action: '',
    params: [],
    wait: false,
    region: process.env.VPC_ENI_REGION || 'ap-guangzhou',
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--wait') o.wait = true;
    else if (arg === '--get') o.get = args[++i];
    else if (arg === '--region') o.region = args[++i] ?? o.region;
    else if (arg === '--api') {
      const api = args[++i];
      if (api !== '2' && api !== '3') throw new Error(`--api takes 2 or 3 (got ${JSON.stringify(api)})`);
      o.api = api;
    } else if (!o.action) o.action = arg;
    else if (arg.startsWith('{')) o.json = JSON.parse(arg) as Record<string, unknown>;
    else {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new Error(`expected name=value or a JSON object, got ${JSON.stringify(arg)}`);
      o.params.push([arg.slice(0, eq), arg.slice(eq + 1)]);
    }
  }
  if (!o.action) throw new Error('which Action? e.g. vpc-eni call DescribeVpcEx, or vpc-eni call --api 3 DescribeVpcs');
  return o;
}

function credentials(file: string): Creds {
  const { VPC_ENI_SECRET_ID: secretId, VPC_ENI_SECRET_KEY: secretKey } = process.env;
  if (secretId && secretKey) return { secretId, secretKey };
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Creds;
  } catch {
    throw new Error(
      `no credentials: set VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY, or start the server once so it writes ${file}`,
    );
  }
}

export async function request(
  endpoint: URL,
  creds: Creds,
  region: string,
  action: string,
  params: Array<[string, string]>,
): Promise<Answer> {
  const pairs = withSignature(
    [['Action', action], ...commonPairs({ secretId: creds.secretId, region, nonce: randomInt(1, 2 ** 47) }), ...params],
    { secretKey: creds.secretKey, method: 'POST', host: endpoint.host },
  );
  const body = new URLSearchParams(pairs).toString();
  const res = await fetch(new URL(V2_PATH, endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as Answer;
}

/** One API 3.0 call (TC3, POST JSON); resolves with the inner `Response` object. */
export async function request3(
  endpoint: URL,
  creds: Creds,
  region: string,
  action: string,
  params: Record<string, unknown>,
): Promise<Answer> {
  const product = ACTIONS_V3.find((a) => a.name === action)?.product ?? 'vpc';
  const body = JSON.stringify(params);
  const headers = signTc3({
    ...creds,
    host: endpoint.host,
    service: product,
    action,
    version: VERSIONS[product],
    region,
    timestampS: Math.floor(Date.now() / 1000),
    body,
  });
  const res = await fetch(new URL('/', endpoint), { method: 'POST', headers, body });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { Response: Answer }).Response;
}

function pick(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** v2: the answer, with `task` once its task has finished (`--wait`); false when it failed. */
async function callV2(o: Options, endpoint: URL, creds: Creds): Promise<{ answer: Answer; ok: boolean }> {
  let answer = await request(endpoint, creds, o.region, o.action, o.params);
  if (o.wait && answer.code === 0 && typeof answer.taskId === 'number') {
    for (;;) {
      const task = await request(endpoint, creds, o.region, 'DescribeVpcTaskResult', [
        ['taskId', String(answer.taskId)],
      ]);
      if (task.code !== 0 || pick(task, 'data.status') !== 2) {
        answer = { ...answer, task: task.data ?? task };
        break;
      }
      await sleep(50);
    }
  }
  return { answer, ok: answer.code === 0 && pick(answer, 'task.status') !== 1 };
}

/** API 3.0: the Response, with `Task` (DescribeVpcTaskResult by RequestId) for `--wait`. */
async function callV3(o: Options, endpoint: URL, creds: Creds): Promise<{ answer: Answer; ok: boolean }> {
  const params = o.json ?? unflatten(o.params, new Set());
  let answer = await request3(endpoint, creds, o.region, o.action, params);
  const async = ACTIONS_V3.find((a) => a.name === o.action)?.async ?? false;
  if (o.wait && async && answer.Error === undefined) {
    for (;;) {
      const task = await request3(endpoint, creds, o.region, 'DescribeVpcTaskResult', { TaskId: answer.RequestId });
      if (task.Error !== undefined || task.Status !== 'RUNNING') {
        answer = { ...answer, Task: task };
        break;
      }
      await sleep(50);
    }
  }
  return {
    answer,
    ok:
      answer.Error === undefined &&
      pick(answer, 'Task.Status') !== 'FAILED' &&
      pick(answer, 'Task.Error') === undefined,
  };
}

export async function call(args: string[]): Promise<number> {
  const o = parseArgs(args);
  const config = loadConfig();
  const endpoint = new URL(process.env.VPC_ENI_ENDPOINT || `http://${config.host}:${config.port}`);
  const creds = credentials(config.credentialsFile);
  const { answer, ok } = o.api === '3' ? await callV3(o, endpoint, creds) : await callV2(o, endpoint, creds);
  const shown = o.get ? pick(answer, o.get) : answer;
  if (shown === undefined) {
    // A script reading one field must not carry on with "undefined": say what came back instead.
    process.stderr.write(`no field ${o.get} in the answer:\n${JSON.stringify(answer, null, 2)}\n`);
    return 1;
  }
  process.stdout.write((typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2)) + '\n');
  return ok ? 0 : 1;
}
