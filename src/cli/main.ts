import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Api } from './actions.ts';
import { UsageError } from './usage.ts';
import { BUILD_VERSION } from '../version.ts';

// `vpc-eni <command>`: the commands and their options, declared once with commander, which gives
// every command its --help (handled before anything runs, so asking for help has no side
// effects), suggestions for misspelt commands and options, and --version. Each command's code is
// imported only when it runs: --help and --version stay quick.

const ENVIRONMENT = `
Configuration comes from the environment (PORT, HOST, DATABASE_URL, VPC_ENI_ACCOUNTS, ...): see
"Configuration" in README.md. The commands that read a database (migrate, check, credentials) use
DATABASE_URL as the server does; call reaches the server at VPC_ENI_ENDPOINT, else HOST and PORT.`;

/** Set by a command's action: what the process exits with. */
let exitCode = 0;
const run =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    exitCode = await fn(...args);
  };

const apiOption = () =>
  new Option('--api <version>', 'API 3.0 (3) or the legacy v2 (2)').choices(['2', '3']).default('2');

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('an integer number of milliseconds, e.g. 60000');
  return Number(value);
}

const program = new Command('vpc-eni')
  .description("An open implementation of Tencent Cloud's ENI service: API 3.0 and the legacy VPC API v2.")
  .version(BUILD_VERSION, '-v, --version', 'print the version')
  .helpOption('-h, --help', 'show help')
  .addHelpCommand('help [command]', 'show help for a command')
  .showHelpAfterError('(vpc-eni --help lists the commands)')
  .addHelpText('after', ENVIRONMENT)
  .exitOverride();

program
  .command('serve')
  .description('run the server (npm start runs this); stops on SIGTERM or SIGINT')
  .addHelpText(
    'after',
    `
Listens on HOST:PORT (default 127.0.0.1:8080) and serves DATABASE_URL (default
sqlite:./data/vpc-eni.db), migrating its schema unless VPC_ENI_AUTO_MIGRATE=false. Without
VPC_ENI_ACCOUNTS it runs with a development account whose key it prints once and keeps in
VPC_ENI_CREDENTIALS_FILE (default ./data/credentials.json) for \`vpc-eni call\`.`,
  )
  .action(run(async () => (await import('./serve.ts')).serve()));

program
  .command('migrate')
  .description('apply the database schema to DATABASE_URL and exit (a deploy step for replicas)')
  .option('--allow-non-empty', 'also into a database that already holds tables of something else')
  .action(run(async (o: { allowNonEmpty?: boolean }) => (await import('./migrate.ts')).migrateCommand(o)));

program
  .command('call')
  .description('send one signed request to the server and print the answer')
  .argument('[action]', 'the Action: CreateVpc, DescribeNetworkInterfaces, ... (vpc-eni actions lists them)')
  .argument(
    '[params...]',
    'name=value, with dotted paths for lists and objects (subnetSet.0.cidrBlock=...), or one JSON object',
  )
  .addOption(apiOption())
  .option('--get <path>', 'print only this field of the answer (a.b.0); exit 1 if the answer is an error or lacks it')
  .option('--wait', 'for an async action, wait until its task has finished; exit 1 if it failed')
  .option('--region <region>', 'the region (default VPC_ENI_REGION, else ap-guangzhou)')
  // Own --help: with an Action it shows that action's parameters.
  .helpOption(false)
  .option('-h, --help', 'show help; after an Action, its parameters and an example')
  .addHelpText(
    'after',
    `
The exit status is 0 for a success, 1 for an error answer or a failed task, 2 for a usage error.
Credentials: VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY, else the first account of VPC_ENI_ACCOUNTS,
else the development key the server saved for DATABASE_URL in VPC_ENI_CREDENTIALS_FILE.

Examples:
  vpc-eni call --api 3 CreateVpc VpcName=demo CidrBlock=10.0.0.0/16 --get Vpc.VpcId
  vpc-eni call --api 3 DescribeNetworkInterfaces '{"Limit": 5}'
  vpc-eni call DescribeVpcEx limit=5
  vpc-eni call --api 3 AttachNetworkInterface --help`,
  )
  .action(
    run(
      async (
        action: string | undefined,
        params: string[],
        o: { api: Api; help?: boolean; get?: string; wait?: boolean; region?: string },
        cmd: Command,
      ) => {
        if (!action) {
          if (o.help) {
            cmd.outputHelp();
            return 0;
          }
          throw new UsageError('which Action? e.g. vpc-eni call DescribeVpcEx, or vpc-eni call --api 3 DescribeVpcs');
        }
        const { callCommand, requireAction } = await import('./call.ts');
        if (o.help) {
          const { actionHelp } = await import('./actions.ts');
          process.stdout.write(actionHelp(o.api, requireAction(o.api, action)));
          return 0;
        }
        return callCommand(action, params, { api: o.api, get: o.get, wait: o.wait ?? false, region: o.region });
      },
    ),
  );

