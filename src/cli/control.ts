import fs from 'node:fs';
import { loadClientConfig } from '../config.ts';
import { unreachable } from './client.ts';
import { UsageError } from './usage.ts';

// `vpc-eni faults | tasks | reset | snapshot | seed`: the test-control endpoints (docs/test-control.md)
// from the command line, at the server `vpc-eni call` talks to (VPC_ENI_ENDPOINT, else HOST and
// PORT), with VPC_ENI_ADMIN_TOKEN as the bearer token when it is set. Each prints the endpoint's JSON
// answer and exits 1 when it refuses.

interface Sent {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
  /** Write the raw answer here instead of printing it (a snapshot export). */
  saveTo?: string;
}

export async function control(s: Sent): Promise<number> {
  const cfg = loadClientConfig();
  const url = new URL(`/_vpceni/${s.path}`, cfg.endpoint);
  const headers: Record<string, string> = {};
  const token = process.env.VPC_ENI_ADMIN_TOKEN;
  if (token) headers.authorization = `Bearer ${token}`;
  if (s.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method: s.method, headers, body: s.body });
  } catch (err) {
    throw unreachable(err, cfg.endpoint, cfg.endpointFrom);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: shown as it came
    }
    process.stderr.write(`${s.method} ${url.pathname} answered HTTP ${res.status}: ${message}\n`);
    return 1;
  }
  if (s.saveTo) {
    fs.writeFileSync(s.saveTo, text);
    process.stdout.write(`${s.saveTo}: ${text.length} characters\n`);
  } else process.stdout.write(JSON.stringify(JSON.parse(text), null, 2) + '\n');
  return 0;
}

/** A JSON argument, or `@file` to read it from a file (`-` for stdin). */
export function jsonArgument(arg: string, what: string): string {
  const text =
    arg === '-' ? fs.readFileSync(0, 'utf8') : arg.startsWith('@') ? fs.readFileSync(arg.slice(1), 'utf8') : arg;
  try {
    JSON.parse(text);
  } catch {
    throw new UsageError(`${what} must be JSON (or @file): ${text.slice(0, 80)}`);
  }
  return text;
}

/** `?a=1&b=2` from the options that are set. */
export function query(o: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== false) q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}
