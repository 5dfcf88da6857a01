import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../support/backends.ts';
import { startServer, type TestServer } from '../../support/harness.ts';
import { sdk3Client, type Client3 } from '../../support/sdk3.ts';
import * as Attachment from './attachment.ts';
import * as Eni from './eni.ts';
import * as Enis from './enis.ts';
import * as Instance from './instance.ts';
import * as Ipv4Address from './ipv4-address.ts';
import * as SecurityGroup from './security-group.ts';
import * as Subnet from './subnet.ts';
import * as Vpc from './vpc.ts';
import { ApiError, Provider, ProviderTimeout } from './provider.ts';

// tencentcloud_eni, _eni_ipv4_address and the tencentcloud_enis data source, replayed call for
// call (scenarios S7–S11, S15 and S18 in docs/terraform.md): growing and shrinking the addresses,
// more than ten of them, explicit addresses, the order of security groups, a rename, the
// ipv4-address resource, and the data source's paging and filters.

const ZONE = 'ap-guangzhou-3';

for (const backend of backends()) {
  describe(`Terraform ENIs, replayed [${backend.name}]`, () => {
    let server: TestServer;
    let tf: Provider;
    let c: Client3;
    let net: { vpcId: string; subnetId: string };
    let sg1: string;
    let sg2: string;
    before(async () => {
      server = await startServer(backend);
      tf = new Provider(server.port);
      c = sdk3Client(server.port);
      const vpcId = await Vpc.create(tf, { name: 'tf', cidr: '10.0.0.0/16' });
      net = { vpcId, subnetId: await Subnet.create(tf, { vpcId, name: 's', cidr: '10.0.1.0/24', zone: ZONE }) };
      sg1 = await SecurityGroup.create(tf, { name: 'one' });
      sg2 = await SecurityGroup.create(tf, { name: 'two' });
    });
    after(() => server.close());

    const secondaries = (e: { ipv4_info: Array<{ ip: string; primary: boolean }> }) =>
      e.ipv4_info.filter((i) => !i.primary).map((i) => i.ip);

    it('S7: ipv4_count up assigns exactly the new addresses, down releases the first secondaries', async () => {
      const id = await Eni.create(tf, { ...net, name: 'grow', ipv4Count: 3 });
      const three = (await Eni.read(tf, id))!;
      assert.equal(three.ipv4_info.length, 3);
      const start = tf.calls.length;
      await Eni.update(tf, id, three, { ipv4Count: 5 });
      const assigned = tf.calls.slice(start).filter((x) => x.action === 'AssignPrivateIpAddresses');
      assert.deepEqual(
        assigned.map((x) => x.params.SecondaryPrivateIpAddressCount),
        [2],
      );
      const five = (await Eni.read(tf, id))!;
      assert.equal(five.ipv4_info.length, 5);
      // The addresses it had are kept, the primary first.
      assert.deepEqual(five.ipv4_info.slice(0, 3), three.ipv4_info);
      await Eni.update(tf, id, five, { ipv4Count: 2 });
      const two = (await Eni.read(tf, id))!;
      assert.deepEqual(two.ipv4_info, [five.ipv4_info[0], five.ipv4_info[4]]);
      assert.deepEqual(secondaries(two), [secondaries(five)[3]]);
    });

    it('S8: more than ten addresses go ten at a time; past the limit the quota answer is fatal', async () => {
      const id = await Eni.create(tf, { ...net, name: 'many', ipv4Count: 15 });
      const created = tf.calls.filter((x) => x.action === 'CreateNetworkInterface').at(-1)!;
      assert.equal(created.params.SecondaryPrivateIpAddressCount, 9);
      const e = (await Eni.read(tf, id))!;
      assert.equal(e.ipv4_info.length, 15);
      const assigns = tf.calls.filter(
        (x) => x.action === 'AssignPrivateIpAddresses' && x.params.NetworkInterfaceId === id,
      );
      assert.deepEqual(
        assigns.map((x) => x.params.SecondaryPrivateIpAddressCount),
        [5],
      );
      // 30 is the most an unattached ENI holds: the 31st is refused, not retried.
      await Eni.update(tf, id, e, { ipv4Count: 30 });
      const full = (await Eni.read(tf, id))!;
      assert.equal(full.ipv4_info.length, 30);
      const before = tf.calls.length;
      await assert.rejects(
        Eni.update(tf, id, full, { ipv4Count: 31 }),
        (err: unknown) => err instanceof ApiError && err.code === 'LimitExceeded',
      );
      assert.equal(tf.calls.slice(before).filter((x) => x.action === 'AssignPrivateIpAddresses').length, 1);
      assert.equal((await Eni.read(tf, id))!.ipv4_info.length, 30);
      await Eni.destroy(tf, id);
    });

    it('S9: explicit addresses with their primary flag and descriptions; a taken address waits, one outside fails', async () => {
      const ipv4s = [
        { ip: '10.0.1.100', primary: true, description: 'p' },
        { ip: '10.0.1.101', primary: false, description: '' },
      ];
      const id = await Eni.create(tf, { ...net, name: 'explicit', ipv4s });
      const created = tf.calls.filter((x) => x.action === 'CreateNetworkInterface').at(-1)!;
      assert.deepEqual(created.params.PrivateIpAddresses, [
        { PrivateIpAddress: '10.0.1.100', Primary: true, Description: 'p' },
        { PrivateIpAddress: '10.0.1.101', Primary: false, Description: '' },
      ]);
      const e = (await Eni.read(tf, id))!;
      assert.deepEqual(e.ipv4_info, ipv4s);
      await Eni.update(tf, id, e, { primaryDescription: 'q' });
      const described = (await Eni.read(tf, id))!;
      assert.deepEqual(described.ipv4_info, [{ ...ipv4s[0]!, description: 'q' }, ipv4s[1]]);
      // An address outside the subnet: InvalidParameterValue.Range, at once.
      await assert.rejects(
        Eni.update(tf, id, described, { addIpv4s: [{ ip: '10.0.2.5', primary: false, description: '' }] }),
        (err: unknown) => err instanceof ApiError && err.code === 'InvalidParameterValue.Range',
      );
      // An address another ENI holds: ResourceInUse, which Terraform retries until its timeout.
      const other = await Eni.create(tf, {
        ...net,
        name: 'other',
        ipv4s: [{ ip: '10.0.1.120', primary: true, description: '' }],
      });
      await assert.rejects(
        Eni.update(tf, id, described, { addIpv4s: [{ ip: '10.0.1.120', primary: false, description: '' }] }),
        (err: unknown) => err instanceof ProviderTimeout && (err.last as ApiError).code === 'ResourceInUse',
      );
      // Explicit addresses removed and added: unassigned, then assigned.
      await Eni.update(tf, id, described, {
        removeIpv4s: ['10.0.1.101'],
        addIpv4s: [{ ip: '10.0.1.102', primary: false, description: 'new' }],
      });
      assert.deepEqual((await Eni.read(tf, id))!.ipv4_info, [
        { ...ipv4s[0]!, description: 'q' },
        { ip: '10.0.1.102', primary: false, description: 'new' },
      ]);
      await Eni.destroy(tf, other);
    });

    it('S10 keeps the order of security groups; S11 a rename leaves them and the description alone', async () => {
      const id = await Eni.create(tf, {
        ...net,
        name: 'ordered',
        description: 'd',
        securityGroups: [sg1, sg2],
        ipv4Count: 1,
      });
      const first = (await Eni.read(tf, id))!;
      assert.deepEqual(first.security_groups, [sg1, sg2]);
      await Eni.update(tf, id, first, { securityGroups: [sg2, sg1] });
      const swapped = (await Eni.read(tf, id))!;
      assert.deepEqual(swapped.security_groups, [sg2, sg1]);
      const start = tf.calls.length;
      await Eni.update(tf, id, swapped, { name: 'new' });
      const modify = tf.calls.slice(start).find((x) => x.action === 'ModifyNetworkInterfaceAttribute')!;
      assert.deepEqual(modify.params, { NetworkInterfaceId: id, NetworkInterfaceName: 'new' });
      const renamed = (await Eni.read(tf, id))!;
      assert.deepEqual(renamed, { ...swapped, name: 'new' });
      assert.equal(renamed.description, 'd');
      // Terraform leaves out an empty list, so removing every group changes nothing (a known quirk).
      await Eni.update(tf, id, renamed, { securityGroups: [] });
      assert.deepEqual((await Eni.read(tf, id))!.security_groups, [sg2, sg1]);
      // Tags through the tag service, then read back in TagSet.
      await Eni.update(tf, id, renamed, { tags: { team: 'net', env: 'dev' } });
      const tagged = (await Eni.read(tf, id))!;
      assert.deepEqual(tagged.tags, { env: 'dev', team: 'net' });
      await Eni.update(tf, id, tagged, { tags: { team: 'infra' } });
      assert.deepEqual((await Eni.read(tf, id))!.tags, { team: 'infra' });
    });

    it('S18: the ipv4-address resource adds addresses, reads them at once, and releases them all', async () => {
      const id = await Eni.create(tf, { ...net, name: 'addresses', ipv4Count: 1 });
      const read = (await Ipv4Address.create(tf, id, ['10.0.1.20']))!;
      // Read right after the call, before its task has finished: listed, Primary false.
      assert.equal(read.secondary_private_ip_address_count, 1);
      assert.deepEqual(
        { ...read.private_ip_addresses[0], state: 'any' },
        {
          private_ip_address: '10.0.1.20',
          primary: false,
          address_id: '',
          description: '',
          is_wan_ip_blocked: false,
          state: 'any',
          qos_level: 'DEFAULT',
        },
      );
      assert.ok(['PENDING', 'AVAILABLE'].includes(read.private_ip_addresses[0]!.state));
      // Some time later (the provider never waits for the assignment; a destroy meeting it still in
      // flight would be answered MutexOperationTaskRunning, which Terraform does not retry).
      await tf.poll(60, 'address assigned', async () =>
        (await Ipv4Address.read(tf, id))!.private_ip_addresses[0]!.state === 'AVAILABLE' ? true : undefined,
      );
      assert.equal(await Ipv4Address.destroy(tf, id), 'SUCCESS');
      const left = (await Eni.read(tf, id))!;
      assert.deepEqual(
        left.ipv4_info.map((i) => i.primary),
        [true],
      );
      assert.equal((await Ipv4Address.read(tf, id))!.secondary_private_ip_address_count, 0);
    });

    it('S15: the tencentcloud_enis data source pages by 100 and filters', async () => {
      // A VPC of its own, so that its ENIs are the only ones its filters see.
      const vpcId = await Vpc.create(tf, { name: 'pages', cidr: '10.9.0.0/16' });
      const subnetId = await Subnet.create(tf, { vpcId, name: 's', cidr: '10.9.0.0/24', zone: ZONE });
      const other = await Subnet.create(tf, { vpcId, name: 'o', cidr: '10.9.1.0/24', zone: ZONE });
      const made: string[] = [];
      for (let batch = 0; batch < 101; batch += 5) {
        const answers = await Promise.all(
          Array.from({ length: Math.min(5, 101 - batch) }, (_, i) =>
            c.ok('vpc', 'CreateNetworkInterface', {
              VpcId: vpcId,
              SubnetId: subnetId,
              NetworkInterfaceName: `n${batch + i}`,
            }),
          ),
        );
        for (const a of answers) await c.waitTask(a.RequestId);
        made.push(...answers.map((a) => a.NetworkInterface.NetworkInterfaceId));
      }
      const all = await Enis.read(tf, { vpcId });
      assert.equal(all.enis.length, 101);
      assert.equal(all.pages, 2);
      assert.deepEqual(all.enis.map((e) => e.id).sort(), [...made].sort());
      const pages = tf.calls.filter((x) => x.action === 'DescribeNetworkInterfaces').slice(-2);
      assert.deepEqual(
        pages.map((x) => [x.params.Offset, x.params.Limit]),
        [
          [0, 100],
          [100, 100],
        ],
      );
      // Exactly 100: a full page, so one more call, which is empty.
      await c.waitTask((await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made.pop() })).RequestId);
      const hundred = await Enis.read(tf, { vpcId });
      assert.deepEqual([hundred.enis.length, hundred.pages], [100, 2]);

      // Each filter returns only the ENIs it names.
      const filtered = await Eni.create(tf, {
        vpcId,
        subnetId: other,
        name: 'target',
        securityGroups: [sg1],
        ipv4Count: 1,
      });
      const e = (await Eni.read(tf, filtered))!;
      await Eni.update(tf, filtered, e, { tags: { role: 'db' } });
      const instance = await Instance.create(tf, { zone: ZONE, vpcId, subnetId: other });
      await Attachment.create(tf, filtered, instance.id);
      const only = async (args: Parameters<typeof Enis.read>[1]) => (await Enis.read(tf, args)).enis.map((x) => x.id);
      assert.deepEqual(await only({ vpcId, subnetId: other, securityGroup: sg1 }), [filtered]);
      // On the instance: the ENI attached to it, and the instance's own primary ENI.
      const onInstance = (await Enis.read(tf, { vpcId, instanceId: instance.id })).enis;
      assert.deepEqual(onInstance.map((x) => [x.primary, x.instance_id]).sort(), [
        [false, instance.id],
        [true, instance.id],
      ]);
      assert.equal(onInstance.find((x) => !x.primary)!.id, filtered);
      assert.deepEqual(await only({ vpcId, ipv4: e.ipv4_info[0]!.ip }), [filtered]);
      assert.deepEqual(await only({ vpcId, tags: { role: 'db' } }), [filtered]);
      assert.deepEqual(await only({ vpcId, tags: { role: 'web' } }), []);
      assert.deepEqual(await only({ vpcId, name: 'target' }), [filtered]);
      const listed = (await Enis.read(tf, { ids: [filtered] })).enis[0]!;
      assert.deepEqual(
        { id: listed.id, instance_id: listed.instance_id, security_groups: listed.security_groups, tags: listed.tags },
        { id: filtered, instance_id: instance.id, security_groups: [sg1], tags: { role: 'db' } },
      );
      // An id that names no ENI: the data source's ResourceNotFound is an empty list.
      assert.deepEqual((await Enis.read(tf, { ids: ['eni-00000000'] })).enis, []);
    });
  });
}