program
  .command('actions')
  .description('list the actions, or show the parameters of one')
  .argument('[action]', 'an Action to describe, as `call <Action> --help` does')
  .addOption(new Option('--api <version>', 'only API 3.0 (3) or only v2 (2)').choices(['2', '3']))
  .action(
    run(async (action: string | undefined, o: { api?: Api }) => {
      const { actionHelp, actionsList, findAction, unknownActionMessage } = await import('./actions.ts');
      const { requireAction } = await import('./call.ts');
      if (!action) {
        process.stdout.write(actionsList(o.api));
        return 0;
      }
      const apis: Api[] = o.api ? [o.api] : (['3', '2'] as Api[]).filter((api) => findAction(api, action));
      if (apis.length === 0) throw new UsageError(unknownActionMessage(o.api ?? '3', action));
      const texts = apis.map((api) => actionHelp(api, requireAction(api, action)));
      process.stdout.write(texts.join('\n'));
      return 0;
    }),
  );

program
  .command('check')
  .description("report every broken invariant in DATABASE_URL's database (exit 1 if any)")
  .option('--drained', 'the service is idle: any task still running is a violation')
  .option('--stuck-after-ms <ms>', 'report tasks still running this long after they were due', integer, 300_000)
  .option('--json', 'print the violations as JSON')
  .action(
    run(async (o: { drained?: boolean; stuckAfterMs: number; json?: boolean }) =>
      (await import('./check.ts')).checkCommand({ drained: o.drained, stuckAfterMs: o.stuckAfterMs, json: o.json }),
    ),
  );

program
  .command('credentials')
  .description("print the development account's key of DATABASE_URL and save it for `vpc-eni call`")
  .option('--rotate', 'give the development account a new key and disable the old one')
  .option('--json', 'print it as JSON')
  .option('--env', 'print it as shell exports: eval "$(vpc-eni credentials --env)"')
  .action(
    run(async (o: { rotate?: boolean; json?: boolean; env?: boolean }) =>
      (await import('./credentials.ts')).credentialsCommand(o),
    ),
  );

const dataplane = program
  .command('dataplane')
  .description("this host's netns data plane (DATA_PLANE=netns, docs/data-plane.md); needs root");
const prefixOption = () => new Option('--prefix <prefix>', "the deployment's namespace prefix").default('vpceni-');
dataplane
  .command('status')
  .description('each resource of DATABASE_URL, where the host must hold it and what differs (exit 1 if anything)')
  .addOption(prefixOption())
  .option('--json', 'print it as JSON')
  .action(run(async (o: { prefix: string; json?: boolean }) => (await import('./dataplane.ts')).statusCommand(o)));
dataplane
  .command('reconcile')
  .description('make the host match DATABASE_URL now, and list the changes')
  .addOption(prefixOption())
  .option('--json', 'print the changes as JSON')
  .action(run(async (o: { prefix: string; json?: boolean }) => (await import('./dataplane.ts')).reconcileCommand(o)));
