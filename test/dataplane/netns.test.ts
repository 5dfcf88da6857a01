import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { backends } from '../support/backends.ts';
import type { Client3 } from '../support/sdk3.ts';
import {
  deleteEverything,
  hostEmptied,
  hostVersusApi,
  inside,
  listen,
  namespacesOf,
  pings,
  rootFingerprint,
  sh,
  startNetnsServer,
  sweepHost,
  tcpRead,
  testPrefix,
  unavailable,
  type NetnsServer,
} from './support.ts';

// DATA_PLANE=netns through the API 3.0 SDK: after each action the host holds what it says, and
// traffic between the namespaces follows the VPC rules (docs/data-plane.md).

const skip = await unavailable();
if (skip) console.log(`# SKIP test/dataplane: ${skip}`);

const ZONE = 'ap-guangzhou-3';

async function vpc(c: Client3, name: string, subnets: string[]) {
  const v = await c.ok('vpc', 'CreateVpc', { VpcName: name, CidrBlock: '10.0.0.0/16' });
  const ids: string[] = [];
  for (const [n, cidr] of subnets.entries()) {
    const s = await c.ok('vpc', 'CreateSubnet', {
      VpcId: v.Vpc.VpcId,
      SubnetName: `${name}-${n}`,
      CidrBlock: cidr,
      Zone: ZONE,
    });
    ids.push(s.Subnet.SubnetId as string);
  }
  return { vpcId: v.Vpc.VpcId as string, subnets: ids };
}

/** Waits for the task of an async call and asserts it succeeded. */
async function done(c: Client3, r: { RequestId: string }): Promise<void> {
  const t = await c.waitTask(r.RequestId);
  assert.equal(t.Status, 'SUCCESS', JSON.stringify(t));
}

async function run(c: Client3, vpcId: string, subnetId: string): Promise<{ id: string; ip: string }> {
  const r = await c.ok('cvm', 'RunInstances', {
    Placement: { Zone: ZONE },
    ImageId: 'img-00000000',
    InstanceType: 'S5.MEDIUM4',
    VirtualPrivateCloud: { VpcId: vpcId, SubnetId: subnetId },
  });
  await done(c, r);
  const id = r.InstanceIdSet[0] as string;
  const d = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [id] });
  return { id, ip: d.InstanceSet[0].PrivateIpAddresses[0] as string };
}

async function eniOf(c: Client3, eniId: string) {
  return (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] })).NetworkInterfaceSet[0];
}

/** The ENI device inside a namespace as `ip -j addr` shows it, or null. */
async function device(ns: string, eniId: string): Promise<{ address: string; up: boolean; ips: string[] } | null> {
  const out = await sh('ip', ['-n', ns, '-j', 'addr', 'show', 'dev', eniId]).catch(() => null);
  if (out === null) return null;
  const [l] = JSON.parse(out) as Array<{
    address: string;
    flags: string[];
    addr_info: Array<{ family: string; local: string }>;
  }>;
  return {
    address: l!.address,
    up: l!.flags.includes('UP'),
    ips: l!.addr_info.filter((a) => a.family === 'inet').map((a) => a.local),
  };
}

describe('DATA_PLANE', () => {
  it('is simulated by default, netns on request, and anything else is refused by name', () => {
    assert.equal(loadConfig({}).dataPlane, 'simulated');
    assert.equal(loadConfig({ DATA_PLANE: 'netns' }).dataPlane, 'netns');
    assert.throws(
      () => loadConfig({ DATA_PLANE: 'vrf' }),
      /^Error: DATA_PLANE must be one of simulated, netns \(got "vrf"\)$/,
    );
  });
});

