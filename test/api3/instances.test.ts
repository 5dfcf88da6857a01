import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { eni, vpcWithSubnet } from '../support/fixtures.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';

// The CVM actions of API 3.0 through the official SDK: RunInstances and its checks, the Instance
// structure field by field, the lifecycle with its per-state codes, zones, regions and types.

const IMAGE = 'img-00000000';

for (const backend of backends()) {
  describe(`API 3.0 CVM [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let net: { vpcId: string; subnetId: string };
    before(async () => {
      server = await startServer(backend);
      c = sdk3Client(server.port);
      net = await vpcWithSubnet(server.client());
    });
    after(() => server.close());

    const run = async (extra: Record<string, unknown> = {}) => {
      const r = await c.ok('cvm', 'RunInstances', {
        Placement: { Zone: 'ap-guangzhou-3' },
        ImageId: IMAGE,
        InstanceType: 'S5.MEDIUM4',
        VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId },
        ...extra,
      });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      return r.InstanceIdSet[0] as string;
    };
    const describeOne = async (id: string) => {
      const r = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [id] });
      assert.equal(r.TotalCount, 1);
      return r.InstanceSet[0];
    };

    it('RunInstances: PENDING at once, RUNNING with every field once its task succeeds', async () => {
      const hold = holdTasks(server.driver, 'RunInstances');
      const r = await c.ok('cvm', 'RunInstances', {
        Placement: { Zone: 'ap-guangzhou-3', ProjectId: 3 },
        ImageId: IMAGE,
        InstanceType: 'S5.LARGE8',
        InstanceName: 'web',
        VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId, PrivateIpAddresses: ['10.0.1.50'] },
        SystemDisk: { DiskType: 'CLOUD_SSD', DiskSize: 80 },
        InternetAccessible: { InternetMaxBandwidthOut: 10 },
        LoginSettings: { KeyIds: ['skey-1'] },
        ClientToken: 'token-1',
      });
      const [id] = r.InstanceIdSet;
      const pending = await describeOne(id);
      assert.equal(pending.InstanceState, 'PENDING');
      assert.equal(pending.LatestOperation, 'RunInstances');
      assert.equal(pending.LatestOperationState, 'OPERATING');
      assert.equal(pending.LatestOperationRequestId, r.RequestId);
      hold.release();
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      const i = await describeOne(id);
      assert.deepEqual(
        {
          state: i.InstanceState,
          type: i.InstanceType,
          cpu: i.CPU,
          mem: i.Memory,
          name: i.InstanceName,
          zone: i.Placement,
          ips: i.PrivateIpAddresses,
          vpc: i.VirtualPrivateCloud,
          disk: i.SystemDisk,
          net: i.InternetAccessible,
          login: i.LoginSettings,
          op: [i.LatestOperation, i.LatestOperationState, i.LatestOperationErrorMsg],
          charge: [i.InstanceChargeType, i.RenewFlag, i.ExpiredTime, i.StopChargingMode],
        },
        {
          state: 'RUNNING',
          type: 'S5.LARGE8',
          cpu: 4,
          mem: 8,
          name: 'web',
          zone: { Zone: 'ap-guangzhou-3', ProjectId: 3, HostIds: [], HostId: '' },
          ips: ['10.0.1.50'],
          vpc: {
            VpcId: net.vpcId,
            SubnetId: net.subnetId,
            AsVpcGateway: false,
            PrivateIpAddresses: ['10.0.1.50'],
            Ipv6AddressCount: 0,
          },
          disk: { DiskType: 'CLOUD_SSD', DiskSize: 80, DiskId: '', CdcId: '' },
          net: { InternetChargeType: 'TRAFFIC_POSTPAID_BY_HOUR', InternetMaxBandwidthOut: 10, PublicIpAssigned: false },
          login: { KeyIds: ['skey-1'] },
          op: ['RunInstances', 'SUCCESS', ''],
          charge: ['POSTPAID_BY_HOUR', null, null, 'NOT_APPLICABLE'],
        },
      );
      assert.match(i.CreatedTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(i.Uuid, /^[0-9a-f-]{36}$/);
      for (const field of ['PublicIpAddresses', 'DataDisks', 'Tags', 'IPv6Addresses', 'SecurityGroupIds']) {
        assert.ok(Array.isArray(i[field]), field);
      }
      // One state: the same instance through v2, with its cores and memory.
      const v2 = await server.client().call('DescribeInstances', { instanceIds: [id] });
      assert.deepEqual([v2.instanceSet[0].cpu, v2.instanceSet[0].mem, v2.instanceSet[0].lanIp], [4, 8, '10.0.1.50']);
    });

    it('RunInstances refuses with the CVM codes', async () => {
      const base = { Placement: { Zone: 'ap-guangzhou-3' }, ImageId: IMAGE };
      const vpc = { VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId } };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ImageId: IMAGE }, 'MissingParameter'],
        [{ Placement: { Zone: 'ap-guangzhou-3' } }, 'MissingParameter'],
        [{ ...base, ImageId: 'ubuntu' }, 'InvalidImageId.Malformed'],
        [{ ...base, Placement: { Zone: 'ap-shanghai-1' } }, 'InvalidZone.MismatchRegion'],
        [{ ...base, InstanceType: 'big' }, 'InvalidInstanceType.Malformed'],
        [{ ...base, InstanceType: 'S5.SMALL0' }, 'InvalidParameterValue.InstanceTypeNotFound'],
        [{ ...base, InstanceCount: 101 }, 'InvalidParameterValue.Range'],
        [{ ...base, InstanceName: 'x'.repeat(129) }, 'InvalidInstanceName.TooLong'],
        [{ ...base, ClientToken: 'x'.repeat(65) }, 'InvalidClientToken.TooLong'],
        [{ ...base, InstanceChargeType: 'CDHPAID' }, 'UnsupportedOperation'],
        [{ ...base, VirtualPrivateCloud: { VpcId: net.vpcId } }, 'MissingParameter'],
        [
          { ...base, VirtualPrivateCloud: { VpcId: 'vpc-1', SubnetId: net.subnetId } },
          'InvalidParameterValue.VpcIdMalformed',
        ],
        [
          { ...base, VirtualPrivateCloud: { VpcId: 'vpc-00000000', SubnetId: net.subnetId } },
          'InvalidParameterValue.VpcIdNotExist',
        ],
        [
          { ...base, VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: 'subnet-00000000' } },
          'InvalidParameterValue.SubnetNotExist',
        ],
        [{ ...base, Placement: { Zone: 'ap-guangzhou-4' }, ...vpc }, 'InvalidParameterValue.SubnetIdZoneIdNotMatch'],
        [
          { ...base, VirtualPrivateCloud: { ...vpc.VirtualPrivateCloud, PrivateIpAddresses: ['10.0.1'] } },
          'InvalidParameter.InvalidIpFormat',
        ],
        [
          { ...base, VirtualPrivateCloud: { ...vpc.VirtualPrivateCloud, PrivateIpAddresses: ['10.0.2.5'] } },
          'VpcAddrNotInSubNet',
        ],
        [
          { ...base, VirtualPrivateCloud: { ...vpc.VirtualPrivateCloud, PrivateIpAddresses: ['10.0.1.50'] } },
          'VpcIpIsUsed',
        ],
        [{ ...base, ...vpc, SecurityGroupIds: ['sg-00000000'] }, 'InvalidSecurityGroupId.NotFound'],
        [{ ...base, ...vpc, SecurityGroupIds: ['sg-1'] }, 'InvalidSgId.Malformed'],
      ];
      for (const [params, code] of cases) isError(await c.call('cvm', 'RunInstances', params), code);
      // DryRun: every check, nothing created.
      const dry = await c.ok('cvm', 'RunInstances', { ...base, ...vpc, DryRun: true });
      assert.deepEqual(dry.InstanceIdSet, []);
    });

    it('stops, starts, reboots and terminates, with per-state refusals', async () => {
      const id = await run();
      isError(
        await c.call('cvm', 'StartInstances', { InstanceIds: [id] }),
        'UnsupportedOperation.InstanceStateRunning',
      );
      // Made first: while a task is held, the worker runs nothing else.
      const eniId = await eni(server.client(), net);
      const hold = holdTasks(server.driver, 'RebootInstances');
      const reboot = await c.ok('cvm', 'RebootInstances', { InstanceIds: [id] });
      assert.equal((await describeOne(id)).InstanceState, 'REBOOTING');
      isError(
        await c.call('cvm', 'StopInstances', { InstanceIds: [id] }),
        'UnsupportedOperation.InstanceStateRebooting',
      );
      // An ENI cannot be attached while the instance reboots.
      isError(
        await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: id }),
        'UnsupportedOperation.InvalidState',
      );
      hold.release();
      assert.equal((await c.waitTask(reboot.RequestId)).Status, 'SUCCESS');
      const stop = await c.ok('cvm', 'StopInstances', { InstanceIds: [id], StopType: 'HARD' });
      await c.waitTask(stop.RequestId);
      const stopped = await describeOne(id);
      assert.deepEqual(
        [stopped.InstanceState, stopped.LatestOperation, stopped.LatestOperationState],
        ['STOPPED', 'StopInstances', 'SUCCESS'],
      );
      isError(await c.call('cvm', 'StopInstances', { InstanceIds: [id] }), 'UnsupportedOperation.InstanceStateStopped');
      isError(
        await c.call('cvm', 'StopInstances', { InstanceIds: [id], ForceStop: true, StopType: 'SOFT' }),
        'InvalidParameterCombination',
      );
      isError(await c.call('cvm', 'StopInstances', { InstanceIds: [id], StopType: 'GENTLE' }), 'InvalidParameterValue');
      await c.waitTask((await c.ok('cvm', 'StartInstances', { InstanceIds: [id, id] })).RequestId);
      const status = await c.ok('cvm', 'DescribeInstancesStatus', { InstanceIds: [id, 'ins-00000000'] });
      assert.deepEqual(status.InstanceStatusSet, [{ InstanceId: id, InstanceState: 'RUNNING' }]);
      await c.waitTask((await c.ok('cvm', 'TerminateInstances', { InstanceIds: [id] })).RequestId);
      assert.equal((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [id] })).TotalCount, 0);
      isError(await c.call('cvm', 'StartInstances', { InstanceIds: [id] }), 'InvalidInstanceId.NotFound');
      isError(await c.call('cvm', 'StartInstances', { InstanceIds: ['i-1'] }), 'InvalidInstanceId.Malformed');
      isError(await c.call('cvm', 'StartInstances', { InstanceIds: [] }), 'MissingParameter');
    });

    it('refuses to terminate a protected instance', async () => {
      const id = await run({ DisableApiTermination: true });
      assert.equal((await describeOne(id)).DisableApiTermination, true);
      isError(
        await c.call('cvm', 'TerminateInstances', { InstanceIds: [id] }),
        'UnsupportedOperation.InstancesProtected',
      );
    });

    it('DescribeInstances filters, pages and refuses bad filters', async () => {
      const id = await run({ InstanceName: 'filter-me' });
      const by = async (Filters: unknown) =>
        (await c.ok('cvm', 'DescribeInstances', { Filters })).InstanceSet.map((i: any) => i.InstanceId);
      assert.deepEqual(await by([{ Name: 'instance-name', Values: ['FILTER-ME'] }]), [id]);
      assert.ok(
        (
          await by([
            { Name: 'vpc-id', Values: [net.vpcId] },
            { Name: 'instance-state', Values: ['RUNNING'] },
          ])
        ).includes(id),
      );
      assert.deepEqual(
        await by([
          { Name: 'instance-id', Values: [id] },
          { Name: 'zone', Values: ['ap-guangzhou-4'] },
        ]),
        [],
      );
      const uuid = (await describeOne(id)).Uuid;
      assert.deepEqual(await by([{ Name: 'uuid', Values: [uuid] }]), [id]);
      assert.deepEqual(await by([{ Name: 'public-ip-address', Values: ['1.2.3.4'] }]), []);
      isError(
        await c.call('cvm', 'DescribeInstances', { Filters: [{ Name: 'colour', Values: ['red'] }] }),
        'InvalidFilter',
      );
      isError(
        await c.call('cvm', 'DescribeInstances', {
          Filters: [{ Name: 'zone', Values: ['a', 'b', 'c', 'd', 'e', 'f'] }],
        }),
        'InvalidFilterValue.LimitExceeded',
      );
      isError(
        await c.call('cvm', 'DescribeInstances', { InstanceIds: [id], Filters: [{ Name: 'zone', Values: ['x'] }] }),
        'InvalidParameter',
      );
      isError(await c.call('cvm', 'DescribeInstances', { Limit: 101 }), 'InvalidParameterValue.LimitExceeded');
      isError(await c.call('cvm', 'DescribeInstances', { InstanceIds: ['ins-1'] }), 'InvalidInstanceId.Malformed');
      isError(
        await c.call('cvm', 'DescribeInstances', { Filters: [{ Name: 'private-ip-address', Values: ['x'] }] }),
        'InvalidParameterValue.IPAddressMalformed',
      );
      // A v2-created instance has a derived type name.
      const v2 = await server.client().run('RunInstances', { zoneId: '100003', cpu: 8, mem: 16, ...net });
      assert.equal((await describeOne(v2.data.instanceIds[0])).InstanceType, 'S5.2XLARGE16');
    });

    it('DescribeZones, DescribeRegions and DescribeInstanceTypeConfigs read the catalogue', async () => {
      const zones = await c.ok('cvm', 'DescribeZones', {});
      assert.deepEqual(zones.ZoneSet[2], {
        Zone: 'ap-guangzhou-3',
        ZoneName: 'Guangzhou Zone 3',
        ZoneId: '100003',
        ZoneState: 'AVAILABLE',
      });
      const zh = sdk3Client(server.port, { language: 'zh-CN' });
      assert.equal((await zh.ok('cvm', 'DescribeZones', {})).ZoneSet[2].ZoneName, '广州三区');
      const regions = await c.ok('cvm', 'DescribeRegions', {});
      assert.deepEqual(regions.RegionSet[0], {
        Region: 'ap-guangzhou',
        RegionName: 'South China (Guangzhou)',
        RegionState: 'AVAILABLE',
      });
      assert.equal((await zh.ok('cvm', 'DescribeRegions', {})).RegionSet[0].RegionName, '华南地区(广州)');
      const types = await c.ok('cvm', 'DescribeInstanceTypeConfigs', {
        Filters: [
          { Name: 'zone', Values: ['ap-guangzhou-3'] },
          { Name: 'instance-type', Values: ['S5.MEDIUM4'] },
        ],
      });
      assert.deepEqual(types.InstanceTypeConfigSet, [
        {
          Zone: 'ap-guangzhou-3',
          InstanceType: 'S5.MEDIUM4',
          InstanceFamily: 'S5',
          GPU: 0,
          CPU: 2,
          Memory: 4,
          FPGA: 0,
          GpuCount: 0,
          GpuType: '',
          GpuMemory: 0,
        },
      ]);
      isError(
        await c.call('cvm', 'DescribeInstanceTypeConfigs', { Filters: [{ Name: 'zone', Values: ['a', 'b'] }] }),
        'InvalidFilterValue.LimitExceeded',
      );
      isError(
        await c.call('cvm', 'DescribeInstanceTypeConfigs', { Filters: [{ Name: 'zone', Values: ['ap-beijing-1'] }] }),
        'InvalidZone.MismatchRegion',
      );
    });
  });
}
