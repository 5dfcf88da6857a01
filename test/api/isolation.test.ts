import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { describeEni, eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Answer, type Client, type TestServer } from '../support/harness.ts';

// Accounts and regions (docs/contract.md, "Authentication and accounts", "Resources"): another account's resource, or one in another
// region, is indistinguishable from a missing one.

/** The same answer, byte for byte, once each message's resource id is blanked out. */
function sameAnswer(real: Answer, realId: string, missing: Answer, missingId: string): void {
  assert.notEqual(real.code, 0, JSON.stringify(real));
  assert.deepEqual(
    { ...real, message: real.message.replaceAll(realId, '<id>') },
    { ...missing, message: missing.message.replaceAll(missingId, '<id>') },
  );
}

const MISSING = {
  vpc: 'vpc-zzzzzzzz',
  subnet: 'subnet-zzzzzzzz',
  ins: 'ins-zzzzzzzz',
  eni: 'eni-zzzzzzzz',
};

for (const backend of backends()) {
  describe(`Isolation [${backend.name}]`, () => {
    let server: TestServer;
    let a: Client;
    // Account A's resources, looked at by others.
    let net: { vpcId: string; subnetId: string };
    let ins: string;
    let eniId: string;
    let taskId: number;
    before(async () => {
      server = await startServer(backend);
      a = server.client();
      net = await vpcWithSubnet(a);
      ins = await instance(a, net);
      eniId = await eni(a, net);
      const attach = await a.run('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: ins,
      });
      taskId = attach.taskId;
    });
    after(() => server.close());

    /** Asserts `other` gets, for A's resources, exactly the answer it gets for missing ones. */
    async function cannotSee(other: Client, zone: string, o: { tasks: boolean }): Promise<void> {
      const { vpcId, subnetId } = net;
      const own = await vpcWithSubnet(other, { zone });
      const ownIns = await instance(other, own, { zone });
      const ownEni = await eni(other, own);
      const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string, string, string]> = [
        ['DescribeVpcEx', { vpcId }, { vpcId: MISSING.vpc }, vpcId, MISSING.vpc, 'InvalidVpc.NotFound'],
        ['DeleteVpc', { vpcId }, { vpcId: MISSING.vpc }, vpcId, MISSING.vpc, 'InvalidVpc.NotFound'],
        [
          'CreateSubnet',
          { vpcId, subnetSet: [{ subnetName: 's', cidrBlock: '10.0.9.0/24', zoneId: '100003' }] },
          { vpcId: MISSING.vpc, subnetSet: [{ subnetName: 's', cidrBlock: '10.0.9.0/24', zoneId: '100003' }] },
          vpcId,
          MISSING.vpc,
          'InvalidVpc.NotFound',
        ],
        ['DescribeSubnetEx', { vpcId }, { vpcId: MISSING.vpc }, vpcId, MISSING.vpc, 'InvalidVpc.NotFound'],
        [
          'DescribeSubnetEx',
          { subnetId },
          { subnetId: MISSING.subnet },
          subnetId,
          MISSING.subnet,
          'InvalidSubnet.NotFound',
        ],
        [
          'DeleteSubnet',
          { vpcId: own.vpcId, subnetId },
          { vpcId: own.vpcId, subnetId: MISSING.subnet },
          subnetId,
          MISSING.subnet,
          'InvalidSubnet.NotFound',
        ],
        [
          'RunInstances',
          { zoneId: zone, vpcId, subnetId },
          { zoneId: zone, vpcId: MISSING.vpc, subnetId },
          vpcId,
          MISSING.vpc,
          'InvalidVpc.NotFound',
        ],
        [
          'CreateNetworkInterface',
          { vpcId: own.vpcId, subnetId, eniName: 'x' },
          { vpcId: own.vpcId, subnetId: MISSING.subnet, eniName: 'x' },
          subnetId,
          MISSING.subnet,
          'InvalidSubnet.NotFound',
        ],
        [
          'DescribeNetworkInterfaces',
          { networkInterfaceId: eniId },
          { networkInterfaceId: MISSING.eni },
          eniId,
          MISSING.eni,
          'InvalidNetworkInterface.NotFound',
        ],
        [
          'AttachNetworkInterface',
          { vpcId: own.vpcId, networkInterfaceId: eniId, instanceId: ownIns },
          { vpcId: own.vpcId, networkInterfaceId: MISSING.eni, instanceId: ownIns },
          eniId,
          MISSING.eni,
          'InvalidNetworkInterface.NotFound',
        ],
        [
          'AttachNetworkInterface',
          { vpcId: own.vpcId, networkInterfaceId: ownEni, instanceId: ins },
          { vpcId: own.vpcId, networkInterfaceId: ownEni, instanceId: MISSING.ins },
          ins,
          MISSING.ins,
          'InvalidInstance.NotFound',
        ],
        [
          'DetachNetworkInterface',
          { vpcId, networkInterfaceId: eniId, instanceId: ins },
          { vpcId: MISSING.vpc, networkInterfaceId: eniId, instanceId: ins },
          vpcId,
          MISSING.vpc,
          'InvalidVpc.NotFound',
        ],
        [
          'DeleteNetworkInterface',
          { vpcId: own.vpcId, networkInterfaceId: eniId },
          { vpcId: own.vpcId, networkInterfaceId: MISSING.eni },
          eniId,
          MISSING.eni,
          'InvalidNetworkInterface.NotFound',
        ],
        [
          'StopInstances',
          { instanceIds: [ins] },
          { instanceIds: [MISSING.ins] },
          ins,
          MISSING.ins,
          'InvalidInstance.NotFound',
        ],
        [
          'StartInstances',
          { instanceIds: [ins] },
          { instanceIds: [MISSING.ins] },
          ins,
          MISSING.ins,
          'InvalidInstance.NotFound',
        ],
        [
          'TerminateInstances',
          { instanceIds: [ins] },
          { instanceIds: [MISSING.ins] },
          ins,
          MISSING.ins,
          'InvalidInstance.NotFound',
        ],
      ];
      if (o.tasks) {
        cases.push([
          'DescribeVpcTaskResult',
          { taskId },
          { taskId: 987654321 },
          String(taskId),
          '987654321',
          'InvalidTask.NotFound',
        ]);
      }
      for (const [action, real, missing, realId, missingId, codeDesc] of cases) {
        const answer = await other.call(action, real);
        expectError(answer, 5000, codeDesc);
        sameAnswer(answer, realId, await other.call(action, missing), missingId);
      }
      // Lists simply leave A's resources out.
      const vpcs = await other.call('DescribeVpcEx', { limit: 100 });
      assert.deepEqual(
        vpcs.data.map((v: { unVpcId: string }) => v.unVpcId),
        [own.vpcId],
      );
      const subnets = await other.call('DescribeSubnetEx', { limit: 100 });
      assert.deepEqual(
        subnets.data.map((s: { unSubnetId: string }) => s.unSubnetId),
        [own.subnetId],
      );
      const instances = await other.call('DescribeInstances', { instanceIds: [ins, ownIns] });
      assert.deepEqual(
        instances.instanceSet.map((i: { instanceId: string }) => i.instanceId),
        [ownIns],
      );
      const enis = await other.call('DescribeNetworkInterfaces', { instanceId: ins });
      assert.equal(enis.data.totalNum, 0);
      const allEnis = await other.call('DescribeNetworkInterfaces', {});
      assert.ok(allEnis.data.data.every((e: { vpcId: string }) => e.vpcId === own.vpcId));
    }

    /** Nothing of A's changed. */
    async function unharmed(): Promise<void> {
      assert.equal((await a.call('DescribeVpcEx', { vpcId: net.vpcId })).totalCount, 1);
      const i = (await a.call('DescribeInstances', { instanceIds: [ins] })).instanceSet[0];
      assert.equal(i.status, 2);
      const e = await describeEni(a, net.vpcId, eniId);
      assert.deepEqual([e.state, e.instanceSet.instanceId], ['AVAILABLE', ins]);
    }

    it('account B cannot see or touch account A’s VPC, subnet, instance, ENI or task', async () => {
      await cannotSee(server.client({ account: ACCOUNT_B }), '100003', { tasks: true });
      await unharmed();
    });

    it('resources are regional: invisible with Region=sh, the same with gz and ap-guangzhou', async () => {
      // Task ids are the account's, not the region's (docs/contract.md, "Asynchronous tasks", names only accounts).
      await cannotSee(server.client({ region: 'sh' }), '200001', { tasks: false });
      await unharmed();
      const long = server.client({ region: 'ap-guangzhou' });
      assert.equal((await long.call('DescribeVpcEx', { vpcId: net.vpcId })).totalCount, 1);
      assert.equal((await long.call('DescribeSubnetEx', { subnetId: net.subnetId })).totalCount, 1);
      const i = await long.call('DescribeInstances', { instanceIds: [ins] });
      assert.deepEqual([i.totalCount, i.instanceSet[0].Region], [1, 'gz']);
      assert.equal((await describeEni(long, net.vpcId, eniId)).instanceSet.instanceId, ins);
      // A change through the long name is a change of the same region's resource.
      const stopped = await long.run('StopInstances', { instanceIds: [ins] });
      assert.equal(stopped.task.data.status, 0);
      assert.equal((await a.call('DescribeInstances', { instanceIds: [ins] })).instanceSet[0].status, 4);
      await a.run('StartInstances', { instanceIds: [ins] });
    });

    it('zones belong to their region: a Shanghai zone is unknown in Guangzhou and known in Shanghai', async () => {
      expectError(await a.call('RunInstances', { zoneId: '200001' }), 5000, 'InvalidZone.NotFound', '200001');
      const sh = server.client({ region: 'ap-shanghai' });
      const r = await sh.run('RunInstances', { zoneId: 'ap-shanghai-1' });
      const i = (await sh.call('DescribeInstances', { instanceIds: r.data.instanceIds })).instanceSet[0];
      assert.deepEqual([i.zoneId, i.zoneName, i.Region], [200001, 'ap-shanghai-1', 'sh']);
      expectError(await a.call('DescribeVpcEx', { limit: 1, Region: 'mars' }), 4000, 'InvalidParameterValue', 'Region');
    });
  });
}
