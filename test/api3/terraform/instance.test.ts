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
import { ApiError, Provider } from './provider.ts';

// The instance an ENI is attached to, as tencentcloud_instance makes and destroys it, and the
// task poll of an unknown task (scenarios S17 and S20 in docs/terraform.md).

const ZONE = 'ap-guangzhou-3';

for (const backend of backends()) {
  describe(`Terraform instance path, replayed [${backend.name}]`, () => {
    let server: TestServer;
    let tf: Provider;
    let c: Client3;
    before(async () => {
      server = await startServer(backend);
      tf = new Provider(server.port);
      c = sdk3Client(server.port);
    });
    after(() => server.close());

    it('S17: RunInstances with a ClientToken, listed at once, RUNNING; destroyed until its address is free', async () => {
      const vpcId = await Vpc.create(tf, { name: 'tf', cidr: '10.0.0.0/16' });
      const subnetId = await Subnet.create(tf, { vpcId, name: 's', cidr: '10.0.1.0/24', zone: ZONE });
      const sgId = await SecurityGroup.create(tf, { name: 'web' });
      const start = tf.calls.length;
      const { id, params } = await Instance.create(tf, {
        zone: ZONE,
        vpcId,
        subnetId,
        securityGroups: [sgId],
        tags: { app: 'web' },
      });
      // The first DescribeInstances, right after RunInstances, already lists it (PENDING is fine):
      // an empty set would make the provider dereference a missing instance.
      const describes = tf.calls.slice(start).filter((x) => x.action === 'DescribeInstances');
      assert.ok(describes.length >= 1 && describes.every((x) => x.code === undefined));
      // A retry with the same ClientToken (after a lost answer) names the same instance and makes no other.
      const again = await c.ok('cvm', 'RunInstances', params);
      assert.deepEqual(again.InstanceIdSet, [id]);
      const inVpc = await c.ok('cvm', 'DescribeInstances', { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] });
      assert.deepEqual(
        inVpc.InstanceSet.map((i: any) => i.InstanceId),
        [id],
      );
      const i = inVpc.InstanceSet[0];
      assert.equal(i.InstanceState, 'RUNNING');
      assert.equal(i.LatestOperationState, 'SUCCESS');
      assert.deepEqual(i.SecurityGroupIds, [sgId]);
      assert.deepEqual(i.Tags, [{ Key: 'app', Value: 'web' }]);
      assert.equal(i.SystemDisk.DiskId, '', 'no disk- id, so the provider asks no CBS API');
      // Its tags through the tag service, as the instance read asks for them.
      assert.deepEqual(await tf.describeTags('cvm', 'instance', id), { app: 'web' });

      // An ENI attached to it, detached first on destroy (the attachment depends on the instance).
      const eniId = await Eni.create(tf, { vpcId, subnetId, name: 'e', securityGroups: [sgId], ipv4Count: 2 });
      const attachment = await Attachment.create(tf, eniId, id);
      await Attachment.destroy(tf, attachment);
      const address = i.PrivateIpAddresses[0];
      const before = await c.ok('vpc', 'DescribeUsedIpAddress', {
        VpcId: vpcId,
        SubnetId: subnetId,
        IpAddresses: [address],
      });
      assert.deepEqual(
        before.IpAddressStates.map((s: any) => s.IpAddress),
        [address],
      );
      const destroy = tf.calls.length;
      await Instance.destroy(tf, id);
      assert.deepEqual(
        tf.calls
          .slice(destroy)
          .map((x) => x.action)
          .filter((a, n, all) => n === 0 || all[n - 1] !== a),
        ['DescribeInstances', 'TerminateInstances', 'DescribeInstances', 'DescribeUsedIpAddress'],
      );
      const gone = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [id] });
      assert.deepEqual([gone.TotalCount, gone.InstanceSet], [0, []]);
      const after = await c.ok('vpc', 'DescribeUsedIpAddress', {
        VpcId: vpcId,
        SubnetId: subnetId,
        IpAddresses: [address],
      });
      assert.deepEqual([after.TotalCount, after.IpAddressStates], [0, []]);
      // Its tags went with it; the ENI stays, detached, for its own destroy.
      assert.deepEqual(await tf.describeTags('cvm', 'instance', id), {});
      assert.equal((await Eni.read(tf, eniId))!.state, 'AVAILABLE');
      await Eni.destroy(tf, eniId);
      await SecurityGroup.destroy(tf, sgId);
      await Subnet.destroy(tf, subnetId);
      await Vpc.destroy(tf, vpcId);
    });

    it('S20: the task poll of an id that is no RequestId ends at once with a documented code', async () => {
      const start = tf.calls.length;
      await assert.rejects(
        tf.waitTask('not-a-request-id'),
        (err: unknown) => err instanceof ApiError && err.code === 'InvalidParameterValue.Malformed',
      );
      // A well-formed id that names no task of the account.
      await assert.rejects(
        tf.waitTask('00000000-0000-4000-8000-000000000000'),
        (err: unknown) => err instanceof ApiError && err.code === 'ResourceNotFound',
      );
      assert.equal(tf.calls.length - start, 2, 'neither is retried');
    });
  });
}
