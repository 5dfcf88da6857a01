import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { NetnsDataPlane } from '../../src/dataplane/netns-driver.ts';
import { createLogger } from '../../src/log.ts';
import { ACCOUNT_A } from '../support/harness.ts';

// A server in a process of its own with the netns data plane under a test's prefix, for the crash
// test to SIGKILL (with the `ip` and `nft` it has running). Usage: child-server.ts <DATABASE_URL> <prefix>
// Prints the port it listens on; a refusal to start goes to stderr with exit status 1.

const [databaseUrl, prefix] = process.argv.slice(2) as [string, string];
const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
try {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    TASK_LATENCY_MS: '0',
    TASK_POLL_MS: '50',
    TASK_LEASE_MS: '3000',
    DATA_PLANE: 'netns',
    VPC_ENI_ACCOUNTS: `${ACCOUNT_A.appId}:${ACCOUNT_A.secretId}:${ACCOUNT_A.secretKey}`,
  });
  const app = await buildApp(config, { log, driver: (db) => new NetnsDataPlane({ db, log, prefix, sweepMs: 300 }) });
  app.server.listen(0, '127.0.0.1', () => console.log((app.server.address() as AddressInfo).port));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
