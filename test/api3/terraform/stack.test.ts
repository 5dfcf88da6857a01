import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../support/backends.ts';
import { startServer, type TestServer } from '../../support/harness.ts';
import { sdk3Client, type Client3 } from '../../support/sdk3.ts';
import * as Attachment from './attachment.ts';
import * as Eni from './eni.ts';
import * as Instance from './instance.ts';
import * as SecurityGroup from './security-group.ts';
import * as Subnet from './subnet.ts';
import * as Vpc from './vpc.ts';
import { ApiError, Provider, ProviderTimeout, type Call } from './provider.ts';

// Terraform's VPC + subnet + security group + ENI + attachment stack, replayed call for call
// (terraform-provider scenarios S1–S6, S16 and S19 in docs/terraform.md): apply, a second read
// that finds no difference, destroy; resources changed behind Terraform's back (drift); deleting
// an attached ENI; importing what was made elsewhere.

const ZONE = 'ap-guangzhou-3';
const BEIJING_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/** The actions of a call log, each run of repeats (a poll) counted once. */
const actions = (calls: readonly Call[]) =>
  calls.map((c) => c.action).filter((a, i, all) => i === 0 || all[i - 1] !== a);

for (const backend of backends()) {
  describe(`Terraform ENI stack, replayed [${backend.name}]`, () => {
    let server: TestServer;
    let tf: Provider;
    /** Changes made behind Terraform's back. */
    let c: Client3;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100' });
      tf = new Provider(server.port);
      c = sdk3Client(server.port);
    });
    after(() => server.close());

    /** S1: what `terraform apply` of the example configuration calls, resource by resource. */
    async function apply(cidr = '10.0.0.0/16', subnetCidr = '10.0.1.0/24') {
      const vpcId = await Vpc.create(tf, { name: 'tf', cidr });
      const vpc = await Vpc.read(tf, vpcId);
      const subnetId = await Subnet.create(tf, { vpcId, name: 'tf-subnet', cidr: subnetCidr, zone: ZONE });
      const subnet = await Subnet.read(tf, subnetId);
      const sgId = await SecurityGroup.create(tf, { name: 'tf-sg' });
      const sg = await SecurityGroup.read(tf, sgId);
      const eniId = await Eni.create(tf, { vpcId, subnetId, name: 'tf-eni', securityGroups: [sgId], ipv4Count: 3 });
      const eni = await Eni.read(tf, eniId);
      const instance = await Instance.create(tf, { zone: ZONE, vpcId, subnetId, securityGroups: [sgId] });
      const attachmentId = await Attachment.create(tf, eniId, instance.id);
      const attachment = await Attachment.read(tf, attachmentId);
      return { vpcId, subnetId, sgId, eniId, instanceId: instance.id, attachmentId, vpc, subnet, sg, eni, attachment };
    }

    /** What a refresh reads (S2). */
    async function refresh(s: Awaited<ReturnType<typeof apply>>) {
      return {
        vpc: await Vpc.read(tf, s.vpcId),
        subnet: await Subnet.read(tf, s.subnetId),
        sg: await SecurityGroup.read(tf, s.sgId),
        eni: await Eni.read(tf, s.eniId),
        attachment: await Attachment.read(tf, s.attachmentId),
      };
    }

    it('S1 applies the stack, S2 a second read shows no difference, S3 destroy takes it down', async () => {
      const start = tf.calls.length;
      const s = await apply();
      const calls = actions(tf.calls.slice(start));
      // The provider's calls, in its order (repeated polls counted once).
      assert.deepEqual(calls, [
        'CreateVpc',
        'DescribeVpcs',
        'DescribeRouteTables',
        'CreateSubnet',
        'ModifySubnetAttribute',
        'DescribeSubnets',
        'DescribeResourceTagsByResourceIds',
        'CreateSecurityGroup',
        'DescribeSecurityGroups',
        'DescribeResourceTagsByResourceIds',
        'CreateNetworkInterface',
        'DescribeNetworkInterfaces',
        'RunInstances',
        'DescribeInstances',
        'AttachNetworkInterface',
        'DescribeVpcTaskResult',
        'DescribeNetworkInterfaces',
      ]);
      assert.ok(
        tf.calls.slice(start).every((call) => call.code === undefined),
        'no call was refused, so none was retried',
      );

      const rtb = 'rtb-' + s.vpcId.slice('vpc-'.length);
      assert.match(s.vpc!.create_time, BEIJING_TIME);
      assert.deepEqual(s.vpc, {
        id: s.vpcId,
        name: 'tf',
        cidr_block: '10.0.0.0/16',
        is_multicast: false,
        is_default: false,
        create_time: s.vpc!.create_time,
        dns_servers: ['183.60.82.98', '183.60.83.19'],
        assistant_cidrs: [],
        tags: {},
        enable_route_vpc_publish: false,
        default_route_table_id: rtb,
      });
      assert.deepEqual(s.subnet, {
        id: s.subnetId,
        vpc_id: s.vpcId,
        name: 'tf-subnet',
        cidr_block: '10.0.1.0/24',
        availability_zone: ZONE,
        is_multicast: false,
        is_default: false,
        route_table_id: rtb,
        cdc_id: '',
        available_ip_count: 253,
        create_time: s.subnet!.create_time,
        tags: {},
      });
      assert.deepEqual(s.sg, { id: s.sgId, name: 'tf-sg', description: '', project_id: 0, tags: {} });
      const eni = s.eni!;
      assert.equal(eni.state, 'AVAILABLE');
      assert.equal(eni.primary, false);
      assert.equal(eni.description, '');
      assert.deepEqual(eni.security_groups, [s.sgId]);
      assert.equal(eni.ipv4_info.length, 3);
      assert.equal(eni.ipv4_info.filter((i) => i.primary).length, 1);
      assert.match(eni.mac, /^20:90:6F(:[0-9A-F]{2}){3}$/);
      assert.deepEqual(s.attachment, { eni_id: s.eniId, instance_id: s.instanceId });
      // Attached and idle: AVAILABLE, with the instance in Attachment.
      const raw = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [s.eniId] }))
        .NetworkInterfaceSet[0];
      assert.equal(raw.State, 'AVAILABLE');
      assert.equal(raw.Attachment.InstanceId, s.instanceId);
      assert.equal(raw.Attachment.DeviceIndex, 1);

      // S2: a plan reads everything again and finds it as it was (GroupSet order, Description "",
      // tags, the same three addresses, the attachment).
      const again = await refresh(s);
      assert.deepEqual(again, {
        vpc: s.vpc,
        subnet: { ...s.subnet, available_ip_count: 249 },
        sg: s.sg,
        eni: s.eni,
        attachment: s.attachment,
      });
      assert.deepEqual(await refresh(s), again);

      // S3: destroy, in the reverse order of the dependencies.
      await Attachment.destroy(tf, s.attachmentId);
      const detached = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [s.eniId] }))
        .NetworkInterfaceSet[0];
      assert.equal(detached.Attachment, null);
      assert.equal(detached.State, 'AVAILABLE');
      await Instance.destroy(tf, s.instanceId);
      await Eni.destroy(tf, s.eniId);
      await SecurityGroup.destroy(tf, s.sgId);
      await Subnet.destroy(tf, s.subnetId);
      await Vpc.destroy(tf, s.vpcId);
      assert.deepEqual(await refresh(s), { vpc: null, subnet: null, sg: null, eni: null, attachment: null });
    });

    it('S3: a subnet deleted before its ENI is gone keeps Terraform retrying until it can go', async () => {
      const vpcId = await Vpc.create(tf, { name: 'tf', cidr: '10.1.0.0/16' });
      const subnetId = await Subnet.create(tf, { vpcId, name: 's', cidr: '10.1.1.0/24', zone: ZONE });
      const eniId = await Eni.create(tf, { vpcId, subnetId, name: 'e', ipv4Count: 1 });
      const start = tf.calls.length;
      const deleting = Subnet.destroy(tf, subnetId);
      // The first answer is ResourceInUse (retried); once the ENI has gone, the delete succeeds.
      while (!tf.calls.slice(start).some((x) => x.action === 'DeleteSubnet' && x.code === 'ResourceInUse')) {
        await new Promise((res) => setTimeout(res, 5));
      }
      await c.waitTask((await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: eniId })).RequestId);
      await deleting;
      const tries = tf.calls.slice(start).filter((x) => x.action === 'DeleteSubnet');
      assert.ok(tries.length >= 2);
      assert.deepEqual(tries.at(-1)!.code, undefined);
      assert.equal(await Subnet.read(tf, subnetId), null);
      await Vpc.destroy(tf, vpcId);
    });

    it('S4: resources deleted outside Terraform read as gone, never as an error', async () => {
      const s = await apply('10.2.0.0/16', '10.2.1.0/24');
      await c.waitTask(
        (await c.ok('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: s.eniId, InstanceId: s.instanceId }))
          .RequestId,
      );
      await c.waitTask((await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: s.eniId })).RequestId);
      await c.waitTask((await c.ok('cvm', 'TerminateInstances', { InstanceIds: [s.instanceId] })).RequestId);
      await c.ok('vpc', 'DeleteSecurityGroup', { SecurityGroupId: s.sgId });
      await c.ok('vpc', 'DeleteSubnet', { SubnetId: s.subnetId });
      await c.ok('vpc', 'DeleteVpc', { VpcId: s.vpcId });
      const start = tf.calls.length;
      assert.deepEqual(await refresh(s), { vpc: null, subnet: null, sg: null, eni: null, attachment: null });
      // What the reads were answered: empty sets, or ResourceNotFound for the ENI and the group.
      const codes = tf.calls
        .slice(start)
        .map((x) => x.code)
        .filter(Boolean);
      assert.ok(
        codes.every((code) => code === 'ResourceNotFound'),
        JSON.stringify(codes),
      );
      const missing = await c.ok('vpc', 'DescribeVpcs', {
        Filters: [{ Name: 'vpc-id', Values: [s.vpcId] }],
        Limit: '100',
        Offset: '0',
      });
      assert.deepEqual([missing.TotalCount, missing.VpcSet], [0, []]);
      // Destroying what is already gone succeeds (ResourceNotFound counts as done).
      await Subnet.destroy(tf, s.subnetId);
      await Vpc.destroy(tf, s.vpcId);
    });

    it('S5: an ENI detached outside Terraform has Attachment null, and the attachment is dropped', async () => {
      const s = await apply('10.3.0.0/16', '10.3.1.0/24');
      await c.waitTask(
        (await c.ok('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: s.eniId, InstanceId: s.instanceId }))
          .RequestId,
      );
      const raw = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [s.eniId] }))
        .NetworkInterfaceSet[0];
      assert.strictEqual(raw.Attachment, null);
      assert.equal(await Attachment.read(tf, s.attachmentId), null);
      // Terraform plans a new attachment, and applies it.
      assert.equal(await Attachment.create(tf, s.eniId, s.instanceId), s.attachmentId);
      assert.deepEqual(await Attachment.read(tf, s.attachmentId), s.attachment);
    });

    it('S6: an ENI moved to another instance reads as that instance; detaching from the old one fails at once', async () => {
      const s = await apply('10.4.0.0/16', '10.4.1.0/24');
      const other = await Instance.create(tf, { zone: ZONE, vpcId: s.vpcId, subnetId: s.subnetId });
      const moved = await c.ok('vpc', 'MigrateNetworkInterface', {
        NetworkInterfaceId: s.eniId,
        SourceInstanceId: s.instanceId,
        DestinationInstanceId: other.id,
      });
      assert.equal((await c.waitTask(moved.RequestId)).Status, 'SUCCESS');
      assert.deepEqual(await Attachment.read(tf, s.attachmentId), { eni_id: s.eniId, instance_id: other.id });
      // The replacement detaches with the old instance of the resource id: AttachmentNotFound,
      // which Terraform does not retry (not InvalidState, which it retries for 5 minutes, nor
      // ResourceNotFound, on which it crashes).
      const start = tf.calls.length;
      await assert.rejects(Attachment.destroy(tf, s.attachmentId), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'UnsupportedOperation.AttachmentNotFound');
        return true;
      });
      assert.equal(tf.calls.slice(start).filter((x) => x.action === 'DetachNetworkInterface').length, 1);
      // The ENI stays on the other instance.
      assert.deepEqual(await Attachment.read(tf, `${s.eniId}+${other.id}`), { eni_id: s.eniId, instance_id: other.id });
    });

    it('S16: deleting an attached ENI answers ResourceInUse, which Terraform retries until it is detached', async () => {
      const s = await apply('10.5.0.0/16', '10.5.1.0/24');
      // At the provider's own pace (a first wait of 0.5 s), so that the detach below has finished
      // before its next try: a try that met the detach in flight would be answered
      // MutexOperationTaskRunning, which Terraform does not retry.
      const slow = new Provider(server.port, { scale: 1 });
      const start = slow.calls.length;
      const deleting = Eni.destroy(slow, s.eniId);
      while (
        !slow.calls.slice(start).some((x) => x.action === 'DeleteNetworkInterface' && x.code === 'ResourceInUse')
      ) {
        await new Promise((res) => setTimeout(res, 5));
      }
      await c.waitTask(
        (await c.ok('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: s.eniId, InstanceId: s.instanceId }))
          .RequestId,
      );
      await deleting;
      assert.equal(await Eni.read(tf, s.eniId), null);
      const deletes = slow.calls.slice(start).filter((x) => x.action === 'DeleteNetworkInterface');
      assert.deepEqual([...new Set(deletes.map((x) => x.code))], ['ResourceInUse', undefined]);
      // Left attached, the retries run out after the write timeout (5 minutes, scaled here).
      const eniId = await Eni.create(tf, { vpcId: s.vpcId, subnetId: s.subnetId, name: 'stuck', ipv4Count: 1 });
      await Attachment.create(tf, eniId, s.instanceId);
      await assert.rejects(Eni.destroy(tf, eniId), (err: unknown) => {
        assert.ok(err instanceof ProviderTimeout);
        assert.ok(err.last instanceof ApiError && err.last.code === 'ResourceInUse');
        return true;
      });
    });

    it('S19: importing an ENI and an attachment made outside Terraform', async () => {
      const vpcId = await Vpc.create(tf, { name: 'tf', cidr: '10.6.0.0/16' });
      const subnetId = await Subnet.create(tf, { vpcId, name: 's', cidr: '10.6.1.0/24', zone: ZONE });
      const made = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: vpcId,
        SubnetId: subnetId,
        NetworkInterfaceName: 'elsewhere',
        SecondaryPrivateIpAddressCount: 3,
        Tags: [{ Key: 'made', Value: 'by-hand' }],
      });
      await c.waitTask(made.RequestId);
      const eniId = made.NetworkInterface.NetworkInterfaceId;
      const imported = await Eni.read(tf, eniId, { importing: true });
      assert.equal(imported!.ipv4_count, 4);
      assert.equal(imported!.name, 'elsewhere');
      assert.deepEqual(imported!.tags, { made: 'by-hand' });
      assert.deepEqual(
        imported!.ipv4_info.map((i) => i.ip).sort(),
        made.NetworkInterface.PrivateIpAddressSet.map((i: any) => i.PrivateIpAddress).sort(),
      );
      const instance = await Instance.create(tf, { zone: ZONE, vpcId, subnetId });
      await c.waitTask(
        (await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: instance.id })).RequestId,
      );
      const id = `${eniId}+${instance.id}`;
      assert.deepEqual(await Attachment.read(tf, id), { eni_id: eniId, instance_id: instance.id });
      // An id that is not <eni>+<instance> is dropped, as the provider does.
      assert.equal(await Attachment.read(tf, eniId), null);
    });
  });
}
