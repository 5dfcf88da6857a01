import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';

type Net = { vpcId: string; subnetId: string };

/** The ENI's committed addresses as Describe lists them: primary first, then ascending. */
async function ipsOf(c: Client, vpcId: string, eniId: string): Promise<string[]> {
  const e = await describeEni(c, vpcId, eniId);
  return e.privateIpAddressesSet.map((p: any) => (p.primary ? `${p.privateIpAddress}*` : p.privateIpAddress));
}

const set = (...ips: string[]) => ips.map((ip) => ({ privateIpAddress: ip, primary: false }));

for (const backend of backends()) {
  describe(`private IPs [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '100' });
      c = server.client();
    });
    after(() => server.close());

    const assign = (net: Net, eniId: string, p: Record<string, unknown>) =>
      c.call('AssignPrivateIpAddresses', { vpcId: net.vpcId, networkInterfaceId: eniId, ...p });
    const unassign = (net: Net, eniId: string, ips: string[]) =>
      c.call('UnassignPrivateIpAddresses', { vpcId: net.vpcId, networkInterfaceId: eniId, privateIpAddress: ips });
    const migrateIp = (net: Net, ip: string, from: string, to: string) =>
      c.call('MigratePrivateIpAddress', {
        vpcId: net.vpcId,
        privateIpAddress: ip,
        oldNetworkInterfaceId: from,
        newNetworkInterfaceId: to,
      });

    /** A secondary ENI attached to a fresh instance of the given size. */
    async function attachedEni(net: Net, size: { cpu: number; mem: number }, extra: Record<string, unknown> = {}) {
      const ins = await instance(c, net, size);
      const eniId = await eni(c, net, extra);
      await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: ins });
      return { ins, eniId };
    }

    describe('AssignPrivateIpAddresses', () => {
      it('reserves the addresses at once but shows them only once the task succeeded', async () => {
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net);
        const other = await eni(c, net);
        const hold = holdTasks(server.driver, 'AssignPrivateIpAddresses');
        let taskId;
        try {
          const r = await assign(net, eniId, {
            privateIpAddressSet: set('10.0.1.20'),
            secondaryPrivateIpAddressCount: 2,
          });
          assert.equal(r.code, 0, r.message);
          assert.equal(r.codeDesc, 'Success');
          assert.equal(r.data.taskId, r.taskId);
          taskId = r.taskId;
          assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*']);
          expectError(await assign(net, eniId, { secondaryPrivateIpAddressCount: 1 }), 5100, 'ActionLocked', eniId);
          expectError(
            await assign(net, other, { privateIpAddressSet: set('10.0.1.20') }),
            5100,
            'InvalidPrivateIpAddress.InUse',
            '10.0.1.20',
          );
        } finally {
          hold.release();
        }
        assert.deepEqual((await c.waitTask(taskId)).data, { taskId, status: 0 });
        assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*', '10.0.1.4', '10.0.1.5', '10.0.1.20']);
      });

      it('fills a /28 after 13 addresses, then ResourceInsufficient.Subnet; freed addresses are reused lowest first', async () => {
        const net = await vpcWithSubnet(c, { subnetCidr: '10.0.1.0/28' });
        // .0 network, .1 gateway, .15 broadcast: .2 to .14 are usable.
        const a = await eni(c, net, { secondaryPrivateIpAddressCount: 11 });
        const b = await eni(c, net);
        assert.deepEqual(await ipsOf(c, net.vpcId, b), ['10.0.1.14*']);
        expectError(
          await c.call('CreateNetworkInterface', { ...net, eniName: 'one-too-many' }),
          5100,
          'ResourceInsufficient.Subnet',
          net.subnetId,
        );
        expectError(await assign(net, b, { secondaryPrivateIpAddressCount: 1 }), 5100, 'ResourceInsufficient.Subnet');
        assert.equal(
          (await c.run('UnassignPrivateIpAddresses', unassignArgs(net, a, ['10.0.1.9', '10.0.1.5']))).task.data.status,
          0,
        );
        // Two free now: asking for three is refused whole, nothing is taken.
        expectError(await assign(net, b, { secondaryPrivateIpAddressCount: 3 }), 5100, 'ResourceInsufficient.Subnet');
        await c.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: b,
          secondaryPrivateIpAddressCount: 1,
        });
        assert.deepEqual(await ipsOf(c, net.vpcId, b), ['10.0.1.14*', '10.0.1.5']);
        await c.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: b,
          secondaryPrivateIpAddressCount: 1,
        });
        assert.deepEqual(await ipsOf(c, net.vpcId, b), ['10.0.1.14*', '10.0.1.5', '10.0.1.9']);
        expectError(await assign(net, a, { secondaryPrivateIpAddressCount: 1 }), 5100, 'ResourceInsufficient.Subnet');
      });

      it('gives concurrent assignments in one subnet distinct addresses, all accepted', async () => {
        const net = await vpcWithSubnet(c);
        const enis: string[] = [];
        for (let i = 0; i < 8; i++) enis.push(await eni(c, net));
        const answers = await Promise.all(enis.map((e) => assign(net, e, { secondaryPrivateIpAddressCount: 2 })));
        for (const r of answers) assert.equal(r.code, 0, r.message);
        for (const r of answers) assert.equal((await c.waitTask(r.taskId)).data.status, 0);
        const all = (await Promise.all(enis.map((e) => ipsOf(c, net.vpcId, e)))).flat();
        assert.equal(all.length, 24);
        assert.equal(new Set(all.map((ip) => ip.replace('*', ''))).size, 24, 'no address is handed out twice');
      });

      it('limits an attached ENI to its instance figure and a detached one to 30 (PrivateIpAddressLimitExceeded)', async () => {
        const net = await vpcWithSubnet(c);
        // 1 core, 1 GB: 2 private IPs per ENI, the primary included.
        const { eniId } = await attachedEni(net, { cpu: 1, mem: 1 });
        expectError(
          await assign(net, eniId, { secondaryPrivateIpAddressCount: 2 }),
          5100,
          'PrivateIpAddressLimitExceeded',
          eniId,
        );
        await c.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: eniId,
          secondaryPrivateIpAddressCount: 1,
        });
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.1.100') }),
          5100,
          'PrivateIpAddressLimitExceeded',
        );
        const loose = await eni(c, net, { secondaryPrivateIpAddressCount: 28 });
        await c.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: loose,
          secondaryPrivateIpAddressCount: 1,
        });
        expectError(
          await assign(net, loose, { secondaryPrivateIpAddressCount: 1 }),
          5100,
          'PrivateIpAddressLimitExceeded',
        );
      });

      it('rolls back a failed task: the addresses are free again', async () => {
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net);
        server.driver.injectFailure({ type: 'AssignPrivateIpAddresses' });
        const failed = await c.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: eniId,
          privateIpAddressSet: set('10.0.1.30'),
          secondaryPrivateIpAddressCount: 1,
        });
        assert.equal(failed.task.data.status, 1);
        assert.equal(failed.task.data.output.errorCode, 5100);
        assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*']);
        const other = await eni(c, net, { privateIpAddressSet: set('10.0.1.30') });
        assert.deepEqual(await ipsOf(c, net.vpcId, other), ['10.0.1.3*', '10.0.1.30']);
      });

      it('answers each refusal with its exact code: bad input, NotFound, then the IP rules', async () => {
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net);
        const other = await eni(c, net);
        expectError(await assign(net, eniId, {}), 4000, 'InvalidParameter', 'secondaryPrivateIpAddressCount');
        expectError(
          await assign(net, eniId, { privateIpAddressSet: [{ privateIpAddress: '10.0.1.40', primary: true }] }),
          4000,
          'InvalidParameterValue',
          'privateIpAddressSet.0.primary',
        );
        expectError(
          await assign(net, eniId, { secondaryPrivateIpAddressCount: 31 }),
          4000,
          'InvalidParameterValue',
          'secondaryPrivateIpAddressCount',
        );
        expectError(
          await assign(net, eniId, { secondaryPrivateIpAddressCount: 'two' }),
          4000,
          'InvalidParameter',
          'secondaryPrivateIpAddressCount',
        );
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.1') }),
          4000,
          'InvalidParameterValue',
          'privateIpAddressSet.0.privateIpAddress',
        );
        expectError(
          await c.call('AssignPrivateIpAddresses', { vpcId: net.vpcId, secondaryPrivateIpAddressCount: 1 }),
          4000,
          'InvalidParameter',
          'networkInterfaceId',
        );
        expectError(
          await assign({ ...net, vpcId: 'vpc-nothere1' }, eniId, { secondaryPrivateIpAddressCount: 1 }),
          5000,
          'InvalidVpc.NotFound',
        );
        expectError(
          await assign(net, 'eni-nothere1', { secondaryPrivateIpAddressCount: 1 }),
          5000,
          'InvalidNetworkInterface.NotFound',
        );
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.9.9') }),
          4000,
          'InvalidPrivateIpAddress.NotInSubnet',
          '10.0.9.9',
        );
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.1.3') }),
          5100,
          'InvalidPrivateIpAddress.InUse',
          '10.0.1.3',
        );
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.1.2') }),
          5100,
          'InvalidPrivateIpAddress.InUse',
        );
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.1.1') }),
          4000,
          'InvalidParameterValue',
          '10.0.1.1',
        );
        expectError(
          await assign(net, eniId, { privateIpAddressSet: set('10.0.1.7', '10.0.1.7') }),
          4000,
          'InvalidParameterValue',
          '10.0.1.7',
        );
        assert.deepEqual(await ipsOf(c, net.vpcId, other), ['10.0.1.3*']);
      });

      it("UnsupportedOperation.InvalidState while the ENI's instance is in a transitional status", async () => {
        const net = await vpcWithSubnet(c);
        const { ins, eniId } = await attachedEni(net, { cpu: 2, mem: 4 });
        const hold = holdTasks(server.driver, 'StopInstances');
        let stop;
        try {
          stop = await c.call('StopInstances', { 'instanceIds.0': ins });
          expectError(
            await assign(net, eniId, { secondaryPrivateIpAddressCount: 1 }),
            5100,
            'UnsupportedOperation.InvalidState',
            ins,
          );
          expectError(await unassign(net, eniId, ['10.0.1.3']), 5100, 'UnsupportedOperation.InvalidState', ins);
        } finally {
          hold.release();
        }
        await c.waitTask(stop.taskId);
        // Stopped (4) is a steady status again.
        assert.equal(
          (
            await c.run('AssignPrivateIpAddresses', {
              vpcId: net.vpcId,
              networkInterfaceId: eniId,
              secondaryPrivateIpAddressCount: 1,
            })
          ).task.data.status,
          0,
        );
      });
    });

    describe('UnassignPrivateIpAddresses', () => {
      it('keeps the addresses (shown, in use) until the task succeeds, then frees them', async () => {
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net, { secondaryPrivateIpAddressCount: 3 });
        const other = await eni(c, net);
        const hold = holdTasks(server.driver, 'UnassignPrivateIpAddresses');
        let taskId;
        try {
          const r = await unassign(net, eniId, ['10.0.1.3', '10.0.1.5']);
          assert.equal(r.code, 0, r.message);
          assert.equal(r.data.taskId, r.taskId);
          taskId = r.taskId;
          assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*', '10.0.1.3', '10.0.1.4', '10.0.1.5']);
          expectError(
            await assign(net, other, { privateIpAddressSet: set('10.0.1.3') }),
            5100,
            'InvalidPrivateIpAddress.InUse',
          );
          expectError(await unassign(net, eniId, ['10.0.1.4']), 5100, 'ActionLocked');
        } finally {
          hold.release();
        }
        assert.equal((await c.waitTask(taskId)).data.status, 0);
        assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*', '10.0.1.4']);
        await c.run('AssignPrivateIpAddresses', {
          vpcId: net.vpcId,
          networkInterfaceId: other,
          privateIpAddressSet: set('10.0.1.3'),
        });
        assert.deepEqual(await ipsOf(c, net.vpcId, other), ['10.0.1.6*', '10.0.1.3']);
      });

      it('rolls back a failed task: the addresses stay on the ENI', async () => {
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net, { secondaryPrivateIpAddressCount: 1 });
        server.driver.injectFailure({ type: 'UnassignPrivateIpAddresses' });
        const failed = await c.run('UnassignPrivateIpAddresses', unassignArgs(net, eniId, ['10.0.1.3']));
        assert.equal(failed.task.data.status, 1);
        assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*', '10.0.1.3']);
        assert.equal(
          (await c.run('UnassignPrivateIpAddresses', unassignArgs(net, eniId, ['10.0.1.3']))).task.data.status,
          0,
        );
        assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*']);
      });

      it('refuses the primary IP, addresses the ENI does not hold, repeats and bad input', async () => {
        const net = await vpcWithSubnet(c);
        const eniId = await eni(c, net, { secondaryPrivateIpAddressCount: 1 });
        const other = await eni(c, net);
        expectError(
          await c.call('UnassignPrivateIpAddresses', { vpcId: net.vpcId, networkInterfaceId: eniId }),
          4000,
          'InvalidParameter',
          'privateIpAddress',
        );
        expectError(await unassign(net, eniId, ['10.0.1.x']), 4000, 'InvalidParameterValue', 'privateIpAddress.0');
        expectError(
          await unassign(net, eniId, ['10.0.1.3', '10.0.1.3']),
          4000,
          'InvalidParameterValue',
          'privateIpAddress.1',
        );
        expectError(
          await unassign({ ...net, vpcId: 'vpc-nothere1' }, eniId, ['10.0.1.3']),
          5000,
          'InvalidVpc.NotFound',
        );
        expectError(await unassign(net, 'eni-nothere1', ['10.0.1.3']), 5000, 'InvalidNetworkInterface.NotFound');
        expectError(await unassign(net, eniId, ['10.0.1.2']), 5100, 'InvalidPrivateip.IsPrimary', '10.0.1.2');
        expectError(await unassign(net, eniId, ['10.0.1.3', '10.0.1.2']), 5100, 'InvalidPrivateip.IsPrimary');
        // Another ENI's address, a free one, one outside the subnet: not this ENI's to give back.
        expectError(await unassign(net, eniId, ['10.0.1.4']), 4000, 'InvalidParameterValue', 'privateIpAddress.0');
        expectError(
          await unassign(net, eniId, ['10.0.1.3', '10.0.1.99']),
          4000,
          'InvalidParameterValue',
          'privateIpAddress.1',
        );
        expectError(await unassign(net, eniId, ['192.168.0.9']), 4000, 'InvalidParameterValue', '192.168.0.9');
        assert.deepEqual(await ipsOf(c, net.vpcId, eniId), ['10.0.1.2*', '10.0.1.3']);
        assert.deepEqual(await ipsOf(c, net.vpcId, other), ['10.0.1.4*']);
      });
    });

    describe('MigratePrivateIpAddress', () => {
      it('moves a secondary IP: still on the old ENI and both ENIs locked while in flight', async () => {
        const net = await vpcWithSubnet(c);
        const from = await eni(c, net, { secondaryPrivateIpAddressCount: 1 });
        const to = await eni(c, net);
        const hold = holdTasks(server.driver, 'MigratePrivateIpAddress');
        let taskId;
        try {
          const r = await migrateIp(net, '10.0.1.3', from, to);
          assert.equal(r.code, 0, r.message);
          assert.equal(r.data.taskId, r.taskId);
          taskId = r.taskId;
          assert.deepEqual(await ipsOf(c, net.vpcId, from), ['10.0.1.2*', '10.0.1.3']);
          assert.deepEqual(await ipsOf(c, net.vpcId, to), ['10.0.1.4*']);
          expectError(await assign(net, from, { secondaryPrivateIpAddressCount: 1 }), 5100, 'ActionLocked', from);
          expectError(await assign(net, to, { secondaryPrivateIpAddressCount: 1 }), 5100, 'ActionLocked', to);
          expectError(await migrateIp(net, '10.0.1.3', from, to), 5100, 'ActionLocked');
        } finally {
          hold.release();
        }
        assert.equal((await c.waitTask(taskId)).data.status, 0);
        assert.deepEqual(await ipsOf(c, net.vpcId, from), ['10.0.1.2*']);
        assert.deepEqual(await ipsOf(c, net.vpcId, to), ['10.0.1.4*', '10.0.1.3']);
      });

      it('rolls back a failed task: the IP stays on the old ENI', async () => {
        const net = await vpcWithSubnet(c);
        const from = await eni(c, net, { secondaryPrivateIpAddressCount: 1 });
        const to = await eni(c, net);
        server.driver.injectFailure({ type: 'MigratePrivateIpAddress' });
        const failed = await c.run('MigratePrivateIpAddress', {
          vpcId: net.vpcId,
          privateIpAddress: '10.0.1.3',
          oldNetworkInterfaceId: from,
          newNetworkInterfaceId: to,
        });
        assert.equal(failed.task.data.status, 1);
        assert.deepEqual(await ipsOf(c, net.vpcId, from), ['10.0.1.2*', '10.0.1.3']);
        assert.deepEqual(await ipsOf(c, net.vpcId, to), ['10.0.1.4*']);
        assert.equal(
          (await c.run('UnassignPrivateIpAddresses', unassignArgs(net, from, ['10.0.1.3']))).task.data.status,
          0,
        );
      });

      it('answers every error: 4000, NotFound, IsPrimary, ResourceMismatch, limit, and IPs not on the old ENI', async () => {
        const net = await vpcWithSubnet(c);
        const from = await eni(c, net, { secondaryPrivateIpAddressCount: 1 }); // .2*, .3
        const to = await eni(c, net); // .4*
        expectError(
          await migrateIp(net, '10.0.1.3', from, from),
          4000,
          'InvalidParameterValue',
          'newNetworkInterfaceId',
        );
        expectError(
          await c.call('MigratePrivateIpAddress', {
            vpcId: net.vpcId,
            oldNetworkInterfaceId: from,
            newNetworkInterfaceId: to,
          }),
          4000,
          'InvalidParameter',
          'privateIpAddress',
        );
        expectError(await migrateIp(net, '10.0.1.256', from, to), 4000, 'InvalidParameterValue', 'privateIpAddress');
        expectError(
          await migrateIp({ ...net, vpcId: 'vpc-nothere1' }, '10.0.1.3', from, to),
          5000,
          'InvalidVpc.NotFound',
        );
        expectError(
          await migrateIp(net, '10.0.1.3', 'eni-zzzzzzzz', to),
          5000,
          'InvalidNetworkInterface.NotFound',
          'eni-zzzzzzzz',
        );
        expectError(
          await migrateIp(net, '10.0.1.3', from, 'eni-aaaaaaaa'),
          5000,
          'InvalidNetworkInterface.NotFound',
          'eni-aaaaaaaa',
        );
        expectError(
          await migrateIp(net, '10.0.1.3', 'eni-zzzzzzzz', 'eni-aaaaaaaa'),
          5000,
          'InvalidNetworkInterface.NotFound',
          'eni-zzzzzzzz',
        );
        expectError(await migrateIp(net, '10.0.1.2', from, to), 5100, 'InvalidPrivateip.IsPrimary', '10.0.1.2');
        expectError(await migrateIp(net, '10.0.1.4', from, to), 4000, 'InvalidParameterValue', '10.0.1.4');
        expectError(await migrateIp(net, '10.0.1.77', from, to), 4000, 'InvalidParameterValue', '10.0.1.77');
        const second = await c.call('CreateSubnet', {
          vpcId: net.vpcId,
          subnetSet: [{ subnetName: 'second', cidrBlock: '10.0.2.0/24', zoneId: '100003' }],
        });
        const elsewhere = await eni(c, { vpcId: net.vpcId, subnetId: second.subnetSet[0].unSubnetId });
        expectError(
          await migrateIp(net, '10.0.1.3', from, elsewhere),
          5100,
          'UnsupportedOperation.ResourceMismatch',
          elsewhere,
        );
        // 1 core, 1 GB: the attached ENI already holds its 2 addresses.
        const { eniId: full } = await attachedEni(net, { cpu: 1, mem: 1 }, { secondaryPrivateIpAddressCount: 1 });
        expectError(await migrateIp(net, '10.0.1.3', from, full), 5100, 'PrivateIpAddressLimitExceeded', full);
        assert.deepEqual(await ipsOf(c, net.vpcId, from), ['10.0.1.2*', '10.0.1.3']);
      });

      it("UnsupportedOperation.InvalidState while either ENI's instance is in a transitional status", async () => {
        const net = await vpcWithSubnet(c);
        const { ins, eniId } = await attachedEni(net, { cpu: 2, mem: 4 }, { secondaryPrivateIpAddressCount: 1 });
        const loose = await eni(c, net);
        const [ip] = (await ipsOf(c, net.vpcId, eniId)).filter((x) => !x.endsWith('*'));
        const hold = holdTasks(server.driver, 'StopInstances');
        let stop;
        try {
          stop = await c.call('StopInstances', { 'instanceIds.0': ins });
          expectError(await migrateIp(net, ip!, eniId, loose), 5100, 'UnsupportedOperation.InvalidState', ins);
        } finally {
          hold.release();
        }
        await c.waitTask(stop.taskId);
        assert.equal(
          (
            await c.run('MigratePrivateIpAddress', {
              vpcId: net.vpcId,
              privateIpAddress: ip,
              oldNetworkInterfaceId: eniId,
              newNetworkInterfaceId: loose,
            })
          ).task.data.status,
          0,
        );
      });
    });
  });
}

function unassignArgs(net: Net, eniId: string, ips: string[]) {
  return { vpcId: net.vpcId, networkInterfaceId: eniId, privateIpAddress: ips };
}
