import { buildApp, writeCredentialsFile } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';

// The only place with process side effects: listen, print, handle signals.
export async function serve(): Promise<number> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const app = await buildApp(config, { log });
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(config.port, config.host, resolve);
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const out = [
    `vpc-eni listening on http://${config.host}:${port} (API 3.0 at /, v2 at /v2/index.php; ${app.db.dialect}, ${Date.now() - started} ms)`,
  ];
  if (app.devCredentials) {
    writeCredentialsFile(config.credentialsFile, app.devCredentials);
    out.push(
      'created a development account (shown once; also saved for `npx vpc-eni call`):',
      `  appId     ${app.devCredentials.appId}`,
      `  SecretId  ${app.devCredentials.secretId}`,
      `  SecretKey ${app.devCredentials.secretKey}`,
      `  saved to  ${config.credentialsFile}`,
    );
  }
  process.stdout.write(out.join('\n') + '\n');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  return 0;
}
