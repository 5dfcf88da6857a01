import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { COOKIE_NAME } from '../../src/console/access.ts';
import { createLogger } from '../../src/log.ts';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A } from '../support/harness.ts';
import { sdk3Client } from '../support/sdk3.ts';
import { chromiumMissing, openBrowser, screenshot } from './support.ts';

// Off a loopback listener the console wants the admin token: as a bearer header, or once in the
// address, traded for a session cookie (docs/console.md, "Who may open it").

const skip = chromiumMissing();
if (skip) console.log(`# SKIP test/console/access browser check: ${skip}`);
const TOKEN = 'console-admin-token-0123456789';
const backend = backends()[0]!;

describe('console access on a non-loopback listener', () => {
  let app: App;
  let base: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers, redirect: 'manual' });

  before(async () => {
    const config = loadConfig({
      DATABASE_URL: await backend.freshUrl(),
      TASK_LATENCY_MS: '20',
      VPC_ENI_ACCOUNTS: `${ACCOUNT_A.appId}:${ACCOUNT_A.secretId}:${ACCOUNT_A.secretKey}`,
      VPC_ENI_ADMIN_TOKEN: TOKEN,
    });
    app = await buildApp(config, { log: createLogger('silent') });
    await new Promise<void>((resolve) => app.server.listen(0, '0.0.0.0', resolve));
    const port = (app.server.address() as AddressInfo).port;
    // Reached through 127.0.0.1, but the server listens on every address: the token is required.
    base = `http://127.0.0.1:${port}`;
    await sdk3Client(port).ok('vpc', 'CreateVpc', { VpcName: 'guarded', CidrBlock: '10.1.0.0/16' });
  });
  after(async () => {
    await app?.close();
  });

  it('refuses the page, the endpoints and the stream without the token, and opens them with it', async () => {
    const paths = [
      '/console',
      '/console/docs/',
      '/console/api/scopes',
      `/console/api/vpcs?appId=${ACCOUNT_A.appId}&region=gz`,
      '/console/api/stream',
    ];
    for (const path of paths) {
      const refused = await get(path);
      assert.equal(refused.status, 403, path);
      const text = await refused.text();
      assert.match(text, /Authorization: Bearer (<|&lt;)VPC_ENI_ADMIN_TOKEN(>|&gt;)/, path);
      assert.doesNotMatch(text, /guarded/);
      assert.equal((await get(path, { authorization: 'Bearer wrong-token-0000000000000' })).status, 403, path);
    }
    for (const path of paths.slice(0, 4)) {
      const allowed = await get(path, { authorization: `Bearer ${TOKEN}` });
      assert.equal(allowed.status, 200, path);
      await allowed.body?.cancel();
    }
    // The event stream opens and greets.
    const stream = await get('/console/api/stream', { authorization: `Bearer ${TOKEN}` });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = stream.body!.getReader();
    let greeting = '';
    while (!greeting.includes('event: hello')) greeting += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const vpcs = await get(`/console/api/vpcs?appId=${ACCOUNT_A.appId}&region=gz`, {
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(((await vpcs.json()) as any).items[0].name, 'guarded');
    // The home page holds only links, and the page's own styles and scripts no data: both open.
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await home.text(), /href="\/console"/);
    assert.equal((await get('/console/assets/console.js')).status, 200);
  });

  it('trades ?token= for an HttpOnly session cookie, and refuses a wrong or forged one', async () => {
    const wrong = await get('/console?token=not-the-token-000000000');
    assert.equal(wrong.status, 403);
    assert.equal(wrong.headers.get('set-cookie'), null);

    const traded = await get(`/console?token=${TOKEN}`);
    assert.equal(traded.status, 303);
    assert.equal(traded.headers.get('location'), '/console');
    const cookie = traded.headers.get('set-cookie') ?? '';
    assert.match(
      cookie,
      new RegExp(`^${COOKIE_NAME}=\\d+\\.[\\w-]+; Path=/console; HttpOnly; SameSite=Strict; Max-Age=43200$`),
    );
    assert.ok(!cookie.includes(TOKEN), 'the cookie does not carry the token');
    const session = cookie.split(';')[0]!;
    assert.equal((await get('/console', { cookie: session })).status, 200);
    assert.equal((await get('/console/api/scopes', { cookie: session })).status, 200);

    const [name, value] = session.split('=') as [string, string];
    const [expires, mac] = value.split('.') as [string, string];
    const later = `${name}=${Number(expires) + 1000}.${mac}`;
    assert.equal((await get('/console/api/scopes', { cookie: later })).status, 403, 'an expiry moved by hand');
    const expired = `${name}=${Date.now() - 1000}.${mac}`;
    assert.equal((await get('/console/api/scopes', { cookie: expired })).status, 403);
  });

  it('opens in a browser given the token once in the address', async (t) => {
    if (skip) return t.skip(skip);
    const browser = await openBrowser();
    try {
      const { page } = browser;
      const refused = await page.goto(`${base}/console`);
      assert.equal(refused?.status(), 403);
      await page.goto(`${base}/console?token=${TOKEN}#app=${ACCOUNT_A.appId}&region=ap-guangzhou`);
      assert.equal(new URL(page.url()).search, '', 'the token is gone from the address');
      await page.locator('#vpc-list li', { hasText: 'guarded' }).waitFor();
      await page.locator('#live[data-state="live"]').waitFor();
      await screenshot(page, 'with-token');
    } finally {
      await browser.close();
    }
  });
});
