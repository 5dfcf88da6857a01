import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findViolations } from '../../src/cli/check.ts';
import { FAILED_LAUNCH_RETENTION_MS } from '../../src/tasks/worker.ts';
import { backends } from '../support/backends.ts';
import { eni, expectError, vpcWithSubnet } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';

// The CVM instance actions of API 3.0 through the official SDK (api3-vpc-cvm.md §5): RunInstances
// and its codes, the Instance structure field by field, DescribeInstances' filters, the lifecycle
// with its per-state codes, failed launches (D12), and one state seen through both protocols.

const IMAGE = 'img-00000000';
const ZONE = { Zone: 'ap-guangzhou-3' };

/** Every field of the Instance structure (api3-vpc-cvm.md §5.3), in the order it is emitted. */
const INSTANCE_FIELDS = [
  'Placement',
  'InstanceId',
  'InstanceType',
  'CPU',
  'Memory',
  'RestrictState',
  'InstanceName',
  'InstanceChargeType',
  'SystemDisk',
  'DataDisks',
  'PrivateIpAddresses',
  'PublicIpAddresses',
  'InternetAccessible',
  'VirtualPrivateCloud',
  'ImageId',
  'RenewFlag',
  'CreatedTime',
  'ExpiredTime',
  'OsName',
  'SecurityGroupIds',
  'LoginSettings',
  'InstanceState',
  'Tags',
  'StopChargingMode',
  'Uuid',
  'LatestOperation',
  'LatestOperationState',
  'LatestOperationRequestId',
  'LatestOperationErrorMsg',
  'IPv6Addresses',
  'RdmaIpAddresses',
  'DisasterRecoverGroupIds',
  'PublicIPv6Addresses',
  'DisasterRecoverGroupId',
  'CamRoleName',
  'HpcClusterId',
  'DedicatedClusterId',
  'IsolatedSource',
  'LicenseType',
  'DisableApiTermination',
  'DefaultLoginUser',
  'DefaultLoginPort',
  'EnableJumboFrame',
];

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

