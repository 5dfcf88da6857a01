import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { backends } from '../../support/backends.ts';
import { controlClient, type ControlClient } from '../../support/control.ts';
import { startServer, type TestServer } from '../../support/harness.ts';
import { sdk3Client, type Client3 } from '../../support/sdk3.ts';
import * as Attachment from './attachment.ts';
import * as Eni from './eni.ts';
import * as Instance from './instance.ts';
import * as Subnet from './subnet.ts';
import * as Vpc from './vpc.ts';
import { ApiError, Provider, ProviderTimeout } from './provider.ts';

// What the provider does when the cloud misbehaves (scenarios S12–S14 in docs/terraform.md), with the
// misbehaviour injected through test control (docs/test-control.md): a failed attach task,
// retryable and fatal answers, and an answer lost after the change was made.

const ZONE = 'ap-guangzhou-3';

for (const backend of backends()) {
  describe(`Terraform under injected faults, replayed [${backend.name}]`, () => {
    let server: TestServer;
    let tf: Provider;
    let c: Client3;
    let ctl: ControlClient;
    let net: { vpcId: string; subnetId: string };
    before(async () => {
      server = await startServer(backend);
      tf = new Provider(server.port);
      c = sdk3Client(server.port);
      ctl = controlClient(server.host);
      const vpcId = await Vpc.create(tf, { name: 'tf-faults', cidr: '10.0.0.0/16' });
      net = { vpcId, subnetId: await Subnet.create(tf, { vpcId, name: 's', cidr: '10.0.1.0/24', zone: ZONE }) };
    });
    after(() => server.close());
    beforeEach(async () => {
      assert.equal((await ctl.delete('faults')).status, 200);
    });
    const fault = async (rule: Record<string, unknown>) => {
      const r = await ctl.post('faults', [rule]);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };
    const enisNamed = async (name: string) =>
      (
        await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [
            { Name: 'vpc-id', Values: [net.vpcId] },
            { Name: 'network-interface-name', Values: [name] },
          ],
        })
      ).NetworkInterfaceSet as Array<{ NetworkInterfaceId: string }>;

    it('S12: a failed attach task is rolled back; the provider waits for an attachment that never comes', async () => {
      const instance = await Instance.create(tf, { zone: ZONE, ...net });
      const eniId = await Eni.create(tf, { ...net, name: 's12' });
      await fault({ action: 'AttachNetworkInterface', resourceId: eniId, taskFail: { message: 'no free PCI slot' } });
      await assert.rejects(Attachment.create(tf, eniId, instance.id), ProviderTimeout);
      const attach = tf.calls.filter((x) => x.action === 'AttachNetworkInterface').at(-1)!;
      assert.equal(attach.code, undefined, 'the attach itself was accepted');
      const eni = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] }))
        .NetworkInterfaceSet[0];
      assert.deepEqual([eni.State, eni.Attachment], ['AVAILABLE', null]);
    });

    it('S13: throttling twice, then a 503, are retried to exactly one ENI', async () => {
      await fault({ action: 'CreateNetworkInterface', error: { code: 'RequestLimitExceeded' }, times: 2 });
      const first = tf.calls.length;
      const id = await Eni.create(tf, { ...net, name: 's13-throttled' });
      const creates = tf.calls.slice(first).filter((x) => x.action === 'CreateNetworkInterface');
      assert.deepEqual(
        creates.map((x) => x.code),
        ['RequestLimitExceeded', 'RequestLimitExceeded', undefined],
      );
      assert.deepEqual(
        (await enisNamed('s13-throttled')).map((e) => e.NetworkInterfaceId),
        [id],
      );
      await fault({ action: 'CreateNetworkInterface', http: { status: 503 }, times: 1 });
      const other = await Eni.create(tf, { ...net, name: 's13-503' });
      assert.deepEqual(
        (await enisNamed('s13-503')).map((e) => e.NetworkInterfaceId),
        [other],
      );
    });

    it('S13: MutexOperationTaskRunning is fatal at the first answer, and comes only while a task holds the ENI', async () => {
      const id = await Eni.create(tf, { ...net, name: 's13-mutex' });
      await fault({ action: 'AssignPrivateIpAddresses', resourceId: id, taskHold: true, times: 1 });
      const held = await c.ok('vpc', 'AssignPrivateIpAddresses', {
        NetworkInterfaceId: id,
        SecondaryPrivateIpAddressCount: 1,
      });
      const before = tf.calls.length;
      const assign = () =>
        tf.call(
          'vpc',
          'AssignPrivateIpAddresses',
          { NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 },
          { timeoutS: 300 },
        );
      await assert.rejects(
        assign(),
        (e: unknown) => e instanceof ApiError && e.code === 'UnsupportedOperation.MutexOperationTaskRunning',
      );
      assert.equal(tf.calls.length - before, 1, 'not retried');
      assert.equal((await ctl.post('tasks/release')).status, 200);
      assert.equal((await c.waitTask(held.RequestId)).Status, 'SUCCESS');
      const r = await assign();
      assert.equal((await c.waitTask(r.RequestId as string)).Status, 'SUCCESS');
    });

    it('S14: an answer lost after the commit leaks a second ENI, and a retried attach finds it attached', async () => {
      await fault({ action: 'CreateNetworkInterface', phase: 'commit', drop: true, times: 1 });
      const id = await Eni.create(tf, { ...net, name: 's14' });
      const leaked = (await enisNamed('s14')).map((e) => e.NetworkInterfaceId);
      assert.equal(leaked.length, 2, 'the first create was made, its answer lost, and the retry made another');
      assert.ok(leaked.includes(id));

      const instance = await Instance.create(tf, { zone: ZONE, ...net });
      // The answer is lost late, after the attach task has finished (a retry that comes while it
      // still runs meets MutexOperationTaskRunning instead, fatal too).
      await fault({ action: 'AttachNetworkInterface', phase: 'commit', drop: true, latency: { ms: 300 }, times: 1 });
      await assert.rejects(
        Attachment.create(tf, id, instance.id),
        (e: unknown) => e instanceof ApiError && e.code === 'UnsupportedOperation.AttachmentAlreadyExists',
      );
      const eni = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [id] }))
        .NetworkInterfaceSet[0];
      assert.equal(eni.Attachment?.InstanceId, instance.id);
    });
  });
}
