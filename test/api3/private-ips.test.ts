import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';

// AssignPrivateIpAddresses, UnassignPrivateIpAddresses, MigratePrivateIpAddress and
// ModifyPrivateIpAddressesAttribute through the official 3.0 SDK, on ENIs and instances made
// through v2; what one protocol does, the other sees.

type Net = { vpcId: string; subnetId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A PrivateIpAddressSpecification as 3.0 answers it. */
const ipOut = (ip: string, o: { primary?: boolean; description?: string; state?: string; qos?: string } = {}) => ({
  PrivateIpAddress: ip,
  Primary: o.primary ?? false,
  PublicIpAddress: '',
  AddressId: '',
  Description: o.description ?? '',
  IsWanIpBlocked: false,
  State: o.state ?? 'AVAILABLE',
  QosLevel: o.qos ?? 'DEFAULT',
});

const addr = (ip: string, extra: Record<string, unknown> = {}) => ({ PrivateIpAddress: ip, ...extra });

for (const backend of backends()) {
  describe(`API 3.0 private IPs [${backend.name}]`, () => {
    let server: TestServer;
    let v2: Client;
    let c: Client3;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100' });
      v2 = server.client();
      c = sdk3Client(server.port);
    });
    after(() => server.close());

    /** The ENI's addresses as 3.0 DescribeNetworkInterfaces lists them. */
    async function ips3(eniId: string): Promise<any[]> {
      const r = await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] });
      assert.equal(r.NetworkInterfaceSet.length, 1);
      return r.NetworkInterfaceSet[0].PrivateIpAddressSet;
    }
    /** `address[*]:State` of each address 3.0 lists (`*` the primary). */
    const brief3 = async (eniId: string) =>
      (await ips3(eniId)).map((i) => `${i.PrivateIpAddress}${i.Primary ? '*' : ''}:${i.State}`);
    /** `address[*]` of each address v2 lists. */
    const brief2 = async (net: Net, eniId: string) =>
      (await describeEni(v2, net.vpcId, eniId)).privateIpAddressesSet.map(
        (i: any) => `${i.privateIpAddress}${i.primary ? '*' : ''}`,
      );
    const primaryOf = async (eniId: string): Promise<string> =>
      (await ips3(eniId)).find((i) => i.Primary).PrivateIpAddress;

    const assign = (eniId: string, p: Record<string, unknown>) =>
      c.call('vpc', 'AssignPrivateIpAddresses', { NetworkInterfaceId: eniId, ...p });
    const unassign = (eniId: string, ips: string[], p: Record<string, unknown> = {}) =>
      c.call('vpc', 'UnassignPrivateIpAddresses', {
        NetworkInterfaceId: eniId,
        PrivateIpAddresses: ips.map((ip) => addr(ip)),
        ...p,
      });
    const migrateIp = (from: string, to: string, ip: string) =>
      c.call('vpc', 'MigratePrivateIpAddress', {
        SourceNetworkInterfaceId: from,
        DestinationNetworkInterfaceId: to,
        PrivateIpAddress: ip,
      });
    const modify = (eniId: string, ips: Array<Record<string, unknown>>) =>
      c.call('vpc', 'ModifyPrivateIpAddressesAttribute', { NetworkInterfaceId: eniId, PrivateIpAddresses: ips });
    const done = async (r: { RequestId: string } | { Error: unknown }) => {
      assert.ok(!('Error' in r), JSON.stringify(r));
      const task = await c.waitTask((r as { RequestId: string }).RequestId);
      assert.equal(task.Status, 'SUCCESS', JSON.stringify(task));
      return task;
    };

    /** A secondary ENI attached (through v2) to a new instance of the given size. */
    async function attachedEni(net: Net, size: { cpu: number; mem: number }, extra: Record<string, unknown> = {}) {
      const ins = await instance(v2, net, size);
      const eniId = await eni(v2, net, extra);
      await v2.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      return { ins, eniId };
    }

    /** Runs `fn` while `ins` is STOPPING (its StopInstances task held), then starts it again. */
    async function whileStopping(ins: string, fn: () => Promise<void>) {
      const hold = holdTasks(server.driver, 'StopInstances');
      let stop;
      try {
        stop = await v2.call('StopInstances', { 'instanceIds.0': ins });
        assert.equal(stop.code, 0, stop.message);
        await fn();
      } finally {
        hold.release();
      }
      await v2.waitTask(stop.taskId);
      await v2.run('StartInstances', { 'instanceIds.0': ins });
    }

    describe('AssignPrivateIpAddresses', () => {
      for (const method of ['POST', 'GET'] as const) {
        it(`returns the new addresses PENDING, lists them PENDING until the task succeeds (${method})`, async () => {
          const cm = sdk3Client(server.port, { method });
          const net = await vpcWithSubnet(v2);
          const eniId = await eni(v2, net); // 10.0.1.2
          const other = await eni(v2, net); // 10.0.1.3
          const hold = holdTasks(server.driver, 'AssignPrivateIpAddresses');
          let requestId: string;
          try {
            const r = await cm.ok('vpc', 'AssignPrivateIpAddresses', {
              NetworkInterfaceId: eniId,
              PrivateIpAddresses: [
                addr('10.0.1.20', { Description: 'web' }),
                addr('10.0.1.21', { Primary: false, QosLevel: 'AG' }),
              ],
              SecondaryPrivateIpAddressCount: 2,
              QosLevel: 'AU',
              // A token of its own per call: a token names one call (docs/api3.md, "Idempotent writes").
              ClientToken: `assign-${method}`,
            });
            assert.match(r.RequestId, UUID);
            requestId = r.RequestId;
            // The asked addresses in order, then the counted ones (lowest free); levels follow the ENI.
            assert.deepEqual(r.PrivateIpAddressSet, [
              ipOut('10.0.1.20', { description: 'web', state: 'PENDING' }),
              ipOut('10.0.1.21', { state: 'PENDING' }),
              ipOut('10.0.1.4', { state: 'PENDING' }),
              ipOut('10.0.1.5', { state: 'PENDING' }),
            ]);
            assert.deepEqual(Object.keys(r).sort(), ['PrivateIpAddressSet', 'RequestId']);
            assert.deepEqual(await brief3(eniId), [
              '10.0.1.2*:AVAILABLE',
              '10.0.1.4:PENDING',
              '10.0.1.5:PENDING',
              '10.0.1.20:PENDING',
              '10.0.1.21:PENDING',
            ]);
            const during = (await cm.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] }))
              .NetworkInterfaceSet[0];
            assert.equal(during.State, 'AVAILABLE', 'an assignment does not change the ENI state');
            // v2 shows committed addresses only.
            assert.deepEqual(await brief2(net, eniId), ['10.0.1.2*']);
            assert.equal((await cm.ok('vpc', 'DescribeVpcTaskResult', { TaskId: requestId })).Status, 'RUNNING');
            isError(
              await assign(eniId, { SecondaryPrivateIpAddressCount: 1 }),
              'UnsupportedOperation.MutexOperationTaskRunning',
              eniId,
            );
            // Reserved at once: no other ENI gets them, through either protocol.
            isError(await assign(other, { PrivateIpAddresses: [addr('10.0.1.20')] }), 'ResourceInUse', '10.0.1.20');
            const v2Again = await v2.call('AssignPrivateIpAddresses', {
              vpcId: net.vpcId,
              networkInterfaceId: other,
              'privateIpAddressSet.0.privateIpAddress': '10.0.1.4',
            });
            assert.equal(v2Again.codeDesc, 'InvalidPrivateIpAddress.InUse');
          } finally {
            hold.release();
          }
          const task = await cm.waitTask(requestId);
          assert.equal(task.Status, 'SUCCESS');
          assert.deepEqual(task.Result, [{ ResourceId: eniId, Status: 'SUCCESS' }]);
          assert.deepEqual(await ips3(eniId), [
            ipOut('10.0.1.2', { primary: true }),
            ipOut('10.0.1.4'),
            ipOut('10.0.1.5'),
            ipOut('10.0.1.20', { description: 'web' }),
            ipOut('10.0.1.21'),
          ]);
          const seen2 = await describeEni(v2, net.vpcId, eniId);
          assert.deepEqual(
            seen2.privateIpAddressesSet.map((i: any) => [i.privateIpAddress, i.primary, i.description]),
            [
              ['10.0.1.2', true, ''],
              ['10.0.1.4', false, ''],
              ['10.0.1.5', false, ''],
              ['10.0.1.20', false, 'web'],
              ['10.0.1.21', false, ''],
            ],
          );
        });
      }

      it('takes a count alone, or addresses alone; the ENI level shows on the new addresses', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net);
        await c.ok('vpc', 'ModifyNetworkInterfaceQos', { NetworkInterfaceIds: [eniId], QosLevel: 'PT' });
        const counted = await c.ok('vpc', 'AssignPrivateIpAddresses', {
          NetworkInterfaceId: eniId,
          SecondaryPrivateIpAddressCount: '1',
        });
        assert.deepEqual(counted.PrivateIpAddressSet, [ipOut('10.0.1.3', { state: 'PENDING', qos: 'PT' })]);
        await done(counted);
        const chosen = await c.ok('vpc', 'AssignPrivateIpAddresses', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: [addr('10.0.1.200')],
        });
        assert.deepEqual(chosen.PrivateIpAddressSet, [ipOut('10.0.1.200', { state: 'PENDING', qos: 'PT' })]);
        await done(chosen);
        assert.deepEqual(await brief3(eniId), ['10.0.1.2*:AVAILABLE', '10.0.1.3:AVAILABLE', '10.0.1.200:AVAILABLE']);
      });

      it('rolls back a failed task: FAILED, and the addresses are free again', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net);
        server.driver.injectFailure({ type: 'AssignPrivateIpAddresses', message: 'switch said no' });
        const r = await c.ok('vpc', 'AssignPrivateIpAddresses', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: [addr('10.0.1.30')],
        });
        const task = await c.waitTask(r.RequestId);
        assert.equal(task.Status, 'FAILED');
        assert.equal(task.Output, 'switch said no');
        assert.deepEqual(task.Result, [{ ResourceId: eniId, Status: 'FAILED' }]);
        assert.deepEqual(await brief3(eniId), ['10.0.1.2*:AVAILABLE']);
        await done(await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.30')] }));
      });

      it('answers bad input with the parameter-validation codes, naming the parameter', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net);
        isError(await assign(eniId, {}), 'MissingParameter', 'SecondaryPrivateIpAddressCount');
        isError(await assign(eniId, { SecondaryPrivateIpAddressCount: 0 }), 'MissingParameter');
        isError(await assign(eniId, { PrivateIpAddresses: [] }), 'MissingParameter');
        isError(
          await c.call('vpc', 'AssignPrivateIpAddresses', { SecondaryPrivateIpAddressCount: 1 }),
          'MissingParameter',
          'NetworkInterfaceId',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.40', { Primary: true })] }),
          'InvalidParameterValue',
          'PrivateIpAddresses.0.Primary',
        );
        const eleven = Array.from({ length: 11 }, (_, n) => addr(`10.0.1.${50 + n}`));
        isError(
          await assign(eniId, { PrivateIpAddresses: eleven }),
          'InvalidParameterValue.LimitExceeded',
          'PrivateIpAddresses',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1')] }),
          'InvalidParameterValue.Malformed',
          'PrivateIpAddresses.0.PrivateIpAddress',
        );
        isError(await assign(eniId, { PrivateIpAddresses: [{}] }), 'MissingParameter', 'PrivateIpAddresses.0');
        isError(
          await assign('eni-1', { SecondaryPrivateIpAddressCount: 1 }),
          'InvalidParameterValue.Malformed',
          'NetworkInterfaceId',
        );
        isError(
          await assign(eniId, { SecondaryPrivateIpAddressCount: 'two' }),
          'InvalidParameter',
          'SecondaryPrivateIpAddressCount',
        );
        isError(
          await assign(eniId, { SecondaryPrivateIpAddressCount: -1 }),
          'InvalidParameterValue.Range',
          'SecondaryPrivateIpAddressCount',
        );
        isError(
          await assign(eniId, { SecondaryPrivateIpAddressCount: 1, QosLevel: 'GOLD' }),
          'InvalidParameterValue.Range',
          'QosLevel',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.40', { QosLevel: 'GOLD' })] }),
          'InvalidParameterValue.Range',
          'PrivateIpAddresses.0.QosLevel',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.40', { Description: 'x'.repeat(61) })] }),
          'InvalidParameterValue.TooLong',
          'PrivateIpAddresses.0.Description',
        );
        isError(
          await assign(eniId, { SecondaryPrivateIpAddressCount: 1, ClientToken: 'x'.repeat(65) }),
          'InvalidParameterValue',
          'ClientToken',
        );
      });

      it('answers the rules: not found, then the address rules in list order', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net);
        const other = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 }); // 10.0.1.3, .4
        isError(
          await assign('eni-00000000', { SecondaryPrivateIpAddressCount: 1 }),
          'ResourceNotFound',
          'eni-00000000',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.40'), addr('10.0.2.9')] }),
          'InvalidParameterValue.Range',
          'PrivateIpAddresses.1.PrivateIpAddress',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.255')] }),
          'InvalidParameterValue.Reserved',
          'PrivateIpAddresses.0.PrivateIpAddress',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.1')] }),
          'InvalidParameterValue.Reserved',
          '10.0.1.1',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.41'), addr('10.0.1.41')] }),
          'InvalidParameterValue.DuplicatePara',
          'PrivateIpAddresses.1.PrivateIpAddress',
        );
        isError(
          await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.4')] }),
          'ResourceInUse',
          'PrivateIpAddresses.0.PrivateIpAddress',
        );
        // Nothing was taken by the refusals.
        assert.deepEqual(await brief3(eniId), ['10.0.1.2*:AVAILABLE']);
        assert.deepEqual(await brief3(other), ['10.0.1.3*:AVAILABLE', '10.0.1.4:AVAILABLE']);
      });

      it('LimitExceeded past the per-ENI figure (instance or 30), ResourceInsufficient.Subnet when the subnet is full', async () => {
        const net = await vpcWithSubnet(v2);
        // 1 core, 1 GB: 2 private IPs per ENI, the primary included.
        const { eniId } = await attachedEni(net, { cpu: 1, mem: 1 });
        isError(await assign(eniId, { SecondaryPrivateIpAddressCount: 2 }), 'LimitExceeded', eniId);
        await done(await assign(eniId, { SecondaryPrivateIpAddressCount: 1 }));
        isError(await assign(eniId, { PrivateIpAddresses: [addr('10.0.1.100')] }), 'LimitExceeded');
        const loose = await eni(v2, net, { secondaryPrivateIpAddressCount: 28 });
        await done(await assign(loose, { SecondaryPrivateIpAddressCount: 1 }));
        isError(await assign(loose, { SecondaryPrivateIpAddressCount: 1 }), 'LimitExceeded', loose);

        const small = await vpcWithSubnet(v2, { subnetCidr: '10.0.1.0/28' });
        // .2 to .14 are usable: 12 taken by the first ENI, one by the second.
        await eni(v2, small, { secondaryPrivateIpAddressCount: 11 });
        const last = await eni(v2, small);
        isError(
          await assign(last, { SecondaryPrivateIpAddressCount: 1 }),
          'ResourceInsufficient.Subnet',
          small.subnetId,
        );
      });

      it('InvalidState while the ENI instance is in a transitional state', async () => {
        const net = await vpcWithSubnet(v2);
        const { ins, eniId } = await attachedEni(net, { cpu: 2, mem: 4 }, { secondaryPrivateIpAddressCount: 1 });
        const [, secondary] = (await ips3(eniId)).map((i) => i.PrivateIpAddress);
        const other = await eni(v2, net);
        await whileStopping(ins, async () => {
          isError(await assign(eniId, { SecondaryPrivateIpAddressCount: 1 }), 'UnsupportedOperation.InvalidState', ins);
          isError(await unassign(eniId, [secondary]), 'UnsupportedOperation.InvalidState', ins);
          isError(await migrateIp(eniId, other, secondary), 'UnsupportedOperation.InvalidState', ins);
          isError(await migrateIp(other, eniId, '10.0.1.9'), 'UnsupportedOperation.InvalidState', ins);
          // A description is no change to the instance.
          const r = await modify(eniId, [addr(secondary, { Description: 'while stopping' })]);
          assert.ok(!('Error' in r), JSON.stringify(r));
        });
        assert.equal((await ips3(eniId))[1].Description, 'while stopping');
      });
    });

    describe('UnassignPrivateIpAddresses', () => {
      it('lists released addresses DELETING until the task succeeds, then they are free (both protocols)', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net);
        const other = await eni(v2, net);
        const a2 = await v2.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: eniId,
          'privateIpAddressSet.0.privateIpAddress': '10.0.1.30',
          'privateIpAddressSet.1.privateIpAddress': '10.0.1.31',
          'privateIpAddressSet.2.privateIpAddress': '10.0.1.32',
        });
        assert.equal(a2.task.data.status, 0);
        const hold = holdTasks(server.driver, 'UnassignPrivateIpAddresses');
        let requestId: string;
        try {
          const r = await c.ok('vpc', 'UnassignPrivateIpAddresses', {
            NetworkInterfaceId: eniId,
            // Only the address of each element is read.
            PrivateIpAddresses: [addr('10.0.1.31'), addr('10.0.1.30', { Primary: 'not read', Description: 'x' })],
          });
          assert.deepEqual(Object.keys(r), ['RequestId']);
          assert.match(r.RequestId, UUID);
          requestId = r.RequestId;
          assert.deepEqual(await brief3(eniId), [
            '10.0.1.2*:AVAILABLE',
            '10.0.1.30:DELETING',
            '10.0.1.31:DELETING',
            '10.0.1.32:AVAILABLE',
          ]);
          // v2 keeps listing them until they are gone.
          assert.deepEqual(await brief2(net, eniId), ['10.0.1.2*', '10.0.1.30', '10.0.1.31', '10.0.1.32']);
          isError(await unassign(eniId, ['10.0.1.32']), 'UnsupportedOperation.MutexOperationTaskRunning', eniId);
          isError(await assign(other, { PrivateIpAddresses: [addr('10.0.1.30')] }), 'ResourceInUse');
        } finally {
          hold.release();
        }
        const task = await c.waitTask(requestId);
        assert.equal(task.Status, 'SUCCESS');
        assert.deepEqual(task.Result, [{ ResourceId: eniId, Status: 'SUCCESS' }]);
        assert.deepEqual(await brief3(eniId), ['10.0.1.2*:AVAILABLE', '10.0.1.32:AVAILABLE']);
        assert.deepEqual(await brief2(net, eniId), ['10.0.1.2*', '10.0.1.32']);
        await done(await assign(other, { PrivateIpAddresses: [addr('10.0.1.30')] }));
      });

      it('rolls back a failed task: the addresses are AVAILABLE on the ENI again', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 });
        server.driver.injectFailure({ type: 'UnassignPrivateIpAddresses' });
        const r = await c.ok('vpc', 'UnassignPrivateIpAddresses', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: [addr('10.0.1.3')],
        });
        assert.equal((await c.waitTask(r.RequestId)).Status, 'FAILED');
        assert.deepEqual(await brief3(eniId), ['10.0.1.2*:AVAILABLE', '10.0.1.3:AVAILABLE']);
      });

      it('checks InstanceId against the ENI attachment, then ignores it', async () => {
        const net = await vpcWithSubnet(v2);
        const { ins, eniId } = await attachedEni(net, { cpu: 2, mem: 4 }, { secondaryPrivateIpAddressCount: 2 });
        const [, first, second] = (await ips3(eniId)).map((i) => i.PrivateIpAddress);
        const elsewhere = await instance(v2, net);
        isError(
          await unassign(eniId, [first], { InstanceId: elsewhere }),
          'UnsupportedOperation.AttachmentNotFound',
          elsewhere,
        );
        isError(
          await unassign(eniId, [first], { InstanceId: 'ins-00000000' }),
          'UnsupportedOperation.AttachmentNotFound',
          'ins-00000000',
        );
        isError(
          await unassign(eniId, [first], { InstanceId: 'ins-1' }),
          'InvalidParameterValue.Malformed',
          'InstanceId',
        );
        await done(await unassign(eniId, [first], { InstanceId: ins }));
        // Still attached: the call released addresses only.
        const after = (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] }))
          .NetworkInterfaceSet[0];
        assert.equal(after.Attachment.InstanceId, ins);
        assert.deepEqual(
          after.PrivateIpAddressSet.map((i: any) => i.PrivateIpAddress),
          [await primaryOf(eniId), second],
        );
        const loose = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 });
        const [, looseIp] = (await ips3(loose)).map((i) => i.PrivateIpAddress);
        isError(await unassign(loose, [looseIp], { InstanceId: ins }), 'UnsupportedOperation.AttachmentNotFound', ins);
      });

      it('answers bad input, then not found, then the address rules in list order', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 }); // .2, .3
        const other = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 }); // .4, .5
        isError(
          await c.call('vpc', 'UnassignPrivateIpAddresses', { NetworkInterfaceId: eniId }),
          'MissingParameter',
          'PrivateIpAddresses',
        );
        isError(await unassign(eniId, []), 'MissingParameter', 'PrivateIpAddresses');
        isError(
          await c.call('vpc', 'UnassignPrivateIpAddresses', { PrivateIpAddresses: [addr('10.0.1.3')] }),
          'MissingParameter',
          'NetworkInterfaceId',
        );
        const eleven = Array.from({ length: 11 }, (_, n) => `10.0.1.${50 + n}`);
        isError(await unassign(eniId, eleven), 'InvalidParameterValue.LimitExceeded', 'PrivateIpAddresses');
        isError(
          await unassign(eniId, ['10.0.1.3', '10.0.1.300']),
          'InvalidParameterValue.Malformed',
          'PrivateIpAddresses.1.PrivateIpAddress',
        );
        isError(await unassign('eni-xyz', ['10.0.1.3']), 'InvalidParameterValue.Malformed', 'NetworkInterfaceId');
        isError(
          await unassign(eniId, ['10.0.1.3', '10.0.1.3']),
          'InvalidParameterValue.DuplicatePara',
          'PrivateIpAddresses.1.PrivateIpAddress',
        );
        isError(await unassign('eni-00000000', ['10.0.1.3']), 'ResourceNotFound', 'eni-00000000');
        // Another ENI's address, a free one, one outside the subnet: none is this ENI's.
        for (const ip of ['10.0.1.5', '10.0.1.99', '10.9.9.9']) {
          isError(
            await unassign(eniId, ['10.0.1.3', ip]),
            'UnsupportedOperation.AttachmentNotFound',
            'PrivateIpAddresses.1.PrivateIpAddress',
          );
        }
        isError(await unassign(eniId, ['10.0.1.2']), 'UnsupportedOperation.PrimaryIp', '10.0.1.2');
        assert.deepEqual(await brief3(eniId), ['10.0.1.2*:AVAILABLE', '10.0.1.3:AVAILABLE']);
        assert.deepEqual(await brief3(other), ['10.0.1.4*:AVAILABLE', '10.0.1.5:AVAILABLE']);
      });
    });

    describe('MigratePrivateIpAddress', () => {
      it('lists the address MIGRATING on the source until the task succeeds, then on the destination', async () => {
        const net = await vpcWithSubnet(v2);
        const from = await eni(v2, net); // .2
        const to = await eni(v2, net); // .3
        await done(await assign(from, { PrivateIpAddresses: [addr('10.0.1.40', { Description: 'moving' })] }));
        const hold = holdTasks(server.driver, 'MigratePrivateIpAddress');
        let requestId: string;
        try {
          const r = await c.ok('vpc', 'MigratePrivateIpAddress', {
            SourceNetworkInterfaceId: from,
            DestinationNetworkInterfaceId: to,
            PrivateIpAddress: '10.0.1.40',
          });
          assert.deepEqual(Object.keys(r), ['RequestId']);
          assert.match(r.RequestId, UUID);
          requestId = r.RequestId;
          assert.deepEqual(await brief3(from), ['10.0.1.2*:AVAILABLE', '10.0.1.40:MIGRATING']);
          assert.deepEqual(await brief3(to), ['10.0.1.3*:AVAILABLE']);
          assert.deepEqual(await brief2(net, from), ['10.0.1.2*', '10.0.1.40']);
          // Both ENIs are held.
          isError(
            await assign(to, { SecondaryPrivateIpAddressCount: 1 }),
            'UnsupportedOperation.MutexOperationTaskRunning',
            to,
          );
          isError(await unassign(from, ['10.0.1.40']), 'UnsupportedOperation.MutexOperationTaskRunning', from);
        } finally {
          hold.release();
        }
        const task = await c.waitTask(requestId);
        assert.equal(task.Status, 'SUCCESS');
        assert.deepEqual(task.Result, [{ ResourceId: from, Status: 'SUCCESS' }]);
        assert.deepEqual(await brief3(from), ['10.0.1.2*:AVAILABLE']);
        assert.deepEqual(await ips3(to), [
          ipOut('10.0.1.3', { primary: true }),
          ipOut('10.0.1.40', { description: 'moving' }),
        ]);
        assert.deepEqual(await brief2(net, to), ['10.0.1.3*', '10.0.1.40']);
        // Moved through 3.0, moved back through v2.
        const back = await v2.run('MigratePrivateIpAddress', {
          vpcId: net.vpcId,
          privateIpAddress: '10.0.1.40',
          oldNetworkInterfaceId: to,
          newNetworkInterfaceId: from,
        });
        assert.equal(back.task.data.status, 0);
        assert.deepEqual(await brief3(from), ['10.0.1.2*:AVAILABLE', '10.0.1.40:AVAILABLE']);
      });

      it('moves between attached ENIs, primary ones included', async () => {
        const net = await vpcWithSubnet(v2);
        const { ins, eniId } = await attachedEni(net, { cpu: 2, mem: 4 }, { secondaryPrivateIpAddressCount: 1 });
        const [, secondary] = (await ips3(eniId)).map((i) => i.PrivateIpAddress);
        const primaryEni = (
          await c.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [
              { Name: 'attachment.instance-id', Values: [ins] },
              { Name: 'is-primary', Values: ['TRUE'] },
            ],
          })
        ).NetworkInterfaceSet[0].NetworkInterfaceId;
        await done(await migrateIp(eniId, primaryEni, secondary));
        assert.equal((await ips3(primaryEni)).length, 2);
        await done(await migrateIp(primaryEni, eniId, secondary));
        assert.equal((await ips3(eniId)).length, 2);
      });

      it('answers bad input, then not found, busy, limits, subnets and the address rules', async () => {
        const net = await vpcWithSubnet(v2);
        const from = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 }); // .2, .3
        const to = await eni(v2, net); // .4
        isError(
          await c.call('vpc', 'MigratePrivateIpAddress', {
            SourceNetworkInterfaceId: from,
            PrivateIpAddress: '10.0.1.3',
          }),
          'MissingParameter',
          'DestinationNetworkInterfaceId',
        );
        isError(
          await c.call('vpc', 'MigratePrivateIpAddress', {
            SourceNetworkInterfaceId: from,
            DestinationNetworkInterfaceId: to,
          }),
          'MissingParameter',
          'PrivateIpAddress',
        );
        isError(
          await migrateIp('eni-1', to, '10.0.1.3'),
          'InvalidParameterValue.Malformed',
          'SourceNetworkInterfaceId',
        );
        isError(await migrateIp(from, to, '10.0.1.x'), 'InvalidParameterValue.Malformed', 'PrivateIpAddress');
        isError(await migrateIp(from, from, '10.0.1.3'), 'InvalidParameterValue', 'DestinationNetworkInterfaceId');
        isError(await migrateIp('eni-zzzzzzzz', to, '10.0.1.3'), 'ResourceNotFound', 'eni-zzzzzzzz');
        isError(await migrateIp(from, 'eni-00000000', '10.0.1.3'), 'ResourceNotFound', 'eni-00000000');
        // Both missing: the source is named, whatever the lock order.
        isError(await migrateIp('eni-zzzzzzzz', 'eni-00000000', '10.0.1.3'), 'ResourceNotFound', 'eni-zzzzzzzz');
        isError(await migrateIp(from, to, '10.0.1.4'), 'UnauthorizedOperation.AttachmentNotFound', 'PrivateIpAddress');
        isError(await migrateIp(from, to, '10.0.1.99'), 'UnauthorizedOperation.AttachmentNotFound', '10.0.1.99');
        isError(await migrateIp(from, to, '10.0.1.2'), 'UnsupportedOperation.PrimaryIp', '10.0.1.2');

        // Another subnet of the same VPC.
        const sub2 = await v2.call('CreateSubnet', {
          vpcId: net.vpcId,
          subnetSet: [{ subnetName: 'second', cidrBlock: '10.0.2.0/24', zoneId: '100003' }],
        });
        assert.equal(sub2.code, 0, sub2.message);
        const far = await eni(v2, { vpcId: net.vpcId, subnetId: sub2.subnetSet[0].unSubnetId });
        isError(await migrateIp(from, far, '10.0.1.3'), 'UnsupportedOperation.ResourceMismatch', far);

        // A destination at its maximum: 1 core, 1 GB allows 2 addresses per ENI.
        const { eniId: full } = await attachedEni(net, { cpu: 1, mem: 1 }, { secondaryPrivateIpAddressCount: 1 });
        isError(await migrateIp(from, full, '10.0.1.3'), 'LimitExceeded', full);

        // Busy: an assignment in flight on the destination.
        const hold = holdTasks(server.driver, 'AssignPrivateIpAddresses');
        let pending;
        try {
          pending = await c.ok('vpc', 'AssignPrivateIpAddresses', {
            NetworkInterfaceId: to,
            SecondaryPrivateIpAddressCount: 1,
          });
          isError(await migrateIp(from, to, '10.0.1.3'), 'UnsupportedOperation.MutexOperationTaskRunning', to);
        } finally {
          hold.release();
        }
        await c.waitTask(pending.RequestId);
        assert.deepEqual(await brief3(from), ['10.0.1.2*:AVAILABLE', '10.0.1.3:AVAILABLE']);
      });
    });

    describe('ModifyPrivateIpAddressesAttribute', () => {
      it('sets, keeps and clears descriptions, the primary address included (seen through v2)', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net, { secondaryPrivateIpAddressCount: 2 }); // .2, .3, .4
        const r = await c.ok('vpc', 'ModifyPrivateIpAddressesAttribute', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: [
            addr('10.0.1.2', { Description: 'primary one' }),
            addr('10.0.1.4', { Description: '四' }),
          ],
        });
        assert.deepEqual(Object.keys(r), ['RequestId']);
        assert.deepEqual(await ips3(eniId), [
          ipOut('10.0.1.2', { primary: true, description: 'primary one' }),
          ipOut('10.0.1.3'),
          ipOut('10.0.1.4', { description: '四' }),
        ]);
        const seen2 = await describeEni(v2, net.vpcId, eniId);
        assert.deepEqual(
          seen2.privateIpAddressesSet.map((i: any) => i.description),
          ['primary one', '', '四'],
        );
        // No Description: the value stays; "": cleared; a repeated address takes its last value.
        await c.ok('vpc', 'ModifyPrivateIpAddressesAttribute', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: [
            addr('10.0.1.2'),
            addr('10.0.1.4', { Description: '' }),
            addr('10.0.1.3', { Description: 'first' }),
            addr('10.0.1.3', { Description: 'x'.repeat(60) }),
          ],
        });
        assert.deepEqual(
          (await ips3(eniId)).map((i) => i.Description),
          ['primary one', 'x'.repeat(60), ''],
        );
        // Thirty elements are allowed.
        const thirty = Array.from({ length: 30 }, () => addr('10.0.1.3', { Description: 'thirty' }));
        await c.ok('vpc', 'ModifyPrivateIpAddressesAttribute', {
          NetworkInterfaceId: eniId,
          PrivateIpAddresses: thirty,
        });
        assert.equal((await ips3(eniId))[1].Description, 'thirty');
      });

      it('is allowed while a task holds the ENI, for AVAILABLE addresses only', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net, { secondaryPrivateIpAddressCount: 2 }); // .2, .3, .4
        const other = await eni(v2, net); // .5
        const cases = [
          {
            type: 'AssignPrivateIpAddresses',
            start: () => assign(eniId, { PrivateIpAddresses: [addr('10.0.1.60')] }),
            inFlight: '10.0.1.60',
          },
          { type: 'UnassignPrivateIpAddresses', start: () => unassign(eniId, ['10.0.1.3']), inFlight: '10.0.1.3' },
          { type: 'MigratePrivateIpAddress', start: () => migrateIp(eniId, other, '10.0.1.4'), inFlight: '10.0.1.4' },
        ];
        for (const k of cases) {
          const hold = holdTasks(server.driver, k.type);
          let started;
          try {
            started = await k.start();
            assert.ok(!('Error' in started), JSON.stringify(started));
            await c.ok('vpc', 'ModifyPrivateIpAddressesAttribute', {
              NetworkInterfaceId: eniId,
              PrivateIpAddresses: [addr('10.0.1.2', { Description: k.type })],
            });
            isError(
              await modify(eniId, [addr('10.0.1.2', { Description: 'no' }), addr(k.inFlight, { Description: 'no' })]),
              'UnsupportedOperation.InvalidState',
              'PrivateIpAddresses.1.PrivateIpAddress',
            );
            if (k.type === 'MigratePrivateIpAddress') {
              // Not the destination's until the move is done.
              isError(await modify(other, [addr(k.inFlight)]), 'ResourceNotFound', k.inFlight);
            }
          } finally {
            hold.release();
          }
          assert.equal((await c.waitTask((started as { RequestId: string }).RequestId)).Status, 'SUCCESS');
          assert.equal(await primaryOf(eniId), '10.0.1.2');
          assert.equal((await ips3(eniId))[0].Description, k.type);
        }
        // Every refused change left the descriptions alone.
        assert.deepEqual(
          (await ips3(eniId)).map((i) => `${i.PrivateIpAddress}=${i.Description}`),
          ['10.0.1.2=MigratePrivateIpAddress', '10.0.1.60='],
        );
      });

      it('InvalidState for the addresses of an ENI still being created', async () => {
        const net = await vpcWithSubnet(v2);
        const hold = holdTasks(server.driver, 'CreateNetworkInterface');
        let created;
        try {
          created = await v2.call('CreateNetworkInterface', {
            vpcId: net.vpcId,
            subnetId: net.subnetId,
            eniName: 'new',
          });
          assert.equal(created.code, 0, created.message);
          const eniId = created.data.networkInterfaceId;
          assert.deepEqual(await brief3(eniId), ['10.0.1.2*:PENDING']);
          isError(
            await modify(eniId, [addr('10.0.1.2', { Description: 'soon' })]),
            'UnsupportedOperation.InvalidState',
          );
        } finally {
          hold.release();
        }
        await v2.waitTask(created.taskId);
      });

      it('answers bad input, then not found for the ENI or an address it does not hold', async () => {
        const net = await vpcWithSubnet(v2);
        const eniId = await eni(v2, net, { secondaryPrivateIpAddressCount: 1 }); // .2, .3
        const other = await eni(v2, net); // .4
        isError(
          await c.call('vpc', 'ModifyPrivateIpAddressesAttribute', { NetworkInterfaceId: eniId }),
          'MissingParameter',
          'PrivateIpAddresses',
        );
        isError(await modify(eniId, []), 'MissingParameter', 'PrivateIpAddresses');
        isError(
          await c.call('vpc', 'ModifyPrivateIpAddressesAttribute', { PrivateIpAddresses: [addr('10.0.1.3')] }),
          'MissingParameter',
          'NetworkInterfaceId',
        );
        isError(
          await modify(eniId, [{ Description: 'x' }]),
          'MissingParameter',
          'PrivateIpAddresses.0.PrivateIpAddress',
        );
        const many = Array.from({ length: 31 }, () => addr('10.0.1.3'));
        isError(await modify(eniId, many), 'InvalidParameterValue.LimitExceeded', 'PrivateIpAddresses');
        isError(
          await modify(eniId, [addr('10.0.1.3', { Description: 'x'.repeat(61) })]),
          'InvalidParameterValue.TooLong',
          'PrivateIpAddresses.0.Description',
        );
        isError(await modify(eniId, [addr('10.0.1.3.4')]), 'InvalidParameterValue.Malformed', 'PrivateIpAddresses.0');
        isError(await modify('eni-abc', [addr('10.0.1.3')]), 'InvalidParameterValue.Malformed', 'NetworkInterfaceId');
        isError(await modify('eni-00000000', [addr('10.0.1.3')]), 'ResourceNotFound', 'eni-00000000');
        for (const ip of ['10.0.1.4', '10.0.1.77', '192.168.0.1']) {
          isError(
            await modify(eniId, [addr('10.0.1.3', { Description: 'no' }), addr(ip, { Description: 'no' })]),
            'ResourceNotFound',
            'PrivateIpAddresses.1.PrivateIpAddress',
          );
        }
        assert.deepEqual(
          (await ips3(eniId)).map((i) => i.Description),
          ['', ''],
        );
        assert.deepEqual(
          (await ips3(other)).map((i) => i.Description),
          [''],
        );
      });
    });
  });
}
