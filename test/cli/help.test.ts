import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import { ROOT, runCli, tempDir } from '../support/process.ts';

// The CLI's surface without a server: --help on every command (and no side effect from asking),
// --version, the action lists and references drawn from the declarations, and what a misspelt
// command or Action gets. A listener that counts requests stands where a server would be, so
// "nothing was sent" is observed, not assumed.

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['serve', 'migrate', 'call', 'actions', 'check', 'credentials', 'dataplane'];

describe('vpc-eni --help, --version and the action reference', () => {
  let listener: http.Server;
  let requests = 0;
  let env: Record<string, string>;
  let dir: string;
  before(async () => {
    listener = http.createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    dir = tempDir();
    env = {
      DATABASE_URL: `sqlite:${path.join(dir, 'never.db')}`,
      VPC_ENI_CREDENTIALS_FILE: path.join(dir, 'never.json'),
      VPC_ENI_ENDPOINT: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`,
      VPC_ENI_SECRET_ID: 'AKIDunused',
      VPC_ENI_SECRET_KEY: 'unused',
    };
  });
  after(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  /** Nothing was created, nothing was sent. */
  const noSideEffects = () => {
    assert.deepEqual(fs.readdirSync(dir), [], 'asking for help created files');
    assert.equal(requests, 0, 'asking for help sent a request');
  };

  it('--version and -v print the version', () => {
    for (const flag of ['--version', '-v']) {
      const r = runCli([flag], env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), VERSION);
    }
  });

  it('--help, -h and help list every command', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = runCli(args, env);
      assert.equal(r.status, 0, r.stderr);
      for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'), `${args.join(' ')} lacks ${c}`);
    }
  });

  for (const command of COMMANDS) {
    it(`${command} --help and -h show its usage and do nothing else`, () => {
      for (const flag of ['--help', '-h']) {
        const r = runCli([command, flag], env, { timeout: 10_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^Usage: vpc-eni ${command}`, 'm'));
      }
      assert.equal(runCli(['help', command], env).status, 0);
      noSideEffects();
    });
  }

  it('call <Action> --help shows its parameters, codes and example, sending nothing', () => {
    const v2 = runCli(['call', 'AttachNetworkInterface', '--help'], env);
    assert.equal(v2.status, 0, v2.stderr);
    for (const text of ['networkInterfaceId', 'instanceId', 'ActionLocked', 'vpc-eni call AttachNetworkInterface']) {
      assert.ok(v2.stdout.includes(text), `v2 help lacks ${text}:\n${v2.stdout}`);
    }
    const v3 = runCli(['call', '--api', '3', 'CreateNetworkInterface', '-h'], env);
    assert.equal(v3.status, 0, v3.stderr);
    for (const text of ['PrivateIpAddresses.N.PrivateIpAddress', 'SecondaryPrivateIpAddressCount', '--api 3']) {
      assert.ok(v3.stdout.includes(text), `3.0 help lacks ${text}:\n${v3.stdout}`);
    }
    noSideEffects();
  });

  it('vpc-eni actions lists every action of both APIs; --api picks one', () => {
    const all = runCli(['actions'], env);
    assert.equal(all.status, 0, all.stderr);
    for (const a of [...ACTIONS, ...ACTIONS_V3]) assert.match(all.stdout, new RegExp(`^  ${a.name}\\b`, 'm'));
    const v2 = runCli(['actions', '--api', '2'], env);
    assert.ok(!v2.stdout.includes('DescribeVpcs'), 'the v2 list shows a 3.0 action');
    assert.ok(v2.stdout.includes('DescribeVpcEx'));
    const one = runCli(['actions', 'DescribeNetworkInterfaces'], env);
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /\(API 3\.0, vpc\)/);
    assert.match(one.stdout, /\(v2\)/);
  });

  it('a misspelt Action gets a suggestion, an Action of the other API the flag to use; nothing is sent', () => {
    const typo = runCli(['call', 'CreateVcp', 'vpcName=x'], env);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /CreateVcp is not a v2 action; did you mean CreateVpc\?/);
    const other = runCli(['call', 'DescribeVpcs'], env);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /it is API 3\.0: add --api 3/);
    const typo3 = runCli(['call', '--api', '3', 'DescribeNetworkInterface'], env);
    assert.equal(typo3.status, 2);
    assert.match(typo3.stderr, /did you mean DescribeNetworkInterfaces/);
    noSideEffects();
  });

  it('a misspelt command or option gets a suggestion and exit status 2', () => {
    const cmd = runCli(['serv'], env);
    assert.equal(cmd.status, 2);
    assert.match(cmd.stderr, /unknown command 'serv'[\s\S]*Did you mean serve\?/);
    const opt = runCli(['call', '--wiat', 'DescribeVpcEx'], env);
    assert.equal(opt.status, 2);
    assert.match(opt.stderr, /unknown option '--wiat'[\s\S]*--wait/);
    const api = runCli(['call', '--api', '4', 'DescribeVpcEx'], env);
    assert.equal(api.status, 2);
    assert.match(api.stderr, /--api <version>.*Allowed choices are 2, 3/);
    noSideEffects();
  });
});