for (const backend of backends()) {
  describe(`netns data plane: the VPC rules on the wire [${backend.name}]`, { skip: skip ?? false }, () => {
    const prefix = testPrefix();
    let server: NetnsServer;
    let c: Client3;
    let root: string;
    before(async () => {
      root = await rootFingerprint();
      server = await startNetnsServer(backend, prefix);
      c = server.c;
    });
    after(async () => {
      await server?.close();
      await sweepHost(prefix);
    });

    it('builds a VPC, reaches across subnets, isolates overlapping VPCs, drops spoofed sources', async () => {
      const a = await vpc(c, 'a', ['10.0.1.0/24', '10.0.2.0/24']);
      const b = await vpc(c, 'b', ['10.0.1.0/24', '10.0.2.0/24']);
      const a1 = await run(c, a.vpcId, a.subnets[0]!);
      const a2 = await run(c, a.vpcId, a.subnets[1]!);
      const b2 = await run(c, b.vpcId, b.subnets[1]!);
      assert.equal(a2.ip, b2.ip, 'the two VPCs hand out the same address');

      // The instance's namespace is its id and holds its primary ENI with the API's MAC and address.
      const primary = (
        await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [{ Name: 'attachment.instance-id', Values: [a1.id] }],
        })
      ).NetworkInterfaceSet[0];
      const dev = await device(a1.id, primary.NetworkInterfaceId);
      assert.deepEqual(dev, { address: primary.MacAddress.toLowerCase(), up: true, ips: [a1.ip] });

      // Same VPC, across subnets: ICMP and TCP.
      assert.ok(await pings(a1.id, a2.ip), 'a1 reaches a2 across subnets');
      const la = await listen(a2.id, 7000, 'A');
      const lb = await listen(b2.id, 7000, 'B');
      try {
        assert.equal(await tcpRead(a1.id, a2.ip, 7000), 'A', 'a1 connects to a2, never to the B twin');
        // Two VPCs with the same CIDR never see each other.
        assert.equal(await pings(b2.id, a1.ip), false, 'b2 does not reach a1');
        assert.equal(await tcpRead(b2.id, a1.ip, 7000), null);
      } finally {
        la.stop();
        lb.stop();
      }

      // Anti-spoofing: an address added by hand inside the instance is dropped.
      await inside(a1.id, 'ip', 'addr', 'add', '10.0.1.250/32', 'dev', primary.NetworkInterfaceId);
      assert.equal(await pings(a1.id, a2.ip, '10.0.1.250'), false, 'a spoofed source is dropped');
      assert.ok(await pings(a1.id, a2.ip), 'its own address still passes');
      await inside(a1.id, 'ip', 'addr', 'del', '10.0.1.250/32', 'dev', primary.NetworkInterfaceId);
    });

    it('attach, detach, migrate, assign, unassign, stop, start and terminate change the host', async () => {
      const a = await vpc(c, 'life', ['10.0.1.0/24', '10.0.2.0/24']);
      const x = await run(c, a.vpcId, a.subnets[0]!);
      const y = await run(c, a.vpcId, a.subnets[1]!);
      const z = await run(c, a.vpcId, a.subnets[1]!);
      const sg = (await c.ok('vpc', 'CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'all' })).SecurityGroup
        .SecurityGroupId as string;
      const created = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: a.vpcId,
        SubnetId: a.subnets[0],
        NetworkInterfaceName: 'extra',
        SecurityGroupIds: [sg],
      });
      await done(c, created);
      const eniId = created.NetworkInterface.NetworkInterfaceId as string;
      const eniIp = created.NetworkInterface.PrivateIpAddressSet[0].PrivateIpAddress as string;
      const vns = `${server.prefix}${a.vpcId}`;
      // Created: parked, down and bare, in the VPC's namespace.
      assert.deepEqual(await device(vns, eniId), {
        address: created.NetworkInterface.MacAddress.toLowerCase(),
        up: false,
        ips: [],
      });
      // Its security group is a pair of chains its own chains jump to (empty: the group allows all).
      const chain = await sh('ip', [
        'netns',
        'exec',
        vns,
        'nft',
        'list',
        'chain',
        'inet',
        'vpceni',
        `in-${eniId.slice(4)}`,
      ]);
      assert.match(chain, new RegExp(`jump gin-${sg.slice(3)}`));
      const group = await sh('ip', [
        'netns',
        'exec',
        vns,
        'nft',
        'list',
        'chain',
        'inet',
        'vpceni',
        `gin-${sg.slice(3)}`,
      ]);
      assert.doesNotMatch(group, /accept|drop/);

      await done(c, await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: y.id }));
      assert.deepEqual((await device(y.id, eniId))?.ips, [eniIp]);
      assert.equal(await device(vns, eniId), null);
      assert.ok(await pings(x.id, eniIp), 'the attached ENI answers (policy routing sends replies out of it)');

      // A secondary address is reachable exactly while assigned.
      const assigned = await c.ok('vpc', 'AssignPrivateIpAddresses', {
        NetworkInterfaceId: eniId,
        SecondaryPrivateIpAddressCount: 1,
      });
      await done(c, assigned);
      const secondary = assigned.PrivateIpAddressSet[0].PrivateIpAddress as string;
      assert.ok(await pings(x.id, secondary), 'assigned secondary address answers');
      await done(
        c,
        await c.ok('vpc', 'UnassignPrivateIpAddresses', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: [{ PrivateIpAddress: secondary }],
        }),
      );
      assert.deepEqual((await device(y.id, eniId))?.ips, [eniIp]);
      assert.equal(await pings(x.id, secondary), false, 'unassigned: no answer');

      // Migrate to z: the device moves, the address answers from there.
      await done(
        c,
        await c.ok('vpc', 'MigrateNetworkInterface', {
          NetworkInterfaceId: eniId,
          SourceInstanceId: y.id,
          DestinationInstanceId: z.id,
        }),
      );
      assert.equal(await device(y.id, eniId), null);
      assert.deepEqual((await device(z.id, eniId))?.ips, [eniIp]);
      assert.ok(await pings(x.id, eniIp), 'reachable on its new instance');

      // A stopped instance is unreachable; started, it answers again.
      await done(c, await c.ok('cvm', 'StopInstances', { InstanceIds: [z.id] }));
      assert.equal((await device(z.id, eniId))?.up, false);
      assert.equal(await pings(x.id, z.ip), false, 'stopped: unreachable');
      await done(c, await c.ok('cvm', 'StartInstances', { InstanceIds: [z.id] }));
      assert.ok(await pings(x.id, z.ip), 'started: reachable');
      assert.ok(await pings(x.id, eniIp), 'and its secondary ENI too');

      // Terminate: the namespace goes, the secondary ENI is parked again.
      await done(c, await c.ok('cvm', 'TerminateInstances', { InstanceIds: [z.id] }));
      assert.ok(!(await namespacesOf(prefix)).includes(z.id), 'the instance namespace is gone');
      assert.equal((await eniOf(c, eniId)).Attachment ?? null, null);
      assert.deepEqual(await device(vns, eniId), {
        address: created.NetworkInterface.MacAddress.toLowerCase(),
        up: false,
        ips: [],
      });
      assert.equal(await pings(x.id, eniIp), false);

      // Detach after re-attaching to x's peer y; then delete: the pair goes.
      await done(c, await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: y.id }));
      await done(c, await c.ok('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: y.id }));
      assert.equal(await device(y.id, eniId), null);
      assert.equal((await device(vns, eniId))?.up, false);
      await done(c, await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: eniId }));
      assert.equal(await device(vns, eniId), null);
      assert.equal(await device(vns, `pt-${eniId.slice(4)}`), null);

      // Deleting the last of a VPC removes its host objects within seconds.
      for (const ins of [x, y]) await done(c, await c.ok('cvm', 'TerminateInstances', { InstanceIds: [ins.id] }));
      for (const s of a.subnets) await c.ok('vpc', 'DeleteSubnet', { SubnetId: s });
      await c.ok('vpc', 'DeleteVpc', { VpcId: a.vpcId });
      const deadline = Date.now() + 5000;
      while ((await namespacesOf(prefix)).includes(vns) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.ok(!(await namespacesOf(prefix)).includes(vns), 'the VPC namespace is gone within seconds');
    });

    it('a migrated private address answers from its new ENI at once', async () => {
      const a = await vpc(c, 'mig', ['10.0.3.0/24']);
      const [p, q, r] = [
        await run(c, a.vpcId, a.subnets[0]!),
        await run(c, a.vpcId, a.subnets[0]!),
        await run(c, a.vpcId, a.subnets[0]!),
      ];
      const primaryOf = async (id: string) =>
        (
          await c.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [{ Name: 'attachment.instance-id', Values: [id] }],
          })
        ).NetworkInterfaceSet[0].NetworkInterfaceId as string;
      const [fromEni, toEni] = [await primaryOf(p.id), await primaryOf(q.id)];
      const assigned = await c.ok('vpc', 'AssignPrivateIpAddresses', {
        NetworkInterfaceId: fromEni,
        SecondaryPrivateIpAddressCount: 1,
      });
      await done(c, assigned);
      const ip = assigned.PrivateIpAddressSet[0].PrivateIpAddress as string;
      assert.ok(await pings(r.id, ip));
      await done(
        c,
        await c.ok('vpc', 'MigratePrivateIpAddress', {
          SourceNetworkInterfaceId: fromEni,
          DestinationNetworkInterfaceId: toEni,
          PrivateIpAddress: ip,
        }),
      );
      assert.deepEqual((await device(p.id, fromEni))?.ips, [p.ip]);
      assert.deepEqual((await device(q.id, toEni))?.ips, [q.ip, ip]);
      // q answers for it: the gratuitous ARP updated r's neighbour entry.
      assert.ok(await pings(r.id, ip));
      // p may no longer send from it, even if it takes the address back by hand.
      await inside(p.id, 'ip', 'addr', 'add', `${ip}/32`, 'dev', fromEni);
      assert.equal(await pings(p.id, r.ip, ip), false);
      await inside(p.id, 'ip', 'addr', 'del', `${ip}/32`, 'dev', fromEni);
      assert.deepEqual(await hostVersusApi(c, server.prefix), []);
    });

    it('deleting everything through the API leaves nothing on the host', async () => {
      await deleteEverything(c);
      assert.deepEqual(await hostEmptied(prefix), []);
      // The host's own namespace was never touched: links, addresses, routes, rules, nftables.
      assert.equal(await rootFingerprint(), root);
    });
  });
}
