import { call } from './call.ts';
import { serve } from './serve.ts';
import { migrateCommand } from './migrate.ts';
import { checkCommand } from './check.ts';

const USAGE = `usage: vpc-eni <command>

  serve                          run the server (npm start)
  migrate                        apply database migrations and exit
  call <Action> [name=value ...] send a signed v2 request and print the answer
       [--api 3] [{json}]        API 3.0 instead (TC3; product by Action): name=value with
                                 dotted paths (Filters.0.Name=vpc-id) or one JSON object
       [--get <field.path>]      print only this field of the answer (exit 1 if absent)
       [--wait]                  for an async action, wait until its task has finished
       [--region <region>]       region (default ap-guangzhou, or VPC_ENI_REGION)
  check [--drained] [--json]     read DATABASE_URL and report broken invariants (exit 1 if any)
       [--stuck-after-ms N]      report tasks still running N ms after due (default 300000)

Configuration comes from the environment; see README.md.`;

const [command = 'serve', ...args] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<number>> = {
  serve,
  migrate: migrateCommand,
  call,
  check: checkCommand,
};

const run = commands[command];
if (!run) {
  process.stderr.write(
    `${command === 'help' || command === '--help' ? '' : `unknown command ${command}\n\n`}${USAGE}\n`,
  );
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
} else {
  try {
    const code = await run(args);
    if (code !== 0) process.exitCode = code;
  } catch (err) {
    process.stderr.write(`vpc-eni ${command}: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
