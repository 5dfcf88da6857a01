import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../support/process.ts';
import type { Client3 } from '../support/sdk3.ts';

// Browser tests of the console in the machine's own Chromium (Debian's `chromium`), driven by
// playwright-core, which never downloads a browser. Each browser gets a fresh profile folder,
// removed when it closes; screenshots go to .artifacts/console/ (ignored by git).

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, '.artifacts/console');
export const ZONE = 'ap-guangzhou-3';

/** Why the browser tests cannot run here (null: they can). Under CI=true they must. */
export function chromiumMissing(): string | null {
  if (fs.existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} is missing (Debian package chromium)`;
  if (process.env.CI === 'true') throw new Error(`${why}: CI=true, so the console's browser tests must run`);
  return why;
}

export interface Browser {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-eni-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1500, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      page,
      context,
      async close() {
        await context.close().catch(() => undefined);
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface Network {
  vpcId: string;
  subnets: [string, string];
  instances: [string, string];
  /** Each instance's primary ENI. */
  primaries: [string, string];
  /** A secondary ENI attached to instance 0, made in subnet 1. */
  attached: string;
  /** A secondary ENI left unattached, in subnet 0, in `securityGroup`, tagged team=ops. */
  loose: string;
  securityGroup: string;
}

async function done(c: Client3, r: { RequestId: string }): Promise<void> {
  const t = await c.waitTask(r.RequestId);
  if (t.Status !== 'SUCCESS') throw new Error(`task ${r.RequestId}: ${JSON.stringify(t)}`);
}

/** A VPC with two subnets, an instance in each, a secondary ENI attached across subnets, and a loose one. */
export async function buildNetwork(c: Client3, name = 'shop'): Promise<Network> {
  const vpc = await c.ok('vpc', 'CreateVpc', { VpcName: name, CidrBlock: '10.0.0.0/16' });
  const vpcId = vpc.Vpc.VpcId as string;
  const subnets: string[] = [];
  for (const [n, cidr] of ['10.0.1.0/24', '10.0.2.0/24'].entries()) {
    const s = await c.ok('vpc', 'CreateSubnet', {
      VpcId: vpcId,
      SubnetName: `${name}-${n === 0 ? 'web' : 'db'}`,
      CidrBlock: cidr,
      Zone: ZONE,
    });
    subnets.push(s.Subnet.SubnetId as string);
  }
  const instances: string[] = [];
  for (const subnetId of subnets) {
    const r = await c.ok('cvm', 'RunInstances', {
      Placement: { Zone: ZONE },
      ImageId: 'img-00000000',
      InstanceType: 'S5.MEDIUM4',
      InstanceName: `${name}-${instances.length}`,
      VirtualPrivateCloud: { VpcId: vpcId, SubnetId: subnetId },
    });
    await done(c, r);
    instances.push(r.InstanceIdSet[0] as string);
  }
  const primaries: string[] = [];
  for (const instanceId of instances) {
    const r = await c.ok('vpc', 'DescribeNetworkInterfaces', {
      Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }],
    });
    primaries.push(r.NetworkInterfaceSet[0].NetworkInterfaceId as string);
  }
  const attached = await c.ok('vpc', 'CreateAndAttachNetworkInterface', {
    VpcId: vpcId,
    SubnetId: subnets[1],
    NetworkInterfaceName: `${name}-backend`,
    InstanceId: instances[0],
  });
  await done(c, attached);
  const sg = await c.ok('vpc', 'CreateSecurityGroup', { GroupName: `${name}-admin`, GroupDescription: 'ssh' });
  const loose = await c.ok('vpc', 'CreateNetworkInterface', {
    VpcId: vpcId,
    SubnetId: subnets[0],
    NetworkInterfaceName: `${name}-spare`,
    SecurityGroupIds: [sg.SecurityGroup.SecurityGroupId],
    Tags: [{ Key: 'team', Value: 'ops' }],
  });
  await done(c, loose);
  return {
    vpcId,
    subnets: subnets as [string, string],
    instances: instances as [string, string],
    primaries: primaries as [string, string],
    attached: attached.NetworkInterface.NetworkInterfaceId as string,
    loose: loose.NetworkInterface.NetworkInterfaceId as string,
    securityGroup: sg.SecurityGroup.SecurityGroupId as string,
  };
}

/** The box of an element of the page (null when it is not rendered). */
export async function box(page: Page, selector: string) {
  return page.locator(selector).first().boundingBox();
}

/** Whether box `inner` lies within box `outer`. */
export function inside(
  inner: { x: number; y: number; width: number; height: number } | null,
  outer: { x: number; y: number; width: number; height: number } | null,
): boolean {
  if (!inner || !outer) return false;
  return (
    inner.x >= outer.x - 0.5 &&
    inner.y >= outer.y - 0.5 &&
    inner.x + inner.width <= outer.x + outer.width + 0.5 &&
    inner.y + inner.height <= outer.y + outer.height + 0.5
  );
}
