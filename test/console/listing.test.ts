import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';
import { sdk3Client } from '../support/sdk3.ts';
import {
  box,
  buildNetwork,
  chromiumMissing,
  inside,
  openBrowser,
  screenshot,
  type Browser,
  type Network,
} from './support.ts';

// The console lists and draws what the API made (docs/console.md), on every backend: its queries
// are the part that differs between SQLite and PostgreSQL.

const skip = chromiumMissing();
if (skip) console.log(`# SKIP test/console browser checks: ${skip}`);

for (const backend of backends()) {
  describe(`console listing (${backend.name})`, () => {
    let server: TestServer;
    let net: Network;
    let browser: Browser | undefined;
    const get = async (path: string) => {
      const res = await fetch(`http://${server.host}${path}`);
      return { status: res.status, body: (await res.json()) as any };
    };
    const scope = `appId=${ACCOUNT_A.appId}&region=ap-guangzhou`;

    before(async () => {
      server = await startServer(backend);
      net = await buildNetwork(sdk3Client(server.port));
      if (!skip) browser = await openBrowser();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('answers the listing endpoints with what the API made, scoped to the account', async () => {
      const scopes = await get('/console/api/scopes');
      assert.equal(scopes.status, 200);
      const a = scopes.body.accounts.find((x: any) => x.appId === ACCOUNT_A.appId);
      assert.deepEqual(a.vpcs, { 'ap-guangzhou': 1 });
      assert.ok(scopes.body.regions.some((r: any) => r.name === 'ap-guangzhou' && r.shortName === 'gz'));

      const vpcs = await get(`/console/api/vpcs?${scope}`);
      assert.equal(vpcs.body.total, 1);
      assert.deepEqual(
        { ...vpcs.body.items[0], createdAt: 0 },
        { id: net.vpcId, name: 'shop', cidr: '10.0.0.0/16', createdAt: 0, subnets: 2, instances: 2, enis: 4 },
      );
      // The short region name works too; another account sees none of it.
      assert.equal((await get(`/console/api/vpcs?appId=${ACCOUNT_A.appId}&region=gz`)).body.total, 1);
      assert.equal((await get(`/console/api/vpcs?appId=${ACCOUNT_B.appId}&region=gz`)).body.total, 0);
      const foreign = await get(`/console/api/vpc?appId=${ACCOUNT_B.appId}&region=gz&vpcId=${net.vpcId}`);
      assert.equal(foreign.status, 404);

      const view = await get(`/console/api/vpc?${scope}&vpcId=${net.vpcId}`);
      assert.equal(view.status, 200);
      const v = view.body;
      assert.deepEqual(
        v.subnets.map((s: any) => [s.id, s.cidr, s.zone, s.usedIps, s.totalIps]),
        [
          [net.subnets[0], '10.0.1.0/24', 'ap-guangzhou-3', 2, 253],
          [net.subnets[1], '10.0.2.0/24', 'ap-guangzhou-3', 2, 253],
        ],
      );
      assert.deepEqual(
        v.instances.map((i: any) => [i.id, i.state, i.subnetId]),
        net.instances.map((id, n) => [id, 'RUNNING', net.subnets[n]]),
      );
      const eni = (id: string) => v.enis.find((e: any) => e.id === id);
      assert.deepEqual(
        [net.primaries[0], net.primaries[1], net.attached, net.loose].map((id) => {
          const e = eni(id);
          return [e.phase, e.primary, e.instanceId, e.deviceIndex];
        }),
        [
          ['attached', true, net.instances[0], 0],
          ['attached', true, net.instances[1], 0],
          ['attached', false, net.instances[0], 1],
          ['available', false, null, null],
        ],
      );
      assert.deepEqual(eni(net.loose).tags, [{ key: 'team', value: 'ops' }]);
      assert.deepEqual(
        eni(net.loose).securityGroups.map((g: any) => g.id),
        [net.securityGroup],
      );
      assert.match(eni(net.attached).ips[0].ip, /^10\.0\.2\.\d+$/);
      assert.deepEqual(v.totals, { subnets: 2, instances: 2, enis: 4 });
    });

    it('filters by text (id, name, private IP, through the instance) and by state', async () => {
      const ids = async (query: string) => {
        const r = await get(`/console/api/vpc?${scope}&vpcId=${net.vpcId}&${query}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return { enis: r.body.enis.map((e: any) => e.id).sort(), instances: r.body.instances.map((i: any) => i.id) };
      };
      assert.deepEqual((await ids('q=SPARE')).enis, [net.loose]);
      assert.deepEqual(await ids('q=shop-1'), { enis: [net.primaries[1]], instances: [net.instances[1]] });
      assert.deepEqual((await ids(`q=${net.attached.slice(0, 10)}`)).enis, [net.attached]);
      const view = await get(`/console/api/vpc?${scope}&vpcId=${net.vpcId}`);
      const ip = view.body.enis.find((e: any) => e.id === net.attached).ips[0].ip;
      assert.deepEqual((await ids(`q=${ip}`)).enis, [net.attached]);
      assert.deepEqual(await ids('state=available'), { enis: [net.loose], instances: [] });
      assert.deepEqual((await ids('state=attached')).enis, [net.primaries[0], net.primaries[1], net.attached].sort());
      assert.deepEqual(await ids('state=in-flight'), { enis: [], instances: [] });
      // %, _ are literal.
      assert.deepEqual((await ids('q=%25')).enis, []);
    });

    it('refuses bad parameters with a message naming them', async () => {
      const cases: Array<[string, RegExp]> = [
        [`/console/api/vpc?${scope}`, /^vpcId is required/],
        [`/console/api/vpc?${scope}&vpcId=${net.vpcId}&state=sleeping`, /^state must be one of/],
        [`/console/api/vpcs?appId=abc&region=gz`, /^appId must be a positive integer/],
        [`/console/api/vpcs?appId=1`, /^region is required/],
        [`/console/api/vpcs?appId=1&region=mars`, /^region names no region/],
        [`/console/api/vpcs?${scope}&q=${'x'.repeat(201)}`, /^q must be at most 200 characters/],
      ];
      for (const [path, message] of cases) {
        const r = await get(path);
        assert.equal(r.status, 400, path);
        assert.match(r.body.error, message, path);
      }
      assert.equal((await get('/console/api/nothing')).status, 404);
      const post = await fetch(`http://${server.host}/console/api/vpcs?${scope}`, { method: 'POST' });
      assert.equal(post.status, 405);
    });

    it('shows the VPC, its subnets, instances and ENIs in the page, each ENI inside its instance', async (t) => {
      if (!browser) return t.skip(skip!);
      const { page } = browser;
      await page.goto(`http://${server.host}/console#app=${ACCOUNT_A.appId}&region=ap-guangzhou`);
      await page.locator(`#vpc-list [data-vpc="${net.vpcId}"]`).waitFor();
      await page.locator(`#topology g.instance[data-id="${net.instances[1]}"]`).waitFor();
      assert.match(await page.locator('#vpc-title').innerText(), new RegExp(`${net.vpcId}\\s+shop`));

      // Tables: a row per subnet (with its address bar), instance (listing its ENIs) and ENI.
      for (const id of net.subnets) {
        assert.match(await page.locator(`#subnets tr[data-id="${id}"]`).innerText(), /2 \/ 253/);
      }
      const row0 = await page.locator(`#instances tr[data-id="${net.instances[0]}"]`).innerText();
      assert.ok(row0.includes(net.primaries[0]) && row0.includes(net.attached), row0);
      assert.ok(!row0.includes(net.loose));
      const looseRow = await page.locator(`#enis tr[data-id="${net.loose}"]`).innerText();
      assert.match(looseRow, /available/);
      assert.match(looseRow, /not attached/);
      assert.match(looseRow, /team=ops/);
      assert.ok(looseRow.includes(net.securityGroup));
      assert.equal(await page.locator('#enis tbody tr').count(), 4);

      // The picture: each attached ENI is drawn inside its instance's box, ids as text.
      const attachedTo: Array<[string, string]> = [
        [net.primaries[0], net.instances[0]],
        [net.attached, net.instances[0]],
        [net.primaries[1], net.instances[1]],
      ];
      for (const [eniId, instanceId] of attachedTo) {
        const port = `#topology g.instance[data-id="${instanceId}"] g.eni[data-id="${eniId}"]`;
        assert.equal(await page.locator(port).getAttribute('data-phase'), 'attached');
        assert.ok(
          inside(
            await box(page, `${port} rect.port`),
            await box(page, `#topology g.instance[data-id="${instanceId}"] > rect.box`),
          ),
          `${eniId} is drawn inside ${instanceId}`,
        );
        assert.equal(await page.locator(`${port} text.id`).textContent(), eniId);
      }
      // Primary and secondary look different; the unattached ENI sits in its subnet, in no instance.
      const primaryFill = await page.locator(`g.eni[data-id="${net.primaries[0]}"] rect.port`).getAttribute('fill');
      const secondaryFill = await page.locator(`g.eni[data-id="${net.attached}"] rect.port`).getAttribute('fill');
      assert.notEqual(primaryFill, secondaryFill);
      assert.equal(await page.locator(`g.instance g.eni[data-id="${net.loose}"]`).count(), 0);
      assert.ok(
        inside(
          await box(page, `g.eni[data-id="${net.loose}"] rect.port`),
          await box(page, `g.subnet[data-id="${net.subnets[0]}"] rect.zone-box`),
        ),
      );
      // The ENI made in the other subnet is plugged into that subnet's bus.
      assert.equal(await page.locator(`path.link.cross[data-eni="${net.attached}"]`).count(), 1);
      await screenshot(page, `listing-${backend.name}`);

      // Filtering in the page narrows the picture and the tables.
      await page.locator('#filter-state').selectOption('available');
      await page.locator(`#topology g.eni[data-id="${net.primaries[0]}"]`).waitFor({ state: 'detached' });
      assert.equal(await page.locator('#enis tbody tr').count(), 1);
      assert.equal(await page.locator(`#topology g.eni[data-id="${net.loose}"]`).count(), 1);
      await page.locator('#filter-state').selectOption('');
      await page.locator(`#topology g.eni[data-id="${net.primaries[0]}"]`).waitFor();

      // Names are shown as text, never run as markup; the rename shows up without a reload.
      const markup = '<img src=x onerror="window.pwned=1">';
      await sdk3Client(server.port).ok('vpc', 'ModifyNetworkInterfaceAttribute', {
        NetworkInterfaceId: net.loose,
        NetworkInterfaceName: markup,
      });
      await page.locator(`#enis tr[data-id="${net.loose}"]`, { hasText: markup }).waitFor();
      assert.equal(await page.locator('#enis img').count(), 0);
      assert.equal(await page.evaluate(() => (window as any).pwned), undefined);
    });
  });
}
