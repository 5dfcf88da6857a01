import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import { loadConfig } from '../config.ts';
import { sign, sourceString, V2_PATH } from '../api/v2/signature.ts';

// `vpc-eni call`: a signed v2 request from the command line, signed by the same code the server
// verifies with. Credentials: VPC_ENI_SECRET_ID/VPC_ENI_SECRET_KEY, else the credentials file the
// server wrote for its development account.

interface Options {
  action: string;
  params: Array<[string, string]>;
  get?: string;
  wait: boolean;
  region: string;
}

function parseArgs(args: string[]): Options {
  const o: Options = { action: '', params: [], wait: false, region: process.env.VPC_ENI_REGION || 'ap-guangzhou' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--wait') o.wait = true;
    else if (arg === '--get') o.get = args[++i];
    else if (arg === '--region') o.region = args[++i] ?? o.region;
    else if (!o.action) o.action = arg;
    else {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new Error(`expected name=value, got ${JSON.stringify(arg)}`);
      o.params.push([arg.slice(0, eq), arg.slice(eq + 1)]);
    }
  }
  if (!o.action) throw new Error('which Action? e.g. vpc-eni call DescribeVpcEx');
  return o;
}

function credentials(file: string): { secretId: string; secretKey: string } {
  const { VPC_ENI_SECRET_ID: secretId, VPC_ENI_SECRET_KEY: secretKey } = process.env;
  if (secretId && secretKey) return { secretId, secretKey };
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { secretId: string; secretKey: string };
  } catch {
    throw new Error(
      `no credentials: set VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY, or start the server once so it writes ${file}`,
    );
  }
}

export async function request(
  endpoint: URL,
  creds: { secretId: string; secretKey: string },
  region: string,
  action: string,
  params: Array<[string, string]>,
): Promise<Record<string, unknown>> {
  const pairs: Array<[string, string]> = [
    ['Action', action],
    ['Region', region],
    ['Timestamp', String(Math.floor(Date.now() / 1000))],
    ['Nonce', String(randomInt(1, 2 ** 47))],
    ['SecretId', creds.secretId],
    ['SignatureMethod', 'HmacSHA256'],
    ...params,
  ];
  const signature = sign(creds.secretKey, 'HmacSHA256', sourceString('POST', endpoint.host, V2_PATH, pairs));
  const body = new URLSearchParams([...pairs, ['Signature', signature]]).toString();
  const res = await fetch(new URL(V2_PATH, endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

function pick(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

export async function call(args: string[]): Promise<number> {
  const o = parseArgs(args);
  const config = loadConfig();
  const endpoint = new URL(process.env.VPC_ENI_ENDPOINT || `http://${config.host}:${config.port}`);
  const creds = credentials(config.credentialsFile);
  let answer = await request(endpoint, creds, o.region, o.action, o.params);
  if (o.wait && answer.code === 0 && typeof answer.taskId === 'number') {
    const taskId = answer.taskId;
    for (;;) {
      const task = await request(endpoint, creds, o.region, 'DescribeVpcTaskResult', [['taskId', String(taskId)]]);
      const status = pick(task, 'data.status');
      if (task.code !== 0 || status !== 2) {
        answer = { ...answer, task: task.data ?? task };
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const shown = o.get ? pick(answer, o.get) : answer;
  process.stdout.write((typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2)) + '\n');
  const taskFailed = pick(answer, 'task.status') === 1;
  return answer.code === 0 && !taskFailed ? 0 : 1;
}
