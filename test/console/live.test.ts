import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { controlClient, type ControlClient } from '../support/control.ts';
import { ACCOUNT_A, startServer, type TestServer } from '../support/harness.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';
import { buildNetwork, chromiumMissing, openBrowser, screenshot, type Browser, type Network } from './support.ts';

// An open console follows tasks as they run, without a reload (docs/console.md, "Live updates"):
// test control holds an attach so the page can be caught showing it in flight, then releases it.

const skip = chromiumMissing();
if (skip) console.log(`# SKIP test/console/live: ${skip}`);
const backend = backends()[0]!;

describe('console live updates', { skip: skip ?? false }, () => {
  let server: TestServer;
  let c3: Client3;
  let control: ControlClient;
  let net: Network;
  let browser: Browser;
  let extra: string;

  before(async () => {
    server = await startServer(backend);
    c3 = sdk3Client(server.port);
    control = controlClient(server.host);
    net = await buildNetwork(c3);
    const r = await c3.ok('vpc', 'CreateNetworkInterface', {
      VpcId: net.vpcId,
      SubnetId: net.subnets[1],
      NetworkInterfaceName: 'shop-extra',
    });
    extra = r.NetworkInterface.NetworkInterfaceId;
    assert.equal((await c3.waitTask(r.RequestId)).Status, 'SUCCESS');
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows an attach in flight, then attached, in the picture and the lists, without reloading', async () => {
    const { page } = browser;
    await page.goto(`http://${server.host}/console#app=${ACCOUNT_A.appId}&region=ap-guangzhou&vpc=${net.vpcId}`);
    const port = (instance: string, phase: string) =>
      page.locator(`#topology g.instance[data-id="${instance}"] g.eni[data-id="${extra}"][data-phase="${phase}"]`);
    await page.locator(`#topology g.eni[data-id="${extra}"][data-phase="available"]`).waitFor();
    await page.locator('#live[data-state="live"]').waitFor();
    await page.evaluate(() => ((window as any).sameDocument = true));

    const hold = await control.post('faults', { action: 'AttachNetworkInterface', phase: 'task', taskHold: true });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    const attach = await c3.ok('vpc', 'AttachNetworkInterface', {
      NetworkInterfaceId: extra,
      InstanceId: net.instances[1],
    });

    // In flight: drawn in the instance it is going to, dashed and labelled, and listed there.
    await port(net.instances[1], 'attaching').waitFor({ timeout: 10_000 });
    const flying = page.locator(`g.eni[data-id="${extra}"]`);
    assert.match((await flying.getAttribute('class')) ?? '', /\binflight\b/);
    assert.equal(await flying.locator('text.badge').textContent(), 'ATTACHING');
    const dash = await flying.locator('rect.port').evaluate((el) => getComputedStyle(el).strokeDasharray);
    assert.notEqual(dash, 'none');
    assert.match(await page.locator(`#instances tr[data-id="${net.instances[1]}"]`).innerText(), /attaching/);
    await screenshot(page, 'attach-in-flight');

    // The task, held, is listed as running.
    await page.locator('[data-tab="tasks"]').click();
    const running = page.locator('#tasks-running tbody tr[data-state="HELD"]');
    await running.waitFor();
    const row = await running.innerText();
    assert.match(row, /AttachNetworkInterface/);
    assert.ok(row.includes(extra) && row.includes(net.instances[1]) && row.includes(attach.RequestId), row);
    await page.locator('[data-tab="network"]').click();

    const released = await control.post('tasks/release');
    assert.equal(released.status, 200);
    assert.equal((await c3.waitTask(attach.RequestId)).Status, 'SUCCESS');
    await port(net.instances[1], 'attached').waitFor({ timeout: 10_000 });
    assert.doesNotMatch((await flying.getAttribute('class')) ?? '', /\binflight\b/);
    assert.match(await page.locator(`#enis tr[data-id="${extra}"]`).innerText(), /attached/);
    assert.equal(await page.evaluate(() => (window as any).sameDocument), true, 'the page was not reloaded');
    await screenshot(page, 'attach-done');
  });

  it('lists the recent calls, each linking to its task, and a failed task with its reason', async () => {
    const { page } = browser;
    await page.locator('[data-tab="calls"]').click();
    const call = page.locator('#calls tbody tr', { hasText: 'AttachNetworkInterface' }).first();
    await call.waitFor();
    const text = await call.innerText();
    assert.match(text, /3\.0 vpc/);
    assert.match(text, /Success/);
    assert.match(text, /SUCCEEDED/);
    assert.ok(text.includes(extra), text);
    const requestId = await call.getAttribute('data-request');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    await call.locator('a.task-link').click();
    const selected = page.locator('#tasks-recent tbody tr.selected');
    await selected.waitFor();
    assert.ok((await selected.innerText()).includes(requestId!));

    // A detach that fails shows up, live, among the failed tasks with its reason.
    const fail = await control.post('faults', {
      action: 'DetachNetworkInterface',
      phase: 'task',
      taskFail: { message: 'injected: cable cut' },
    });
    assert.equal(fail.status, 201, JSON.stringify(fail.body));
    const detach = await c3.ok('vpc', 'DetachNetworkInterface', {
      NetworkInterfaceId: extra,
      InstanceId: net.instances[1],
    });
    assert.equal((await c3.waitTask(detach.RequestId)).Status, 'FAILED');
    const failed = page.locator('#tasks-failed tbody tr', { hasText: detach.RequestId });
    await failed.waitFor({ timeout: 10_000 });
    assert.match(await failed.innerText(), /DetachNetworkInterface[\s\S]*FAILED[\s\S]*injected: cable cut/);
    await screenshot(page, 'tasks');
  });

  it('shows the audit trail of the account, searchable by RequestId and resource', async () => {
    const { page } = browser;
    const rename = await c3.ok('vpc', 'ModifyNetworkInterfaceAttribute', {
      NetworkInterfaceId: extra,
      NetworkInterfaceName: 'shop-extra-renamed',
    });
    await page.locator('[data-tab="audit"]').click();
    await page.locator('#events-form [name="requestId"]').fill(rename.RequestId);
    await page.locator('#events-form button[type="submit"]').click();
    const row = page.locator('#events tbody tr', { hasText: rename.RequestId });
    await row.waitFor();
    assert.equal(await page.locator('#events tbody tr').count(), 1);
    const text = await row.innerText();
    assert.match(text, /ModifyNetworkInterfaceAttribute/);
    assert.ok(text.includes(extra) && text.includes(ACCOUNT_A.secretId), text);
    await page.locator('#events-form [name="requestId"]').fill('');
    await page.locator('#events-form [name="resourceId"]').fill(extra);
    await page.locator('#events-form button[type="submit"]').click();
    await page.locator('#events tbody tr', { hasText: 'AttachNetworkInterface' }).first().waitFor();
    const names = await page.locator('#events tbody tr td:nth-child(2)').allInnerTexts();
    assert.ok(names.includes('DetachNetworkInterface') && names.includes('CreateNetworkInterface'), names.join());
    await page.locator('#events-form [name="since"]').fill('yesterday');
    await page.locator('#events-form button[type="submit"]').click();
    await page.locator('#events-note', { hasText: 'since must be' }).waitFor();
  });
});
