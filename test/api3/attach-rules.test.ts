import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Answer3, type Client3, type Error3 } from '../support/sdk3.ts';

// The attach rules in 3.0 codes: one primary ENI per instance, one instance per ENI, running or
// stopped instances only, same VPC and zone, the per-instance limits by CPU/memory, busy ENIs; and
// the tasks behind Attach/Detach, RUNNING → SUCCESS or FAILED (rolled back) by RequestId.

type Net = { vpcId: string; subnetId: string };

for (const backend of backends()) {
  describe(`API 3.0 attach rules [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let v2: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '500' });
      c = sdk3Client(server.port);
      v2 = server.client();
    });
    after(() => server.close());

    const attach = (eniId: string, instanceId: string) =>
      c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: instanceId });
    const detach = (eniId: string, instanceId: string) =>
      c.call('vpc', 'DetachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: instanceId });

    async function done(answer: Answer3 | Error3, status = 'SUCCESS'): Promise<Answer3> {
      if ('Error' in answer) throw new Error(JSON.stringify(answer));
      const task = await c.waitTask(answer.RequestId);
      assert.equal(task.Status, status, task.Output);
      return task;
    }

    async function describeOne(eniId: string): Promise<Record<string, any>> {
      const r = await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] });
      return r.NetworkInterfaceSet[0];
    }

    async function primaryOf(instanceId: string): Promise<string> {
      const r = await c.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [
          { Name: 'attachment.instance-id', Values: [instanceId] },
          { Name: 'is-primary', Values: ['TRUE'] },
        ],
      });
      assert.equal(r.TotalCount, 1);
      return r.NetworkInterfaceSet[0].NetworkInterfaceId;
    }

    it('an instance holds many ENIs but one primary: primary ENIs are never attached or detached', async () => {
      const net = await vpcWithSubnet(v2);
      const big = await instance(v2, net, { cpu: 4, mem: 8 }); // 4 ENIs, primary included
      const other = await instance(v2, net);
      const [e1, e2, e3] = [await eni(v2, net), await eni(v2, net), await eni(v2, net)];
      for (const e of [e1, e2, e3]) await done(await attach(e, big));
      const held = await c.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [{ Name: 'attachment.instance-id', Values: [big] }],
      });
      assert.equal(held.TotalCount, 4);
      assert.deepEqual(
        held.NetworkInterfaceSet.map((e: Record<string, any>) => [e.Primary, e.Attachment.DeviceIndex]).sort(),
        [
          [false, 1],
          [false, 2],
          [false, 3],
          [true, 0],
        ],
      );
      const otherPrimary = await primaryOf(other);
      const bigPrimary = await primaryOf(big);
      isError(await attach(otherPrimary, big), 'UnsupportedOperation', otherPrimary);
      isError(await detach(bigPrimary, big), 'UnsupportedOperation', bigPrimary);
      // The 4th slot is taken: LimitExceeded (the primary counts).
      const e4 = await eni(v2, net);
      isError(await attach(e4, big), 'LimitExceeded', big);
    });

    it('an ENI binds one instance at a time: AttachmentAlreadyExists; detaching elsewhere: AttachmentNotFound', async () => {
      const net = await vpcWithSubnet(v2);
      const [i1, i2] = [await instance(v2, net), await instance(v2, net)];
      const e = await eni(v2, net);
      isError(await detach(e, i1), 'UnsupportedOperation.AttachmentNotFound', e);
      await done(await attach(e, i1));
      isError(await attach(e, i2), 'UnsupportedOperation.AttachmentAlreadyExists', i1);
      isError(await attach(e, i1), 'UnsupportedOperation.AttachmentAlreadyExists', i1);
      isError(await detach(e, i2), 'UnsupportedOperation.AttachmentNotFound', i2);
      // Through v2 the same rule holds.
      const v2Again = await v2.call('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: e,
        instanceId: i2,
      });
      assert.equal(v2Again.codeDesc, 'InvalidNetworkInterface.AlreadyAssociated');
      await done(await detach(e, i1));
      await done(await attach(e, i2));
    });

    it('only running or stopped instances take or give ENIs: InvalidState while PENDING, STOPPING, STARTING, TERMINATING', async () => {
      const net = await vpcWithSubnet(v2);
      const ins = await instance(v2, net, { cpu: 4, mem: 8 });
      const spare = await eni(v2, net);
      const held = await eni(v2, net);
      await done(await attach(held, ins));
      /** Runs `start` (a v2 call) with its tasks held: the instance sits in `status` (v2 numbers) and refuses; then it finishes. */
      async function whileIn(
        type: string,
        start: () => Promise<{ taskId: number; instanceId: string }>,
        status: number,
      ) {
        const hold = holdTasks(server.driver, type);
        let started: { taskId: number; instanceId: string };
        try {
          started = await start();
          const seen = await v2.call('DescribeInstances', { instanceIds: [started.instanceId] });
          assert.equal(seen.instanceSet[0].status, status);
          isError(await attach(spare, started.instanceId), 'UnsupportedOperation.InvalidState', started.instanceId);
          if (started.instanceId === ins) {
            isError(await detach(held, ins), 'UnsupportedOperation.InvalidState', ins);
          }
        } finally {
          hold.release();
        }
        assert.equal((await v2.waitTask(started.taskId)).data.status, 0);
      }
      const lifecycle = (action: string) => async () => {
        const r = await v2.call(action, { instanceIds: [ins] });
        assert.equal(r.code, 0, r.message);
        return { taskId: r.taskId as number, instanceId: ins };
      };
      await whileIn('StopInstances', lifecycle('StopInstances'), 9);
      // Stopped: attach and detach work.
      await done(await attach(spare, ins));
      await done(await detach(spare, ins));
      await whileIn('StartInstances', lifecycle('StartInstances'), 8);
      await whileIn(
        'RunInstances',
        async () => {
          const r = await v2.call('RunInstances', {
            zoneId: '100003',
            cpu: 2,
            mem: 4,
            vpcId: net.vpcId,
            subnetId: net.subnetId,
          });
          assert.equal(r.code, 0, r.message);
          return { taskId: r.taskId as number, instanceId: r.data.instanceIds[0] as string };
        },
        3,
      );
      const doomed = await instance(v2, net);
      await whileIn(
        'TerminateInstances',
        async () => {
          const r = await v2.call('TerminateInstances', { instanceIds: [doomed] });
          assert.equal(r.code, 0, r.message);
          return { taskId: r.taskId as number, instanceId: doomed };
        },
        6,
      );
      // Terminated: gone.
      isError(await attach(spare, doomed), 'ResourceNotFound', doomed);
    });

    it('same VPC and same zone: VpcMismatch (classic, other VPC), ZoneMismatch; InvalidState answers first', async () => {
      const net = await vpcWithSubnet(v2);
      const e = await eni(v2, net);
      const classic = await instance(v2, null);
      isError(await attach(e, classic), 'UnsupportedOperation.VpcMismatch', classic);
      const elsewhere = await instance(v2, await vpcWithSubnet(v2, { cidr: '10.9.0.0/16', subnetCidr: '10.9.1.0/24' }));
      isError(await attach(e, elsewhere), 'UnsupportedOperation.VpcMismatch', elsewhere);
      const zone4 = await v2.call('CreateSubnet', {
        vpcId: net.vpcId,
        subnetSet: [{ subnetName: 'zone-4', cidrBlock: '10.0.4.0/24', zoneId: '100004' }],
      });
      const otherZone = await instance(
        v2,
        { vpcId: net.vpcId, subnetId: zone4.subnetSet[0].unSubnetId },
        { zone: '100004' },
      );
      isError(await attach(e, otherZone), 'UnsupportedOperation.ZoneMismatch', otherZone);
      // VpcMismatch before ZoneMismatch.
      const classic4 = await instance(v2, null, { zone: '100004' });
      isError(await attach(e, classic4), 'UnsupportedOperation.VpcMismatch', classic4);
      // InvalidState before VpcMismatch.
      const hold = holdTasks(server.driver, 'StopInstances');
      let taskId: number;
      try {
        taskId = (await v2.call('StopInstances', { instanceIds: [classic] })).taskId;
        isError(await attach(e, classic), 'UnsupportedOperation.InvalidState', classic);
      } finally {
        hold.release();
      }
      assert.equal((await v2.waitTask(taskId)).data.status, 0);
    });

    it('per-instance limits: ENIs (attaching ones counted) and IPs per ENI answer LimitExceeded', async () => {
      const net: Net = await vpcWithSubnet(v2);
      const small = await instance(v2, net, { cpu: 1, mem: 1 }); // 2 ENIs, 2 IPs per ENI
      const [e1, e2] = [await eni(v2, net), await eni(v2, net)];
      const hold = holdTasks(server.driver, 'AttachNetworkInterface');
      let first: Answer3 | Error3;
      try {
        first = await attach(e1, small);
        assert.ok(!('Error' in first));
        // e1 is only on its way, yet it takes the last slot.
        isError(await attach(e2, small), 'LimitExceeded', small);
      } finally {
        hold.release();
      }
      await done(first);
      isError(await attach(e2, small), 'LimitExceeded', small);
      await done(await detach(e1, small));
      await done(await attach(e2, small));
      // Addresses per ENI: 3 do not fit an instance that allows 2; 6 fit one that allows 6.
      const three = await eni(v2, net, { secondaryPrivateIpAddressCount: 2 });
      const [tight, roomy] = [await instance(v2, net, { cpu: 1, mem: 1 }), await instance(v2, net, { cpu: 1, mem: 2 })];
      isError(await attach(three, tight), 'LimitExceeded', three);
      await done(await attach(three, roomy));
    });

    it('a busy ENI refuses everything else: MutexOperationTaskRunning (v2: ActionLocked)', async () => {
      const net = await vpcWithSubnet(v2);
      const [i1, i2] = [await instance(v2, net, { cpu: 4, mem: 8 }), await instance(v2, net, { cpu: 4, mem: 8 })];
      const e = await eni(v2, net);
      const sg = (await v2.call('CreateSecurityGroup', { sgName: 'busy' })).data.sgId;
      const hold = holdTasks(server.driver, 'AttachNetworkInterface');
      let first: Answer3 | Error3;
      try {
        first = await attach(e, i1);
        const busy = 'UnsupportedOperation.MutexOperationTaskRunning';
        isError(await attach(e, i2), busy, e);
        isError(await attach(e, i1), busy, e);
        isError(await detach(e, i1), busy, e);
        isError(await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: e }), busy, e);
        isError(
          await c.call('vpc', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: e, NetworkInterfaceName: 'n' }),
          busy,
        );
        isError(
          await c.call('vpc', 'AssociateNetworkInterfaceSecurityGroups', {
            NetworkInterfaceIds: [e],
            SecurityGroupIds: [sg],
          }),
          busy,
        );
        const v2Busy = await v2.call('DetachNetworkInterface', {
          vpcId: net.vpcId,
          networkInterfaceId: e,
          instanceId: i1,
        });
        assert.equal(v2Busy.codeDesc, 'ActionLocked');
        // Existence still answers first.
        isError(await attach(e, 'ins-00000000'), 'ResourceNotFound', 'ins-00000000');
      } finally {
        hold.release();
      }
      await done(first);
    });

    it('tasks by RequestId: RUNNING, then SUCCESS; a FAILED attach or detach is rolled back with its reason', async () => {
      const net = await vpcWithSubnet(v2);
      const ins = await instance(v2, net, { cpu: 4, mem: 8 });
      const e = await eni(v2, net);
      const hold = holdTasks(server.driver, 'AttachNetworkInterface');
      let first: Answer3 | Error3;
      try {
        first = await attach(e, ins);
        assert.ok(!('Error' in first));
        const running = await c.ok('vpc', 'DescribeVpcTaskResult', { TaskId: first.RequestId });
        assert.deepEqual(
          { Status: running.Status, Output: running.Output, Result: running.Result },
          { Status: 'RUNNING', Output: '', Result: [{ ResourceId: e, Status: 'RUNNING' }] },
        );
      } finally {
        hold.release();
      }
      const succeeded = await done(first);
      assert.deepEqual(
        { Status: succeeded.Status, Output: succeeded.Output, Result: succeeded.Result },
        { Status: 'SUCCESS', Output: 'SUCCESS', Result: [{ ResourceId: e, Status: 'SUCCESS' }] },
      );
      // A failed detach: still attached, idle again.
      server.driver.injectFailure({ type: 'DetachNetworkInterface', message: 'the guest did not release the NIC' });
      const failedDetach = await done(await detach(e, ins), 'FAILED');
      assert.deepEqual(
        { Output: failedDetach.Output, Result: failedDetach.Result },
        { Output: 'the guest did not release the NIC', Result: [{ ResourceId: e, Status: 'FAILED' }] },
      );
      let seen = await describeOne(e);
      assert.deepEqual(
        [seen.State, seen.NetworkInterfaceState, seen.Attachment?.InstanceId, seen.Attachment?.DeviceIndex],
        ['AVAILABLE', 'INUSE', ins, 1],
      );
      await done(await detach(e, ins));
      // A failed attach: not attached, idle, its device index given back.
      server.driver.injectFailure({ type: 'AttachNetworkInterface', message: 'no free PCI slot' });
      const failedAttach = await done(await attach(e, ins), 'FAILED');
      assert.equal(failedAttach.Output, 'no free PCI slot');
      seen = await describeOne(e);
      assert.deepEqual([seen.State, seen.NetworkInterfaceState, seen.Attachment], ['AVAILABLE', 'AVAILABLE', null]);
      const other = await eni(v2, net);
      await done(await attach(other, ins));
      assert.equal((await describeOne(other)).Attachment.DeviceIndex, 1);
    });
  });
}