dataplane
  .command('exec')
  .description("run a command inside an instance's namespace: vpc-eni dataplane exec ins-… -- ip addr")
  .argument('<instance-id>', 'the instance')
  .argument('<command...>', 'the command and its arguments (after --)')
  .addOption(prefixOption())
  .action(
    run(async (instanceId: string, command: string[], o: { prefix: string }) =>
      (await import('./dataplane.ts')).execCommand(instanceId, command, o),
    ),
  );

// Test control (docs/test-control.md): thin commands over the /_vpceni/ endpoints.
const controlCommand = () => import('./control.ts');
const CONTROL_HELP = `
Talks to the server \`vpc-eni call\` uses (VPC_ENI_ENDPOINT, else HOST and PORT) and sends
VPC_ENI_ADMIN_TOKEN as a bearer token when it is set. The contract: docs/test-control.md.`;
const faults = program
  .command('faults')
  .description('fault rules: list, add, replace, remove, clear, log')
  .addHelpText('after', CONTROL_HELP);
faults
  .command('list')
  .description('the rules in order, with how often each matched and fired')
  .action(run(async () => (await controlCommand()).control({ method: 'GET', path: 'faults' })));
faults
  .command('add')
  .description(
    `append rules: vpc-eni faults add '{"action":"Describe*","error":{"code":"RequestLimitExceeded"},"times":2}'`,
  )
  .argument('<rules>', 'one rule or a JSON array of rules (@file reads a file)')
  .action(
    run(async (rules: string) => {
      const c = await controlCommand();
      return c.control({ method: 'POST', path: 'faults', body: c.jsonArgument(rules, 'the rules') });
    }),
  );
faults
  .command('replace')
  .description('replace every rule with a JSON array of rules ([] disables all)')
  .argument('<rules>', 'a JSON array of rules (@file reads a file)')
  .action(
    run(async (rules: string) => {
      const c = await controlCommand();
      return c.control({ method: 'PUT', path: 'faults', body: c.jsonArgument(rules, 'the rules') });
    }),
  );
faults
  .command('remove')
  .description('remove rules by id')
  .argument('<ids...>', 'rule ids')
  .action(
    run(async (ids: string[]) => {
      const q = ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');
      return (await controlCommand()).control({ method: 'DELETE', path: `faults?${q}` });
    }),
  );
faults
  .command('clear')
  .description('remove every rule (of one account with --account)')
  .option('--account <appId>', "only this account's rules")
  .action(
    run(async (o: { account?: string }) => {
      const c = await controlCommand();
      return c.control({ method: 'DELETE', path: `faults${c.query({ account: o.account })}` });
    }),
  );
faults
  .command('log')
  .description('which rule fired on which request, newest first')
  .option('--account <appId>', "only this account's")
  .option('--limit <n>', 'how many (default 100)')
  .action(
    run(async (o: { account?: string; limit?: string }) => {
      const c = await controlCommand();
      return c.control({ method: 'GET', path: `faults/log${c.query(o)}` });
    }),
  );

const tasks = program
  .command('tasks')
  .description('task control: held tasks, release, latency per task type')
  .addHelpText('after', CONTROL_HELP);
tasks
  .command('held')
  .description('the tasks a taskHold rule holds')
  .action(run(async () => (await controlCommand()).control({ method: 'GET', path: 'tasks/held' })));
tasks
  .command('release')
  .description('release one held task (--task), or all of them')
  .option('--task <id>', 'the task id')
  .option('--account <appId>', "only this account's")
  .action(
    run(async (o: { task?: string; account?: string }) => {
      const c = await controlCommand();
      return c.control({ method: 'POST', path: `tasks/release${c.query({ taskId: o.task, account: o.account })}` });
    }),
  );
tasks
  .command('latency')
  .description('show, or set with Type=ms (Type=none removes it), the latency of task types')
  .argument('[settings...]', 'e.g. AttachNetworkInterface=2000 DetachNetworkInterface=none')
  .action(
    run(async (settings: string[]) => {
      const c = await controlCommand();
      if (settings.length === 0) return c.control({ method: 'GET', path: 'tasks/latency' });
      const body: Record<string, number | null> = {};
      for (const s of settings) {
        const m = /^([A-Za-z]+)=(\d+|none)$/.exec(s);
        if (!m) throw new UsageError(`${s}: write TaskType=milliseconds or TaskType=none`);
        body[m[1]!] = m[2] === 'none' ? null : Number(m[2]);
      }
      return c.control({ method: 'PUT', path: 'tasks/latency', body: JSON.stringify(body) });
    }),
  );