for (const backend of backends()) {
  describe(`API 3.0 CVM instances [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let net: { vpcId: string; subnetId: string };
    before(async () => {
      server = await startServer(backend);
      c = sdk3Client(server.port);
      net = await vpcWithSubnet(server.client());
    });
    after(() => server.close());

    const vpcOf = (n: { vpcId: string; subnetId: string }, extra: Record<string, unknown> = {}) => ({
      VirtualPrivateCloud: { VpcId: n.vpcId, SubnetId: n.subnetId, ...extra },
    });
    /** RunInstances, waiting for its task; the ids it made. */
    const runAll = async (extra: Record<string, unknown> = {}, status = 'SUCCESS') => {
      const r = await c.ok('cvm', 'RunInstances', {
        Placement: ZONE,
        ImageId: IMAGE,
        InstanceType: 'S5.MEDIUM4',
        ...vpcOf(net),
        ...extra,
      });
      assert.equal((await c.waitTask(r.RequestId)).Status, status);
      return r.InstanceIdSet as string[];
    };
    const run = async (extra: Record<string, unknown> = {}) => (await runAll(extra))[0]!;
    const describeOne = async (id: string) => {
      const r = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [id] });
      assert.equal(r.TotalCount, 1, `${id} should be listed`);
      return r.InstanceSet[0];
    };
    const stateOf = async (id: string) => (await describeOne(id)).InstanceState;
    const waitOk = async (action: string, params: Record<string, unknown>) => {
      const r = await c.ok('cvm', action, params);
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS', action);
      return r;
    };

    it('RunInstances: PENDING at once, then RUNNING with every field of the Instance structure', async () => {
      const sgId = (await server.client().call('CreateSecurityGroup', { sgName: 'web' })).data.sgId;
      const hold = holdTasks(server.driver, 'RunInstances');
      let r;
      try {
        r = await c.ok('cvm', 'RunInstances', {
          Placement: { Zone: 'ap-guangzhou-3', ProjectId: 3 },
          ImageId: IMAGE,
          InstanceType: 'S5.LARGE8',
          InstanceName: 'web',
          InstanceChargeType: 'PREPAID',
          InstanceChargePrepaid: { Period: 1, RenewFlag: 'NOTIFY_AND_AUTO_RENEW' },
          ...vpcOf(net, { PrivateIpAddresses: ['10.0.1.50'], AsVpcGateway: true }),
          SecurityGroupIds: [sgId],
          SystemDisk: { DiskType: 'CLOUD_SSD', DiskSize: 80 },
          DataDisks: [{ DiskType: 'CLOUD_BSSD', DiskSize: 100 }],
          InternetAccessible: { InternetChargeType: 'BANDWIDTH_PREPAID', InternetMaxBandwidthOut: 10 },
          LoginSettings: { KeyIds: ['skey-1'] },
          TagSpecification: [{ ResourceType: 'instance', Tags: [{ Key: 'k', Value: 'v' }] }],
          ClientToken: 'token-1',
          HostName: 'ignored',
        });
        assert.match(r.RequestId, /^[0-9a-f-]{36}$/);
        assert.equal(r.InstanceIdSet.length, 1);
        // Listed at once (Terraform reads right after the call).
        const pending = await describeOne(r.InstanceIdSet[0]);
        assert.deepEqual(
          [pending.InstanceState, pending.LatestOperation, pending.LatestOperationState],
          ['PENDING', 'RunInstances', 'OPERATING'],
        );
        assert.equal(pending.LatestOperationRequestId, r.RequestId);
        assert.deepEqual(pending.PrivateIpAddresses, ['10.0.1.50']);
        const status = await c.ok('cvm', 'DescribeInstancesStatus', { InstanceIds: r.InstanceIdSet });
        assert.deepEqual(status.InstanceStatusSet, [{ InstanceId: r.InstanceIdSet[0], InstanceState: 'PENDING' }]);
      } finally {
        hold.release();
      }
      const task = await c.waitTask(r.RequestId);
      assert.deepEqual(task.Result, [{ ResourceId: r.InstanceIdSet[0], Status: 'SUCCESS' }]);
      const i = await describeOne(r.InstanceIdSet[0]);
      assert.deepEqual(Object.keys(i), INSTANCE_FIELDS);
      const { CreatedTime, Uuid, ...rest } = i;
      assert.match(CreatedTime, ISO_UTC);
      assert.ok(Math.abs(Date.parse(CreatedTime) - Date.now()) < 60_000, CreatedTime);
      assert.match(Uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(rest, {
        Placement: { Zone: 'ap-guangzhou-3', ProjectId: 3, HostIds: [], HostId: '' },
        InstanceId: r.InstanceIdSet[0],
        InstanceType: 'S5.LARGE8',
        CPU: 4,
        Memory: 8,
        RestrictState: 'NORMAL',
        InstanceName: 'web',
        InstanceChargeType: 'PREPAID',
        SystemDisk: { DiskType: 'CLOUD_SSD', DiskSize: 80, DiskId: '', CdcId: '' },
        DataDisks: [{ DiskType: 'CLOUD_BSSD', DiskSize: 100, DiskId: '' }],
        PrivateIpAddresses: ['10.0.1.50'],
        PublicIpAddresses: [],
        InternetAccessible: {
          InternetChargeType: 'BANDWIDTH_PREPAID',
          InternetMaxBandwidthOut: 10,
          PublicIpAssigned: false,
        },
        VirtualPrivateCloud: {
          VpcId: net.vpcId,
          SubnetId: net.subnetId,
          AsVpcGateway: true,
          PrivateIpAddresses: ['10.0.1.50'],
          Ipv6AddressCount: 0,
        },
        ImageId: IMAGE,
        RenewFlag: 'NOTIFY_AND_AUTO_RENEW',
        ExpiredTime: null,
        OsName: i.OsName,
        SecurityGroupIds: [sgId],
        LoginSettings: { KeyIds: ['skey-1'] },
        InstanceState: 'RUNNING',
        Tags: [{ Key: 'k', Value: 'v' }],
        StopChargingMode: 'NOT_APPLICABLE',
        LatestOperation: 'RunInstances',
        LatestOperationState: 'SUCCESS',
        LatestOperationRequestId: r.RequestId,
        LatestOperationErrorMsg: '',
        IPv6Addresses: [],
        RdmaIpAddresses: [],
        DisasterRecoverGroupIds: [],
        PublicIPv6Addresses: [],
        DisasterRecoverGroupId: '',
        CamRoleName: '',
        HpcClusterId: '',
        DedicatedClusterId: '',
        IsolatedSource: 'NOTISOLATED',
        LicenseType: 'TencentCloud',
        DisableApiTermination: false,
        DefaultLoginUser: 'root',
        DefaultLoginPort: 22,
        EnableJumboFrame: false,
      });
      assert.equal(typeof i.OsName, 'string');
      assert.ok(i.OsName.length > 0);
      // One state: the same instance through v2, with its cores, memory and address; its primary ENI.
      const v2 = await server.client().call('DescribeInstances', { instanceIds: [i.InstanceId] });
      const seen = v2.instanceSet[0];
      assert.deepEqual(
        [seen.cpu, seen.mem, seen.lanIp, seen.vpcId, seen.subnetId, seen.status, seen.zoneId],
        [4, 8, '10.0.1.50', net.vpcId, net.subnetId, 2, 100003],
      );
      const enis = await c.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [{ Name: 'attachment.instance-id', Values: [i.InstanceId] }],
      });
      assert.deepEqual(
        enis.NetworkInterfaceSet.map((e: any) => [e.Primary, e.Attachment.DeviceIndex, e.GroupSet]),
        [[true, 0, [sgId]]],
      );
    });

    it('RunInstances: defaults, classic network, zone by number, several instances, CUSTOM types', async () => {
      const classic = await c.ok('cvm', 'RunInstances', { Placement: { Zone: '100002' }, ImageId: IMAGE });
      await c.waitTask(classic.RequestId);
      const ci = await describeOne(classic.InstanceIdSet[0]);
      assert.deepEqual(
        {
          type: [ci.InstanceType, ci.CPU, ci.Memory],
          name: ci.InstanceName,
          zone: ci.Placement.Zone,
          charge: [ci.InstanceChargeType, ci.RenewFlag],
          disk: ci.SystemDisk,
          net: ci.InternetAccessible,
          vpc: ci.VirtualPrivateCloud,
          ips: ci.PrivateIpAddresses,
          groups: ci.SecurityGroupIds,
          login: ci.LoginSettings,
          dataDisks: ci.DataDisks,
        },
        {
          type: ['S5.SMALL1', 1, 1],
          name: '未命名',
          zone: 'ap-guangzhou-2',
          charge: ['POSTPAID_BY_HOUR', null],
          disk: { DiskType: 'CLOUD_PREMIUM', DiskSize: 50, DiskId: '', CdcId: '' },
          net: { InternetChargeType: 'TRAFFIC_POSTPAID_BY_HOUR', InternetMaxBandwidthOut: 0, PublicIpAssigned: false },
          vpc: { VpcId: '', SubnetId: '', AsVpcGateway: false, PrivateIpAddresses: [], Ipv6AddressCount: 0 },
          ips: [],
          groups: [],
          login: { KeyIds: [] },
          dataDisks: [],
        },
      );
      const own = await vpcWithSubnet(server.client(), { subnetCidr: '10.0.2.0/24' });
      const three = await runAll({ ...vpcOf(own), InstanceCount: 3, InstanceType: 'CUSTOM.3C6G' });
      assert.equal(new Set(three).size, 3);
      const views = await c.ok('cvm', 'DescribeInstances', { InstanceIds: three });
      assert.deepEqual(views.InstanceSet.map((i: any) => i.PrivateIpAddresses[0]).sort(), [
        '10.0.2.2',
        '10.0.2.3',
        '10.0.2.4',
      ]);
      assert.deepEqual(
        [...new Set(views.InstanceSet.map((i: any) => `${i.InstanceType} ${i.CPU}/${i.Memory}`))],
        ['CUSTOM.3C6G 3/6'],
      );
      // Chosen addresses, one per instance.
      const chosen = await runAll({
        ...vpcOf(own, { PrivateIpAddresses: ['10.0.2.100', '10.0.2.101'] }),
        InstanceCount: 2,
      });
      const chosenIps = (await c.ok('cvm', 'DescribeInstances', { InstanceIds: chosen })).InstanceSet.map(
        (i: any) => i.PrivateIpAddresses[0],
      );
      assert.deepEqual(chosenIps.sort(), ['10.0.2.100', '10.0.2.101']);
    });

    it('RunInstances refuses with the CVM codes, in the documented order', async () => {
      const base = { Placement: ZONE, ImageId: IMAGE };
      const vpc = vpcOf(net);
      const other = await vpcWithSubnet(server.client(), { cidr: '10.1.0.0/16', subnetCidr: '10.1.1.0/24' });
      const small = await vpcWithSubnet(server.client(), { cidr: '10.2.0.0/16', subnetCidr: '10.2.0.0/28' });
      const ips = (list: string[]) => vpcOf(net, { PrivateIpAddresses: list });
      const cases: Array<[Record<string, unknown>, string, string?]> = [
        [{ ImageId: IMAGE }, 'MissingParameter', 'Placement'],
        [{ Placement: {}, ImageId: IMAGE }, 'MissingParameter', 'Placement.Zone'],
        [{ Placement: ZONE }, 'MissingParameter', 'ImageId'],
        [{ ...base, ImageId: 'ubuntu' }, 'InvalidImageId.Malformed', 'ImageId'],
        [{ ...base, Placement: 'ap-guangzhou-3' }, 'InvalidParameter', 'Placement'],
        [{ ...base, Placement: { Zone: 'ap-shanghai-1' } }, 'InvalidZone.MismatchRegion', 'ap-shanghai-1'],
        [{ ...base, Placement: { Zone: '100009' } }, 'InvalidZone.MismatchRegion', '100009'],
        [{ ...base, InstanceType: 'big' }, 'InvalidInstanceType.Malformed', 'InstanceType'],
        [{ ...base, InstanceType: 's5.small1' }, 'InvalidInstanceType.Malformed', 'InstanceType'],
        [{ ...base, InstanceType: 'S5.SMALL0' }, 'InvalidParameterValue.InstanceTypeNotFound', 'InstanceType'],
        [{ ...base, InstanceType: 'S5.1XLARGE8' }, 'InvalidParameterValue.InstanceTypeNotFound', 'InstanceType'],
        [{ ...base, InstanceCount: 0 }, 'InvalidParameterValue.Range', 'InstanceCount'],
        [{ ...base, InstanceCount: 101 }, 'InvalidParameterValue.Range', 'InstanceCount'],
        [{ ...base, InstanceCount: 'two' }, 'InvalidParameter', 'InstanceCount'],
        [{ ...base, InstanceName: 'x'.repeat(129) }, 'InvalidInstanceName.TooLong', 'InstanceName'],
        [{ ...base, ClientToken: 'x'.repeat(65) }, 'InvalidClientToken.TooLong', 'ClientToken'],
        [{ ...base, InstanceChargeType: 'CDHPAID' }, 'UnsupportedOperation', 'CDHPAID'],
        [{ ...base, InstanceChargeType: 'CDCPAID' }, 'UnsupportedOperation', 'CDCPAID'],
        [{ ...base, InstanceChargeType: 'FREE' }, 'InvalidParameterValue', 'InstanceChargeType'],
        [{ ...base, VirtualPrivateCloud: { VpcId: 'DEFAULT', SubnetId: 'DEFAULT' } }, 'UnsupportedOperation'],
        [{ ...base, VirtualPrivateCloud: { VpcId: net.vpcId } }, 'MissingParameter', 'VirtualPrivateCloud.SubnetId'],
        [{ ...base, VirtualPrivateCloud: { SubnetId: net.subnetId } }, 'MissingParameter'],
        [
          { ...base, VirtualPrivateCloud: { VpcId: 'vpc-1', SubnetId: net.subnetId } },
          'InvalidParameterValue.VpcIdMalformed',
          'VirtualPrivateCloud.VpcId',
        ],
        [
          { ...base, VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: 'subnet' } },
          'InvalidParameterValue.SubnetIdMalformed',
          'VirtualPrivateCloud.SubnetId',
        ],
        [
          { ...base, VirtualPrivateCloud: { VpcId: 'vpc-00000000', SubnetId: net.subnetId } },
          'InvalidParameterValue.VpcIdNotExist',
          'vpc-00000000',
        ],
        [
          { ...base, VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: 'subnet-00000000' } },
          'InvalidParameterValue.SubnetNotExist',
          'subnet-00000000',
        ],
        [
          { ...base, VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: other.subnetId } },
          'InvalidParameterValue.VpcIdSubnetIdNotMatch',
          other.subnetId,
        ],
        [{ ...base, ...vpc, SecurityGroupIds: ['sg-1'] }, 'InvalidSgId.Malformed', 'SecurityGroupIds.0'],
        [{ ...base, ...vpc, SecurityGroupIds: ['sg-00000000'] }, 'InvalidSecurityGroupId.NotFound', 'sg-00000000'],
        [
          { ...base, ...vpc, SecurityGroupIds: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5', 'sg-6'] },
          'InvalidParameterValue.LimitExceeded',
          'SecurityGroupIds',
        ],
        // Security groups without a VPC: the v2 rule (classic instances have none).
        [{ ...base, SecurityGroupIds: ['sg-00000000'] }, 'InvalidParameterCombination', 'SecurityGroupIds'],
        [{ ...base, Placement: { Zone: 'ap-guangzhou-4' }, ...vpc }, 'InvalidParameterValue.SubnetIdZoneIdNotMatch'],
        [
          { ...base, ...ips(['10.0.1']) },
          'InvalidParameter.InvalidIpFormat',
          'VirtualPrivateCloud.PrivateIpAddresses.0',
        ],
        [
          { ...base, ...ips(Array.from({ length: 21 }, (_, n) => `10.0.1.${n + 10}`)), InstanceCount: 21 },
          'InvalidParameterValue',
        ],
        [
          { ...base, ...ips(['10.0.1.60', '10.0.1.61']) },
          'InvalidParameterValue',
          'VirtualPrivateCloud.PrivateIpAddresses',
        ],
        [{ ...base, ...ips(['10.0.2.5']) }, 'VpcAddrNotInSubNet', '10.0.2.5'],
        [{ ...base, ...ips(['10.0.1.255']) }, 'InvalidParameterValue', 'reserved'],
        [{ ...base, ...ips(['10.0.1.50']) }, 'VpcIpIsUsed', '10.0.1.50'],
        [
          { ...base, ...vpcOf(small), InstanceCount: 14 },
          'FailedOperation.NoAvailableIpAddressCountInSubnet',
          small.subnetId,
        ],
        // Precedence: a missing VPC before a zone mismatch.
        [
          {
            ...base,
            Placement: { Zone: 'ap-guangzhou-4' },
            VirtualPrivateCloud: { VpcId: 'vpc-00000000', SubnetId: net.subnetId },
          },
          'InvalidParameterValue.VpcIdNotExist',
        ],
      ];
      for (const [params, code, mentions] of cases) {
        isError(await c.call('cvm', 'RunInstances', params), code, mentions);
      }
      // A /28 has 13 usable addresses: 14 instances do not fit, 13 do.
      assert.equal((await runAll({ ...vpcOf(small), InstanceCount: 13 })).length, 13);
    });

    it('DryRun runs every check, creates nothing and answers an empty InstanceIdSet', async () => {
      const before = (await c.ok('cvm', 'DescribeInstances', { Limit: 100 })).TotalCount;
      const devices = async () => (await server.client().call('DescribeSubnetEx', { subnetId: net.subnetId })).data[0];
      const subnetBefore = await devices();
      const dry = await c.ok('cvm', 'RunInstances', { Placement: ZONE, ImageId: IMAGE, ...vpcOf(net), DryRun: true });
      assert.deepEqual(dry.InstanceIdSet, []);
      assert.match(dry.RequestId, /^[0-9a-f-]{36}$/);
      isError(await c.call('vpc', 'DescribeVpcTaskResult', { TaskId: dry.RequestId }), 'ResourceNotFound');
      isError(
        await c.call('cvm', 'RunInstances', {
          Placement: ZONE,
          ImageId: IMAGE,
          ...vpcOf(net, { PrivateIpAddresses: ['10.0.1.50'] }),
          DryRun: true,
        }),
        'VpcIpIsUsed',
      );
      assert.equal((await c.ok('cvm', 'DescribeInstances', { Limit: 100 })).TotalCount, before);
      const subnetAfter = await devices();
      assert.deepEqual(
        [subnetAfter.vpcDevices, subnetAfter.availableIPNum],
        [subnetBefore.vpcDevices, subnetBefore.availableIPNum],
      );
    });

    it('stops (with its mode), starts, reboots and terminates; refuses by the current state', async () => {
      const id = await run();
      const eniId = await eni(server.client(), net);
      isError(
        await c.call('cvm', 'StartInstances', { InstanceIds: [id] }),
        'UnsupportedOperation.InstanceStateRunning',
        id,
      );
      // Reboot: REBOOTING while its task runs, transitional for every rule.
      let hold = holdTasks(server.driver, 'RebootInstances');
      let requestId: string;
      try {
        requestId = (await c.ok('cvm', 'RebootInstances', { InstanceIds: [id], StopType: 'SOFT' })).RequestId;
        const seen = await describeOne(id);
        assert.deepEqual(
          [seen.InstanceState, seen.LatestOperation, seen.LatestOperationState, seen.LatestOperationRequestId],
          ['REBOOTING', 'RebootInstances', 'OPERATING', requestId],
        );
        for (const action of ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances']) {
          isError(
            await c.call('cvm', action, { InstanceIds: [id] }),
            'UnsupportedOperation.InstanceStateRebooting',
            id,
          );
        }
        isError(
          await c.call('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: id }),
          'UnsupportedOperation.InvalidState',
        );
        // v2 sees status 7, refused like any transitional status.
        assert.equal((await server.client().call('DescribeInstances', { instanceIds: [id] })).instanceSet[0].status, 7);
        expectError(
          await server.client().call('StopInstances', { instanceIds: [id] }),
          5100,
          'UnsupportedOperation.InvalidState',
        );
      } finally {
        hold.release();
      }
      assert.equal((await c.waitTask(requestId)).Status, 'SUCCESS');
      assert.equal(await stateOf(id), 'RUNNING');
      // Stop with STOP_CHARGING: STOPPING, then STOPPED showing the mode.
      hold = holdTasks(server.driver, 'StopInstances');
      try {
        requestId = (
          await c.ok('cvm', 'StopInstances', { InstanceIds: [id], StopType: 'HARD', StoppedMode: 'STOP_CHARGING' })
        ).RequestId;
        const seen = await describeOne(id);
        assert.deepEqual([seen.InstanceState, seen.StopChargingMode], ['STOPPING', 'NOT_APPLICABLE']);
        isError(
          await c.call('cvm', 'StartInstances', { InstanceIds: [id] }),
          'UnsupportedOperation.InstanceStateStopping',
        );
      } finally {
        hold.release();
      }
      await c.waitTask(requestId);
      const stopped = await describeOne(id);
      assert.deepEqual(
        [stopped.InstanceState, stopped.StopChargingMode, stopped.LatestOperation, stopped.LatestOperationState],
        ['STOPPED', 'STOP_CHARGING', 'StopInstances', 'SUCCESS'],
      );
      for (const action of ['StopInstances', 'RebootInstances']) {
        isError(await c.call('cvm', action, { InstanceIds: [id] }), 'UnsupportedOperation.InstanceStateStopped', id);
      }
      // Start: STARTING, then RUNNING; repeated ids count once.
      hold = holdTasks(server.driver, 'StartInstances');
      try {
        requestId = (await c.ok('cvm', 'StartInstances', { InstanceIds: [id, id] })).RequestId;
        assert.equal(await stateOf(id), 'STARTING');
        isError(
          await c.call('cvm', 'TerminateInstances', { InstanceIds: [id] }),
          'UnsupportedOperation.InstanceStateStarting',
        );
      } finally {
        hold.release();
      }
      await c.waitTask(requestId);
      assert.deepEqual(
        [(await describeOne(id)).InstanceState, (await describeOne(id)).StopChargingMode],
        ['RUNNING', 'NOT_APPLICABLE'],
      );
      // A plain stop keeps charging.
      await waitOk('StopInstances', { InstanceIds: [id] });
      assert.equal((await describeOne(id)).StopChargingMode, 'KEEP_CHARGING');
      // Terminate a stopped instance: TERMINATING, then gone; its secondary ENI is kept.
      await waitOk('StartInstances', { InstanceIds: [id] });
      await server
        .client()
        .run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId, instanceId: id });
      hold = holdTasks(server.driver, 'TerminateInstances');
      try {
        requestId = (await c.ok('cvm', 'TerminateInstances', { InstanceIds: [id], ReleaseAddress: true })).RequestId;
        assert.equal(await stateOf(id), 'TERMINATING');
        isError(
          await c.call('cvm', 'TerminateInstances', { InstanceIds: [id] }),
          'UnsupportedOperation.InstanceStateTerminating',
        );
      } finally {
        hold.release();
      }
      await c.waitTask(requestId);
      assert.equal((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [id] })).TotalCount, 0);
      assert.equal((await c.ok('cvm', 'DescribeInstancesStatus', { InstanceIds: [id] })).TotalCount, 0);
      const kept = await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] });
      assert.equal(kept.NetworkInterfaceSet[0].Attachment, null);
      for (const action of ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances']) {
        isError(await c.call('cvm', action, { InstanceIds: [id] }), 'InvalidInstanceId.NotFound', id);
      }
    });

    it('lifecycle refusals: bad lists, unknown ids, combinations, a pending instance, an ENI task', async () => {
      const id = await run();
      for (const action of ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances']) {
        isError(await c.call('cvm', action, {}), 'MissingParameter', 'InstanceIds');
        isError(await c.call('cvm', action, { InstanceIds: [] }), 'MissingParameter', 'InstanceIds');
        isError(await c.call('cvm', action, { InstanceIds: ['i-1'] }), 'InvalidInstanceId.Malformed', 'InstanceIds.0');
        isError(
          await c.call('cvm', action, { InstanceIds: Array.from({ length: 101 }, () => id) }),
          'InvalidParameterValue.LimitExceeded',
          'InstanceIds',
        );
        isError(
          await c.call('cvm', action, { InstanceIds: [id, 'ins-00000000'] }),
          'InvalidInstanceId.NotFound',
          'ins-00000000',
        );
      }
      isError(
        await c.call('cvm', 'StopInstances', { InstanceIds: [id], ForceStop: true, StopType: 'SOFT' }),
        'InvalidParameterCombination',
      );
      isError(
        await c.call('cvm', 'RebootInstances', { InstanceIds: [id], ForceReboot: false, StopType: 'HARD' }),
        'InvalidParameterCombination',
      );
      isError(
        await c.call('cvm', 'StopInstances', { InstanceIds: [id], StopType: 'GENTLE' }),
        'InvalidParameterValue',
        'StopType',
      );
      isError(
        await c.call('cvm', 'StopInstances', { InstanceIds: [id], StoppedMode: 'FREE' }),
        'InvalidParameterValue',
        'StoppedMode',
      );
      isError(
        await c.call('cvm', 'RebootInstances', { InstanceIds: [id], StopType: 'GENTLE' }),
        'InvalidParameterValue',
        'StopType',
      );
      // The deprecated flag alone is fine.
      await waitOk('RebootInstances', { InstanceIds: [id], ForceReboot: true });
      // An ENI task in flight on the instance: OperationDenied before any state rule.
      const eniId = await eni(server.client(), net);
      const hold = holdTasks(server.driver, 'AttachNetworkInterface');
      let attach: string;
      try {
        attach = (await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: eniId, InstanceId: id })).RequestId;
        for (const action of ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances']) {
          isError(
            await c.call('cvm', action, { InstanceIds: [id] }),
            'OperationDenied.InstanceOperationInProgress',
            id,
          );
        }
      } finally {
        hold.release();
      }
      assert.equal((await c.waitTask(attach)).Status, 'SUCCESS');
      // Being created: PENDING refuses every lifecycle action.
      const held = holdTasks(server.driver, 'RunInstances');
      let pending: string;
      let runId: string;
      try {
        const r = await c.ok('cvm', 'RunInstances', { Placement: ZONE, ImageId: IMAGE, ...vpcOf(net) });
        [pending, runId] = [r.InstanceIdSet[0], r.RequestId];
        for (const action of ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances']) {
          isError(
            await c.call('cvm', action, { InstanceIds: [pending] }),
            'UnsupportedOperation.InstanceStatePending',
            pending,
          );
        }
      } finally {
        held.release();
      }
      await c.waitTask(runId);
      assert.equal(await stateOf(pending), 'RUNNING');
    });

    it('a lifecycle task that fails: the previous state, LatestOperationState FAILED with its message', async () => {
      const id = await run();
      server.driver.injectFailure({ type: 'StopInstances', message: 'the host did not answer' });
      const r = await c.ok('cvm', 'StopInstances', { InstanceIds: [id] });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'FAILED');
      const i = await describeOne(id);
      assert.deepEqual(
        [
          i.InstanceState,
          i.LatestOperation,
          i.LatestOperationState,
          i.LatestOperationRequestId,
          i.LatestOperationErrorMsg,
        ],
        ['RUNNING', 'StopInstances', 'FAILED', r.RequestId, 'the host did not answer'],
      );
    });

    it('refuses to terminate a protected instance, through either protocol', async () => {
      const id = await run({ DisableApiTermination: true });
      assert.equal((await describeOne(id)).DisableApiTermination, true);
      isError(
        await c.call('cvm', 'TerminateInstances', { InstanceIds: [id] }),
        'UnsupportedOperation.InstancesProtected',
        id,
      );
      expectError(
        await server.client().call('TerminateInstances', { instanceIds: [id] }),
        5100,
        'UnsupportedOperation.InvalidState',
        id,
      );
      // Protection is about termination only.
      await waitOk('StopInstances', { InstanceIds: [id] });
      isError(
        await c.call('cvm', 'TerminateInstances', { InstanceIds: [id] }),
        'UnsupportedOperation.InstancesProtected',
      );
      assert.equal(await stateOf(id), 'STOPPED');
    });

    it('a failed launch: LAUNCH_FAILED for 3.0 with its network released, a full rollback for v2, purged after an hour', async () => {
      const own = await vpcWithSubnet(server.client(), { cidr: '10.3.0.0/16', subnetCidr: '10.3.0.0/24' });
      const v2 = server.client();
      const freeBefore = (await v2.call('DescribeSubnetEx', { subnetId: own.subnetId })).data[0].availableIPNum;
      server.driver.injectFailure({ type: 'RunInstances', message: 'no host has room' });
      const r = await c.ok('cvm', 'RunInstances', { Placement: ZONE, ImageId: IMAGE, ...vpcOf(own), InstanceCount: 2 });
      const task = await c.waitTask(r.RequestId);
      assert.deepEqual([task.Status, task.Output], ['FAILED', 'no host has room']);
      const [a, b] = r.InstanceIdSet as string[];
      const failed = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [a, b] });
      assert.equal(failed.TotalCount, 2);
      const i = failed.InstanceSet.find((x: any) => x.InstanceId === a);
      assert.deepEqual(
        {
          state: i.InstanceState,
          op: [i.LatestOperation, i.LatestOperationState, i.LatestOperationRequestId, i.LatestOperationErrorMsg],
          ips: i.PrivateIpAddresses,
          vpc: i.VirtualPrivateCloud,
          groups: i.SecurityGroupIds,
        },
        {
          state: 'LAUNCH_FAILED',
          op: ['RunInstances', 'FAILED', r.RequestId, 'no host has room'],
          ips: [],
          vpc: {
            VpcId: own.vpcId,
            SubnetId: own.subnetId,
            AsVpcGateway: false,
            PrivateIpAddresses: [],
            Ipv6AddressCount: 0,
          },
          groups: [],
        },
      );
      const status = await c.ok('cvm', 'DescribeInstancesStatus', { InstanceIds: [a] });
      assert.deepEqual(status.InstanceStatusSet, [{ InstanceId: a, InstanceState: 'LAUNCH_FAILED' }]);
      const byState = await c.ok('cvm', 'DescribeInstances', {
        Filters: [{ Name: 'instance-state', Values: ['LAUNCH_FAILED'] }],
      });
      assert.deepEqual(byState.InstanceSet.map((x: any) => x.InstanceId).sort(), [a, b].sort());
      // 3.0: refused by its state.
      for (const action of ['StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances']) {
        isError(await c.call('cvm', action, { InstanceIds: [a] }), 'UnsupportedOperation.InstanceStateLaunchFailed', a);
      }
      // Nothing of the network is held: no ENI, the addresses free again.
      const enis = await c.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }],
      });
      assert.equal(enis.TotalCount, 0);
      // v2: as if nothing had been created.
      const listed = await v2.call('DescribeInstances', { instanceIds: [a, b] });
      assert.equal(listed.totalCount, 0);
      assert.ok(!(await v2.call('DescribeInstances', { limit: 100 })).instanceSet.some((x: any) => x.instanceId === a));
      for (const action of ['StartInstances', 'StopInstances', 'TerminateInstances']) {
        expectError(await v2.call(action, { instanceIds: [a] }), 5000, 'InvalidInstance.NotFound', a);
      }
      const eniId = await eni(v2, own);
      expectError(
        await v2.call('AttachNetworkInterface', { vpcId: own.vpcId, networkInterfaceId: eniId, instanceId: a }),
        5000,
        'InvalidInstance.NotFound',
      );
      const row = (await v2.call('DescribeSubnetEx', { subnetId: own.subnetId })).data[0];
      assert.deepEqual([row.availableIPNum, row.vpcDevices], [freeBefore - 1 /* the ENI just made */, 0]);
      assert.deepEqual(await findViolations(server.app.db), []);
      // Its subnet can go, the failed launch does not hold it (v2 saw no instance in it).
      await v2.run('DeleteNetworkInterface', { vpcId: own.vpcId, networkInterfaceId: eniId });
      assert.equal((await v2.call('DeleteSubnet', { vpcId: own.vpcId, subnetId: own.subnetId })).code, 0);
      // Housekeeping keeps it for an hour, then purges it.
      await server.app.worker.housekeeping(Date.now() + FAILED_LAUNCH_RETENTION_MS - 60_000);
      assert.equal((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [a, b] })).TotalCount, 2);
      await server.app.worker.housekeeping(Date.now() + FAILED_LAUNCH_RETENTION_MS + 60_000);
      assert.equal((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [a, b] })).TotalCount, 0);
      isError(await c.call('cvm', 'StartInstances', { InstanceIds: [a] }), 'InvalidInstanceId.NotFound');
    });

    it('DescribeInstances: each filter, paging newest first, and its refusals', async () => {
      const own = await vpcWithSubnet(server.client(), { cidr: '10.4.0.0/16', subnetCidr: '10.4.0.0/24' });
      const sgId = (await server.client().call('CreateSecurityGroup', { sgName: 'f' })).data.sgId;
      const started = new Date(Date.now() - 1000);
      const ids = await runAll({
        ...vpcOf(own),
        InstanceCount: 3,
        InstanceName: 'Filter-Me',
        Placement: { Zone: 'ap-guangzhou-3', ProjectId: 7 },
        InstanceChargeType: 'SPOTPAID',
        SecurityGroupIds: [sgId],
      });
      const [x] = ids;
      const xi = await describeOne(x!);
      const by = async (Filters: unknown, extra: Record<string, unknown> = {}) => {
        const r = await c.ok('cvm', 'DescribeInstances', { Filters, Limit: 100, ...extra });
        return (r.InstanceSet as any[]).map((i) => i.InstanceId).sort();
      };
      const mine = [...ids].sort();
      const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      const matches: Array<[string, string[], string[]]> = [
        ['instance-name', ['filter-ME'], mine],
        ['vpc-id', [own.vpcId], mine],
        ['subnet-id', [own.subnetId], mine],
        ['instance-id', [x!, 'ins-00000000'], [x!]],
        ['uuid', [xi.Uuid], [x!]],
        ['security-group-id', [sgId], mine],
        ['private-ip-address', [xi.PrivateIpAddresses[0]], [x!]],
        ['project-id', ['7'], mine],
        ['instance-charge-type', ['SPOTPAID'], mine],
        ['creation-start-time', [beijing(started)], mine],
      ];
      for (const [Name, Values, want] of matches) {
        const got = await by([
          { Name, Values },
          { Name: 'vpc-id', Values: [own.vpcId] },
        ]);
        assert.deepEqual(got, want, Name);
      }
      const none: Array<[string, string[]]> = [
        ['zone', ['ap-guangzhou-4']],
        ['instance-state', ['STOPPED', 'SHUTDOWN']],
        ['project-id', ['0']],
        ['instance-charge-type', ['POSTPAID_BY_HOUR']],
        ['creation-end-time', [beijing(started)]],
        ['public-ip-address', ['1.2.3.4']],
        ['ipv6-address', ['::1']],
        ['host-id', ['host-1']],
        ['dedicated-cluster-id', ['dc-1']],
        ['tag-key', ['k']],
        ['tag-value', ['v']],
        ['tag:k', ['v']],
        ['uuid', ['no-such-uuid']],
        ['instance-name', []],
        ['creation-start-time', []],
      ];
      for (const [Name, Values] of none) {
        assert.deepEqual(
          await by([
            { Name, Values },
            { Name: 'vpc-id', Values: [own.vpcId] },
          ]),
          [],
          Name,
        );
      }
      assert.deepEqual(
        await by([
          { Name: 'zone', Values: ['ap-guangzhou-3', '100004'] },
          { Name: 'vpc-id', Values: [own.vpcId] },
        ]),
        mine,
      );
      assert.deepEqual(
        await by([
          { Name: 'instance-state', Values: ['RUNNING'] },
          { Name: 'vpc-id', Values: [own.vpcId] },
        ]),
        mine,
      );
      // Default charge type and project for instances that did not say (v2 ones too).
      const v2made = (await server.client().run('RunInstances', { zoneId: '100003', cpu: 8, mem: 16, ...own })).data
        .instanceIds[0];
      assert.deepEqual(
        await by([
          { Name: 'instance-charge-type', Values: ['POSTPAID_BY_HOUR'] },
          { Name: 'vpc-id', Values: [own.vpcId] },
        ]),
        [v2made],
      );
      assert.deepEqual(
        await by([
          { Name: 'project-id', Values: ['0'] },
          { Name: 'vpc-id', Values: [own.vpcId] },
        ]),
        [v2made],
      );
      // Paging: newest first (the v2 one), ties by id; TotalCount before paging.
      const page = await c.ok('cvm', 'DescribeInstances', {
        Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }],
        Offset: 1,
        Limit: 2,
      });
      assert.equal(page.TotalCount, 4);
      assert.deepEqual(
        page.InstanceSet.map((i: any) => i.InstanceId),
        [...ids].sort().reverse().slice(0, 2),
      );
      const first = await c.ok('cvm', 'DescribeInstances', {
        Filters: [{ Name: 'vpc-id', Values: [own.vpcId] }],
        Limit: 1,
      });
      assert.deepEqual(
        first.InstanceSet.map((i: any) => i.InstanceId),
        [v2made],
      );
      // A v2-created instance shows a type named from its size.
      assert.equal((await describeOne(v2made)).InstanceType, 'S5.2XLARGE16');
      // Ids: unknown ones are simply absent; ids and paging combine.
      const some = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [x, 'ins-00000000'], Offset: 0, Limit: 5 });
      assert.deepEqual([some.TotalCount, some.InstanceSet.map((i: any) => i.InstanceId)], [1, [x]]);
      const refusals: Array<[Record<string, unknown>, string, string?]> = [
        [{ Filters: [{ Name: 'colour', Values: ['red'] }] }, 'InvalidFilter', 'colour'],
        [{ Filters: ['zone'] }, 'InvalidFilter'],
        [{ Filters: [{ Name: 'zone', Values: 'ap-guangzhou-3' }] }, 'InvalidFilter'],
        [
          { Filters: [{ Name: 'zone', Values: ['a', 'b', 'c', 'd', 'e', 'f'] }] },
          'InvalidFilterValue.LimitExceeded',
          'Filters.0.Values',
        ],
        [
          { Filters: Array.from({ length: 11 }, () => ({ Name: 'zone', Values: ['ap-guangzhou-3'] })) },
          'InvalidParameterValue.LimitExceeded',
          'Filters',
        ],
        [
          { InstanceIds: [x], Filters: [{ Name: 'zone', Values: ['ap-guangzhou-3'] }] },
          'InvalidParameter',
          'InstanceIds',
        ],
        [{ InstanceIds: Array.from({ length: 101 }, () => x) }, 'InvalidParameterValue.LimitExceeded', 'InstanceIds'],
        [{ InstanceIds: ['ins-1'] }, 'InvalidInstanceId.Malformed', 'InstanceIds.0'],
        [{ Filters: [{ Name: 'instance-id', Values: ['ins-1'] }] }, 'InvalidInstanceId.Malformed'],
        [{ Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] }, 'InvalidParameterValue.VpcIdMalformed'],
        [{ Filters: [{ Name: 'subnet-id', Values: ['subnet-1'] }] }, 'InvalidParameterValue.SubnetIdMalformed'],
        [{ Filters: [{ Name: 'security-group-id', Values: ['sg-1'] }] }, 'InvalidSgId.Malformed'],
        [
          { Filters: [{ Name: 'private-ip-address', Values: ['10.0.0.256'] }] },
          'InvalidParameterValue.IPAddressMalformed',
        ],
        [{ Filters: [{ Name: 'zone', Values: ['ap-beijing-1'] }] }, 'InvalidZone.MismatchRegion', 'ap-beijing-1'],
        [
          { Filters: [{ Name: 'creation-start-time', Values: ['2026-01-01'] }] },
          'InvalidParameterValue.InvalidTimeFormat',
        ],
        [
          { Filters: [{ Name: 'creation-end-time', Values: ['yesterday'] }] },
          'InvalidParameterValue.InvalidTimeFormat',
        ],
        [{ Filters: [{ Name: 'instance-state', Values: ['ASLEEP'] }] }, 'InvalidParameterValue', 'instance-state'],
        [{ Limit: 101 }, 'InvalidParameterValue.LimitExceeded', 'Limit'],
        [{ Offset: -1 }, 'InvalidParameterValue', 'Offset'],
        [{ Limit: 'many' }, 'InvalidParameter', 'Limit'],
      ];
      for (const [params, code, mentions] of refusals) {
        isError(await c.call('cvm', 'DescribeInstances', params), code, mentions);
      }
      // DescribeInstancesStatus: the same listing, ids and paging.
      const statuses = await c.ok('cvm', 'DescribeInstancesStatus', {
        InstanceIds: [...ids, 'ins-00000000'],
        Limit: 2,
      });
      assert.equal(statuses.TotalCount, 3);
      assert.deepEqual(
        statuses.InstanceStatusSet,
        [...ids]
          .sort()
          .reverse()
          .slice(0, 2)
          .map((id) => ({ InstanceId: id, InstanceState: 'RUNNING' })),
      );
      isError(await c.call('cvm', 'DescribeInstancesStatus', { InstanceIds: ['x'] }), 'InvalidInstanceId.Malformed');
      isError(await c.call('cvm', 'DescribeInstancesStatus', { Limit: 101 }), 'InvalidParameterValue.LimitExceeded');
      isError(
        await c.call('cvm', 'DescribeInstancesStatus', { InstanceIds: Array.from({ length: 101 }, () => x) }),
        'InvalidParameterValue.LimitExceeded',
      );
    });

    it('one state, two protocols: a 3.0 instance takes a v2 ENI; a v2 instance is driven through 3.0', async () => {
      const id = await run({ InstanceType: 'S5.LARGE8' });
      const v2 = server.client();
      const eniId = await eni(v2, net);
      const attached = await v2.run('AttachNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: eniId,
        instanceId: id,
      });
      assert.equal(attached.task.data.status, 0);
      const seen = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, networkInterfaceId: eniId });
      assert.equal(seen.data.data[0].instanceSet.instanceId, id);
      // 4 cores 8 GiB: 4 ENIs per instance, 10 addresses per ENI.
      const limit = await c.ok('vpc', 'DescribeNetworkInterfaceLimit', { InstanceId: id });
      assert.deepEqual([limit.EniQuantity, limit.EniPrivateIpAddressQuantity], [4, 10]);
      const made = (await v2.run('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, ...net })).data.instanceIds[0];
      const i = await describeOne(made);
      assert.deepEqual(
        [i.InstanceType, i.CPU, i.Memory, i.ImageId, i.InstanceChargeType, i.LatestOperation, i.LatestOperationState],
        ['S5.MEDIUM4', 2, 4, '', 'POSTPAID_BY_HOUR', 'RunInstances', 'SUCCESS'],
      );
      await waitOk('StopInstances', { InstanceIds: [made] });
      assert.equal((await v2.call('DescribeInstances', { instanceIds: [made] })).instanceSet[0].status, 4);
      assert.equal((await v2.run('TerminateInstances', { instanceIds: [made] })).task.data.status, 0);
      assert.equal((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [made] })).TotalCount, 0);
    });
  });

  describe(`API 3.0 CVM quota [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_ENIS: '2' });
    });
    after(() => server.close());

    it('RunInstances answers LimitExceeded.InstanceQuota when the primary ENIs would pass the VPC quota', async () => {
      const c = sdk3Client(server.port);
      const net = await vpcWithSubnet(server.client());
      const params = {
        Placement: ZONE,
        ImageId: IMAGE,
        VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId },
      };
      isError(
        await c.call('cvm', 'RunInstances', { ...params, InstanceCount: 3 }),
        'LimitExceeded.InstanceQuota',
        net.vpcId,
      );
      const r = await c.ok('cvm', 'RunInstances', { ...params, InstanceCount: 2 });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      isError(await c.call('cvm', 'RunInstances', params), 'LimitExceeded.InstanceQuota');
      // Classic instances take no ENI.
      const classic = await c.ok('cvm', 'RunInstances', { Placement: ZONE, ImageId: IMAGE });
      assert.equal(classic.InstanceIdSet.length, 1);
      await c.waitTask(classic.RequestId);
    });
  });
}