program
  .command('reset')
  .description('delete resources, tasks, replay records and fault rules, in scope; prints what went')
  .option('--account <appId>', 'only this account')
  .option('--region <region>', 'only this region')
  .option('--accounts', 'accounts and their keys too (not with --region)')
  .option('--force', 'even while tasks are being applied (they are abandoned)')
  .addHelpText('after', CONTROL_HELP)
  .action(
    run(async (o: { account?: string; region?: string; accounts?: boolean; force?: boolean }) => {
      const c = await controlCommand();
      return c.control({ method: 'POST', path: `reset${c.query(o)}` });
    }),
  );

const snapshot = program
  .command('snapshot')
  .description('snapshots of the whole state: save, list, export, import, restore, delete, push, pop')
  .addHelpText('after', CONTROL_HELP);
const named = (
  verb: string,
  description: string,
  sent: (name: string) => Parameters<typeof import('./control.ts').control>[0],
) =>
  snapshot
    .command(verb)
    .description(description)
    .argument('<name>', 'the snapshot')
    .action(run(async (name: string) => (await controlCommand()).control(sent(encodeURIComponent(name)))));
snapshot
  .command('save')
  .description('save the state now under a name')
  .argument('<name>', 'letters, digits, ".", "_" or "-"')
  .action(
    run(async (name: string) =>
      (await controlCommand()).control({ method: 'POST', path: 'snapshots', body: JSON.stringify({ name }) }),
    ),
  );
snapshot
  .command('list')
  .description('the snapshots kept by the server')
  .action(run(async () => (await controlCommand()).control({ method: 'GET', path: 'snapshots' })));
named('restore', 'put the state of a snapshot in place of the current one', (n) => ({
  method: 'POST',
  path: `snapshots/${n}/restore`,
}));
named('delete', 'remove a snapshot', (n) => ({ method: 'DELETE', path: `snapshots/${n}` }));
snapshot
  .command('export')
  .description('write a snapshot to a file (it restores on SQLite or PostgreSQL)')
  .argument('<name>', 'the snapshot')
  .argument('<file>', 'where to write it')
  .action(
    run(async (name: string, file: string) =>
      (await controlCommand()).control({ method: 'GET', path: `snapshots/${encodeURIComponent(name)}`, saveTo: file }),
    ),
  );
snapshot
  .command('import')
  .description('keep a snapshot file under a name (an older schema is carried forward)')
  .argument('<name>', 'the name to keep it under')
  .argument('<file>', 'the file')
  .action(
    run(async (name: string, file: string) =>
      (await controlCommand()).control({
        method: 'PUT',
        path: `snapshots/${encodeURIComponent(name)}`,
        body: fs.readFileSync(file, 'utf8'),
      }),
    ),
  );
snapshot
  .command('push')
  .description('push the state on the checkpoint stack (before a test)')
  .action(run(async () => (await controlCommand()).control({ method: 'POST', path: 'checkpoints' })));
snapshot
  .command('pop')
  .description('restore the top checkpoint and drop it (after a test)')
  .action(run(async () => (await controlCommand()).control({ method: 'DELETE', path: 'checkpoints' })));

program
  .command('seed')
  .description('make generated ids, MACs, RequestIds and fault draws repeat (none: random again)')
  .argument('<value>', 'any text, or none')
  .addHelpText('after', CONTROL_HELP)
  .action(
    run(async (value: string) =>
      (await controlCommand()).control({
        method: 'POST',
        path: 'seed',
        body: JSON.stringify({ value: value === 'none' ? null : value }),
      }),
    ),
  );

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and --version "fail" with exit code 0; usage errors have been printed already.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const name = program.args[0] ?? 'vpc-eni';
    process.stderr.write(`vpc-eni ${name}: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
