import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow, describeEni, eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';

// The ENI actions of vpc 2017-03-12 through the official 3.0 SDK: CreateNetworkInterface,
// DescribeNetworkInterfaces (every filter), DeleteNetworkInterface, ModifyNetworkInterfaceAttribute,
// CreateAndAttachNetworkInterface, DescribeNetworkInterfaceLimit, Associate/Disassociate-
// NetworkInterfaceSecurityGroups and ModifyNetworkInterfaceQos; made through one protocol, seen
// and used through the other.

type Net = { vpcId: string; subnetId: string };

const MAC = /^20:90:6F(:[0-9A-F]{2}){3}$/;

for (const backend of backends()) {
  describe(`API 3.0 ENI actions [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let v2: Client;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '500' });
      c = sdk3Client(server.port);
      v2 = server.client();
    });
    after(() => server.close());

    async function group(name = 'g'): Promise<string> {
      const r = await v2.call('CreateSecurityGroup', { sgName: name });
      assert.equal(r.code, 0, r.message);
      return r.data.sgId;
    }

    /** CreateNetworkInterface through 3.0, waited for; the answer's NetworkInterface. */
    async function create(net: Net, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
      const r = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: net.vpcId,
        SubnetId: net.subnetId,
        NetworkInterfaceName: 'eni3',
        ...extra,
      });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      return r.NetworkInterface;
    }

    async function describeOne(eniId: string, client = c): Promise<Record<string, any>> {
      const r = await client.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] });
      assert.equal(r.TotalCount, 1);
      assert.equal(r.NetworkInterfaceSet.length, 1);
      return r.NetworkInterfaceSet[0];
    }

    const settled = (e: Record<string, any>) => ({
      ...e,
      State: 'AVAILABLE',
      NetworkInterfaceState: e.Attachment ? 'INUSE' : 'AVAILABLE',
      PrivateIpAddressSet: e.PrivateIpAddressSet.map((i: Record<string, unknown>) => ({ ...i, State: 'AVAILABLE' })),
    });

    describe('CreateNetworkInterface', () => {
      it('answers the whole new ENI, PENDING with its addresses, then AVAILABLE; v2 sees the same ENI', async () => {
        const net = await vpcWithSubnet(v2);
        const [g1, g2] = [await group('g1'), await group('g2')];
        const r = await c.ok('vpc', 'CreateNetworkInterface', {
          VpcId: net.vpcId,
          SubnetId: net.subnetId,
          NetworkInterfaceName: 'web',
          NetworkInterfaceDescription: 'front tier',
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true, Description: 'main' }],
          SecondaryPrivateIpAddressCount: 2,
          SecurityGroupIds: [g2, g1],
          QosLevel: 'AU',
          TrunkingFlag: 'Disable',
          IsRdma: false,
          ClientToken: 'token-1',
          Tags: [{ Key: 'team', Value: 'net' }],
        });
        assert.match(r.RequestId, /^[0-9a-f-]{36}$/);
        const e = r.NetworkInterface;
        assert.match(e.NetworkInterfaceId, /^eni-[a-z0-9]{8}$/);
        assert.match(e.MacAddress, MAC);
        assertBeijingNow(e.CreatedTime);
        const ip = (addr: string, primary: boolean, description = '') => ({
          PrivateIpAddress: addr,
          Primary: primary,
          PublicIpAddress: '',
          AddressId: '',
          Description: description,
          IsWanIpBlocked: false,
          State: 'PENDING',
          QosLevel: 'AU',
        });
        assert.deepEqual(e, {
          NetworkInterfaceId: e.NetworkInterfaceId,
          NetworkInterfaceName: 'web',
          NetworkInterfaceDescription: 'front tier',
          SubnetId: net.subnetId,
          VpcId: net.vpcId,
          GroupSet: [g2, g1],
          Primary: false,
          MacAddress: e.MacAddress,
          State: 'PENDING',
          NetworkInterfaceState: 'PENDING',
          // The flagged address is the primary; counted ones are the lowest free (.0, .1 and .255 are reserved).
          PrivateIpAddressSet: [ip('10.0.1.10', true, 'main'), ip('10.0.1.2', false), ip('10.0.1.3', false)],
          Attachment: null,
          Zone: 'ap-guangzhou-3',
          CreatedTime: e.CreatedTime,
          Ipv6AddressSet: [],
          TagSet: [{ Key: 'team', Value: 'net' }],
          EniType: 0,
          Business: 'cvm',
          CdcId: '',
          AttachType: 0,
          ResourceId: '',
          QosLevel: 'AU',
        });
        const task = await c.waitTask(r.RequestId);
        assert.deepEqual(
          { Status: task.Status, Output: task.Output, Result: task.Result },
          { Status: 'SUCCESS', Output: 'SUCCESS', Result: [{ ResourceId: e.NetworkInterfaceId, Status: 'SUCCESS' }] },
        );
        assert.deepEqual(await describeOne(e.NetworkInterfaceId), settled(e));
        // Cross-protocol: v2 sees the same ENI, groups in binding order.
        const seen = await describeEni(v2, net.vpcId, e.NetworkInterfaceId);
        assert.equal(seen.eniName, 'web');
        assert.equal(seen.state, 'AVAILABLE');
        assert.deepEqual(
          seen.groupSet.map((g: { sgId: string }) => g.sgId),
          [g2, g1],
        );
        assert.deepEqual(
          seen.privateIpAddressesSet.map((i: { privateIpAddress: string }) => i.privateIpAddress),
          ['10.0.1.10', '10.0.1.2', '10.0.1.3'],
        );
      });

      it('without a flagged address picks the primary itself; count mode answers n addresses', async () => {
        const net = await vpcWithSubnet(v2);
        const listed = await create(net, {
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.50' }, { PrivateIpAddress: '10.0.1.40', Primary: false }],
        });
        assert.deepEqual(
          listed.PrivateIpAddressSet.map((i: Record<string, unknown>) => [i.PrivateIpAddress, i.Primary]),
          [
            ['10.0.1.2', true],
            ['10.0.1.40', false],
            ['10.0.1.50', false],
          ],
        );
        assert.equal(listed.QosLevel, 'DEFAULT');
        assert.equal(listed.NetworkInterfaceDescription, '');
        assert.deepEqual(listed.GroupSet, []);
        // Terraform's count mode sends n - 1 and expects n addresses back.
        const counted = await create(net, { SecondaryPrivateIpAddressCount: 4 });
        assert.equal(counted.PrivateIpAddressSet.length, 5);
        assert.equal(counted.PrivateIpAddressSet.filter((i: { Primary: boolean }) => i.Primary).length, 1);
      });

      it('shows the ENI and its addresses PENDING while the task runs, through both protocols', async () => {
        const net = await vpcWithSubnet(v2);
        const hold = holdTasks(server.driver, 'CreateNetworkInterface');
        let requestId: string;
        let eniId: string;
        try {
          const r = await c.ok('vpc', 'CreateNetworkInterface', {
            VpcId: net.vpcId,
            SubnetId: net.subnetId,
            NetworkInterfaceName: 'slow',
          });
          requestId = r.RequestId;
          eniId = r.NetworkInterface.NetworkInterfaceId;
          const seen = await describeOne(eniId);
          assert.equal(seen.State, 'PENDING');
          assert.equal(seen.NetworkInterfaceState, 'PENDING');
          assert.deepEqual(
            seen.PrivateIpAddressSet.map((i: { State: string }) => i.State),
            ['PENDING'],
          );
          const task = await c.ok('vpc', 'DescribeVpcTaskResult', { TaskId: requestId });
          assert.deepEqual(
            { Status: task.Status, Output: task.Output, Result: task.Result },
            { Status: 'RUNNING', Output: '', Result: [{ ResourceId: eniId, Status: 'RUNNING' }] },
          );
          assert.equal((await describeEni(v2, net.vpcId, eniId)).state, 'PENDING');
          // Busy: nothing else may touch it meanwhile.
          isError(
            await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: eniId }),
            'UnsupportedOperation.MutexOperationTaskRunning',
            eniId,
          );
        } finally {
          hold.release();
        }
        assert.equal((await c.waitTask(requestId)).Status, 'SUCCESS');
        assert.equal((await describeOne(eniId)).State, 'AVAILABLE');
      });

      it('a failed task answers FAILED with the reason, and the ENI and its addresses are gone', async () => {
        const net = await vpcWithSubnet(v2);
        server.driver.injectFailure({ type: 'CreateNetworkInterface', message: 'no port left on the switch' });
        const r = await c.ok('vpc', 'CreateNetworkInterface', {
          VpcId: net.vpcId,
          SubnetId: net.subnetId,
          NetworkInterfaceName: 'doomed',
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.77', Primary: true }],
        });
        const eniId = r.NetworkInterface.NetworkInterfaceId;
        const task = await c.waitTask(r.RequestId);
        assert.deepEqual(
          { Status: task.Status, Output: task.Output, Result: task.Result },
          { Status: 'FAILED', Output: 'no port left on the switch', Result: [{ ResourceId: eniId, Status: 'FAILED' }] },
        );
        isError(await c.call('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] }), 'ResourceNotFound');
        // The address was given back.
        const again = await create(net, { PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.77', Primary: true }] });
        assert.equal(again.PrivateIpAddressSet[0].PrivateIpAddress, '10.0.1.77');
      });

      it('answers every input and rule error with its 3.0 code', async () => {
        const net = await vpcWithSubnet(v2);
        const other = await vpcWithSubnet(v2, { cidr: '10.1.0.0/16', subnetCidr: '10.1.1.0/24' });
        const g = await group();
        const base = { VpcId: net.vpcId, SubnetId: net.subnetId, NetworkInterfaceName: 'x' };
        const call = (extra: Record<string, unknown>, drop: string[] = []) => {
          const params: Record<string, unknown> = { ...base, ...extra };
          for (const k of drop) delete params[k];
          return c.call('vpc', 'CreateNetworkInterface', params);
        };
        const ips = (...list: Array<string | [string, boolean]>) =>
          list.map((x) =>
            typeof x === 'string' ? { PrivateIpAddress: x } : { PrivateIpAddress: x[0], Primary: x[1] },
          );
        for (const name of ['VpcId', 'NetworkInterfaceName', 'SubnetId']) {
          isError(await call({}, [name]), 'MissingParameter', name);
        }
        isError(await call({ PrivateIpAddresses: [{ Primary: true }] }), 'MissingParameter', 'PrivateIpAddress');
        isError(await call({ NetworkInterfaceName: '' }), 'InvalidParameterValue', 'NetworkInterfaceName');
        isError(
          await call({ NetworkInterfaceName: 'n'.repeat(61) }),
          'InvalidParameterValue.TooLong',
          'NetworkInterfaceName',
        );
        isError(
          await call({ NetworkInterfaceDescription: 'd'.repeat(61) }),
          'InvalidParameterValue.TooLong',
          'NetworkInterfaceDescription',
        );
        isError(
          await call({ PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.9', Description: 'd'.repeat(61) }] }),
          'InvalidParameterValue.TooLong',
          'Description',
        );
        isError(await call({ VpcId: 'vpc-1' }), 'InvalidParameterValue.Malformed', 'VpcId');
        isError(await call({ SubnetId: 'subnet-XYZ' }), 'InvalidParameterValue.Malformed', 'SubnetId');
        isError(await call({ SecurityGroupIds: ['sg-1'] }), 'InvalidParameterValue.Malformed', 'SecurityGroupIds.0');
        isError(
          await call({ PrivateIpAddresses: ips('10.0.1.300') }),
          'InvalidParameterValue.Malformed',
          'PrivateIpAddress',
        );
        isError(
          await call({ SecondaryPrivateIpAddressCount: 'two' }),
          'InvalidParameter',
          'SecondaryPrivateIpAddressCount',
        );
        isError(await call({ SecondaryPrivateIpAddressCount: -1 }), 'InvalidParameterValue.Range');
        isError(await call({ QosLevel: 'GOLD' }), 'InvalidParameterValue.Range', 'QosLevel');
        isError(await call({ TrunkingFlag: 'Maybe' }), 'InvalidParameterValue.Range', 'TrunkingFlag');
        isError(await call({ ClientToken: 't'.repeat(65) }), 'InvalidParameterValue', 'ClientToken');
        const eleven = Array.from({ length: 11 }, (_, i) => `10.0.1.${20 + i}`);
        isError(
          await call({ PrivateIpAddresses: ips(...eleven) }),
          'InvalidParameterValue.LimitExceeded',
          'PrivateIpAddresses',
        );
        const sixGroups = Array.from({ length: 6 }, (_, i) => `sg-0000000${i}`);
        isError(await call({ SecurityGroupIds: sixGroups }), 'InvalidParameterValue.LimitExceeded', 'SecurityGroupIds');
        isError(
          await call({ PrivateIpAddresses: ips(['10.0.1.20', true], ['10.0.1.21', true]) }),
          'InvalidParameterValue',
          'PrivateIpAddresses',
        );
        isError(await call({ SecurityGroupIds: [g, g] }), 'InvalidParameterValue', 'SecurityGroupIds.1');
        isError(await call({ TrunkingFlag: 'Enable' }), 'UnsupportedOperation', 'TrunkingFlag');
        isError(await call({ IsRdma: true }), 'UnsupportedOperation', 'IsRdma');
        // Existence: VPC, then subnet (of that VPC), then groups.
        isError(await call({ VpcId: 'vpc-00000000' }), 'ResourceNotFound', 'vpc-00000000');
        isError(await call({ SubnetId: other.subnetId }), 'ResourceNotFound', other.subnetId);
        isError(await call({ SecurityGroupIds: ['sg-00000000'] }), 'ResourceNotFound', 'sg-00000000');
        // Addresses: the IP limit first, then each address in order.
        isError(await call({ SecondaryPrivateIpAddressCount: 30 }), 'LimitExceeded', '30');
        isError(
          await call({ PrivateIpAddresses: ips('10.1.1.5') }),
          'InvalidParameterValue.Range',
          'PrivateIpAddresses.0',
        );
        isError(
          await call({ PrivateIpAddresses: ips('10.0.1.1') }),
          'InvalidParameterValue.Reserved',
          'PrivateIpAddresses.0',
        );
        isError(await call({ PrivateIpAddresses: ips('10.0.1.255') }), 'InvalidParameterValue.Reserved');
        isError(
          await call({ PrivateIpAddresses: ips('10.0.1.9', '10.0.1.9') }),
          'InvalidParameterValue.DuplicatePara',
          'PrivateIpAddresses.1',
        );
        await create(net, { PrivateIpAddresses: ips(['10.0.1.9', true]) });
        isError(await call({ PrivateIpAddresses: ips('10.0.1.8', '10.0.1.9') }), 'ResourceInUse', '10.0.1.9');
        // Another account cannot use this VPC: it does not exist for it.
        const b = sdk3Client(server.port, { account: ACCOUNT_B });
        isError(await b.call('vpc', 'CreateNetworkInterface', base), 'ResourceNotFound', net.vpcId);
      });

      it('answers ResourceInsufficient.Subnet when the subnet is full and the VPC ENI quota as LimitExceeded.NetworkInterfaceLimitExceeded', async () => {
        // A /28 has 13 usable addresses.
        const tiny = await vpcWithSubnet(v2, { cidr: '10.2.0.0/16', subnetCidr: '10.2.0.0/28' });
        await create(tiny, { SecondaryPrivateIpAddressCount: 9 });
        isError(
          await c.call('vpc', 'CreateNetworkInterface', {
            VpcId: tiny.vpcId,
            SubnetId: tiny.subnetId,
            NetworkInterfaceName: 'full',
            SecondaryPrivateIpAddressCount: 3,
          }),
          'ResourceInsufficient.Subnet',
          tiny.subnetId,
        );
        const small = await startServer(backend, { VPC_ENI_QUOTA_ENIS: '1' });
        try {
          const s = sdk3Client(small.port);
          const net = await vpcWithSubnet(small.client());
          const params = { VpcId: net.vpcId, SubnetId: net.subnetId, NetworkInterfaceName: 'q' };
          assert.equal(
            (await s.waitTask((await s.ok('vpc', 'CreateNetworkInterface', params)).RequestId)).Status,
            'SUCCESS',
          );
          isError(
            await s.call('vpc', 'CreateNetworkInterface', params),
            'LimitExceeded.NetworkInterfaceLimitExceeded',
            net.vpcId,
          );
        } finally {
          await small.close();
        }
      });
    });

    describe('DescribeNetworkInterfaces', () => {
      // One VPC: an instance (its primary ENI P holds 10.0.1.2), ENI A (3.0; 10.0.1.10 primary,
      // 10.0.1.100; group g1; QoS PT) and ENI B (v2; 10.0.1.20; group g2; attached to the instance).
      let net: Net;
      let ins: string;
      let g1: string;
      let g2: string;
      let P: string;
      let A: string;
      let B: string;
      before(async () => {
        net = await vpcWithSubnet(v2);
        ins = await instance(v2, net);
        [g1, g2] = [await group('g1'), await group('g2')];
        A = (
          await create(net, {
            NetworkInterfaceName: 'Alpha-Web',
            NetworkInterfaceDescription: 'Front END tier',
            PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }, { PrivateIpAddress: '10.0.1.100' }],
            SecurityGroupIds: [g1],
            QosLevel: 'PT',
          })
        ).NetworkInterfaceId;
        B = await eni(v2, net, {
          eniName: 'beta',
          privateIpAddressSet: [{ privateIpAddress: '10.0.1.20', primary: true }],
          sgIds: [g2],
        });
        const attached = await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: B, InstanceId: ins });
        assert.equal((await c.waitTask(attached.RequestId)).Status, 'SUCCESS');
        const all = await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [
            { Name: 'attachment.instance-id', Values: [ins] },
            { Name: 'is-primary', Values: ['TRUE'] },
          ],
        });
        P = all.NetworkInterfaceSet[0].NetworkInterfaceId;
      });

      async function ids(filters: Array<{ Name: string; Values: unknown }>): Promise<string[]> {
        const r = await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }, ...filters],
          Limit: 100,
        });
        assert.equal(r.TotalCount, r.NetworkInterfaceSet.length);
        return r.NetworkInterfaceSet.map((e: { NetworkInterfaceId: string }) => e.NetworkInterfaceId).sort();
      }
      const sorted = (...xs: string[]) => [...xs].sort();

      it('lists primary and secondary ENIs, newest first, with every field of attached ones', async () => {
        const r = await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }],
        });
        assert.equal(r.TotalCount, 3);
        assert.deepEqual(
          r.NetworkInterfaceSet.map((e: { NetworkInterfaceId: string }) => e.NetworkInterfaceId),
          [B, A, P],
        );
        const [b, , p] = r.NetworkInterfaceSet;
        for (const e of [b, p]) {
          assert.equal(e.State, 'AVAILABLE');
          assert.equal(e.NetworkInterfaceState, 'INUSE');
          assertBeijingNow(e.Attachment.AttachTime);
        }
        assert.deepEqual(p.Attachment, {
          InstanceId: ins,
          DeviceIndex: 0,
          InstanceAccountId: String(ACCOUNT_A.appId),
          AttachTime: p.Attachment.AttachTime,
        });
        assert.deepEqual(b.Attachment, {
          InstanceId: ins,
          DeviceIndex: 1,
          InstanceAccountId: String(ACCOUNT_A.appId),
          AttachTime: b.Attachment.AttachTime,
        });
        assert.equal(p.Primary, true);
        assert.equal(p.EniType, 1);
        assert.equal(b.Primary, false);
        assert.equal(b.EniType, 0);
        assert.deepEqual(b.GroupSet, [g2]);
        assert.deepEqual(b.PrivateIpAddressSet[0], {
          PrivateIpAddress: '10.0.1.20',
          Primary: true,
          PublicIpAddress: '',
          AddressId: '',
          Description: '',
          IsWanIpBlocked: false,
          State: 'AVAILABLE',
          QosLevel: 'DEFAULT',
        });
        for (const k of ['Zone', 'Business', 'CdcId', 'ResourceId', 'QosLevel', 'MacAddress', 'CreatedTime']) {
          assert.equal(typeof p[k], 'string', k);
        }
        // Paging: Offset/Limit over the same order; TotalCount counts every match.
        const page = await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [{ Name: 'vpc-id', Values: [net.vpcId] }],
          Offset: 1,
          Limit: 1,
        });
        assert.equal(page.TotalCount, 3);
        assert.deepEqual(
          page.NetworkInterfaceSet.map((e: { NetworkInterfaceId: string }) => e.NetworkInterfaceId),
          [A],
        );
        // Ids list, with paging too (Terraform does both).
        const listed = await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [A, P], Limit: 1 });
        assert.equal(listed.TotalCount, 2);
        assert.deepEqual(
          listed.NetworkInterfaceSet.map((e: { NetworkInterfaceId: string }) => e.NetworkInterfaceId),
          [A],
        );
      });

      it('filters by ids, instance, group, name and description (substring, any case)', async () => {
        assert.deepEqual(await ids([{ Name: 'subnet-id', Values: [net.subnetId] }]), sorted(A, B, P));
        assert.deepEqual(
          await ids([{ Name: 'network-interface-id', Values: [A, B, 'eni-00000000', 'junk'] }]),
          sorted(A, B),
        );
        assert.deepEqual(await ids([{ Name: 'attachment.instance-id', Values: [ins] }]), sorted(B, P));
        assert.deepEqual(await ids([{ Name: 'groups.security-group-id', Values: [g1, g2] }]), sorted(A, B));
        assert.deepEqual(await ids([{ Name: 'groups.security-group-id', Values: [g1] }]), [A]);
        assert.deepEqual(await ids([{ Name: 'network-interface-name', Values: ['alpha-w'] }]), [A]);
        assert.deepEqual(await ids([{ Name: 'network-interface-name', Values: ['ALPHA', 'bEt'] }]), sorted(A, B));
        assert.deepEqual(await ids([{ Name: 'network-interface-description', Values: ['end TIER'] }]), [A]);
        // Filters are ANDed.
        assert.deepEqual(
          await ids([
            { Name: 'attachment.instance-id', Values: [ins] },
            { Name: 'network-interface-name', Values: ['beta'] },
          ]),
          [B],
        );
        // Id filters never fail: an unknown VPC just matches nothing.
        const none = await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [{ Name: 'vpc-id', Values: ['vpc-00000000'] }],
        });
        assert.deepEqual([none.TotalCount, none.NetworkInterfaceSet], [0, []]);
      });

      it('address-ip: one value is a text prefix, several are exact, ip-exact-match makes one exact', async () => {
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.1.1'] }]), [A]); // .10 and .100
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.1.2'] }]), sorted(B, P)); // .2 and .20
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.1.'] }]), sorted(A, B, P));
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.1.100'] }]), [A]);
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.2'] }]), []);
        assert.deepEqual(
          await ids([
            { Name: 'address-ip', Values: ['10.0.1.2'] },
            { Name: 'ip-exact-match', Values: ['TRUE'] },
          ]),
          [P],
        );
        assert.deepEqual(
          await ids([
            { Name: 'address-ip', Values: ['10.0.1.2'] },
            { Name: 'ip-exact-match', Values: ['false'] },
          ]),
          sorted(B, P),
        );
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.1.2', '10.0.1.100'] }]), sorted(A, P));
        assert.deepEqual(await ids([{ Name: 'address-ip', Values: ['10.0.1.1', '10.0.1.2'] }]), [P]);
        isError(
          await c.call('vpc', 'DescribeNetworkInterfaces', {
            Filters: [
              { Name: 'address-ip', Values: ['10.0.1.2'] },
              { Name: 'ip-exact-match', Values: ['yes'] },
            ],
          }),
          'InvalidParameterValue',
          'ip-exact-match',
        );
      });

      it('is-primary, eni-type and eni-qos; tag, IPv6, public-IP and protection filters', async () => {
        assert.deepEqual(await ids([{ Name: 'is-primary', Values: ['TRUE'] }]), [P]);
        assert.deepEqual(await ids([{ Name: 'is-primary', Values: ['false'] }]), sorted(A, B));
        assert.deepEqual(await ids([{ Name: 'is-primary', Values: ['true', 'FALSE'] }]), sorted(A, B, P));
        assert.deepEqual(await ids([{ Name: 'eni-type', Values: ['1'] }]), [P]);
        assert.deepEqual(await ids([{ Name: 'eni-type', Values: ['0'] }]), sorted(A, B));
        assert.deepEqual(await ids([{ Name: 'eni-type', Values: ['2'] }]), []);
        assert.deepEqual(
          await ids([
            { Name: 'eni-type', Values: ['0', '1'] },
            { Name: 'is-primary', Values: ['TRUE'] },
          ]),
          [P],
        );
        assert.deepEqual(
          await ids([
            { Name: 'eni-type', Values: ['0'] },
            { Name: 'is-primary', Values: ['TRUE'] },
          ]),
          [],
        );
        assert.deepEqual(await ids([{ Name: 'eni-qos', Values: ['PT'] }]), [A]);
        assert.deepEqual(await ids([{ Name: 'eni-qos', Values: ['DEFAULT'] }]), sorted(B, P));
        // None has a tag x; no ENI has IPv6, public addresses or protection.
        for (const name of ['tag-key', 'tag:team', 'address-ipv6', 'public-address-ip', 'address-type']) {
          assert.deepEqual(await ids([{ Name: name, Values: ['x'] }]), [], name);
        }
        for (const name of ['termination-protection', 'traffic-protection']) {
          assert.deepEqual(await ids([{ Name: name, Values: ['FALSE'] }]), sorted(A, B, P), name);
          assert.deepEqual(await ids([{ Name: name, Values: ['true'] }]), [], name);
        }
        // A filter with no values matches nothing.
        assert.deepEqual(await ids([{ Name: 'is-primary', Values: [] }]), []);
        assert.deepEqual(await ids([{ Name: 'eni-qos', Values: [] }]), []);
        isError(
          await c.call('vpc', 'DescribeNetworkInterfaces', { Filters: [{ Name: 'is-primary', Values: ['maybe'] }] }),
          'InvalidParameterValue',
          'is-primary',
        );
      });

      it('answers the Describe errors with their 3.0 codes; another account sees nothing', async () => {
        const call = (params: Record<string, unknown>) => c.call('vpc', 'DescribeNetworkInterfaces', params);
        const vpcFilter = { Name: 'vpc-id', Values: [net.vpcId] };
        isError(await call({ NetworkInterfaceIds: [A], Filters: [vpcFilter] }), 'InvalidParameter.Coexist', 'Filters');
        isError(
          await call({ Filters: [{ Name: 'state', Values: ['x'] }] }),
          'InvalidParameter.FilterInvalidKey',
          'state',
        );
        isError(await call({ Filters: ['vpc-id'] }), 'InvalidParameter.FilterNotDict', 'Filters.0');
        isError(
          await call({ Filters: [{ Name: 'vpc-id', Values: net.vpcId }] }),
          'InvalidParameter.FilterValuesNotList',
        );
        isError(await call({ Filters: Array(11).fill(vpcFilter) }), 'InvalidParameterValue.LimitExceeded', 'Filters');
        isError(
          await call({ Filters: [{ Name: 'vpc-id', Values: Array(101).fill(net.vpcId) }] }),
          'InvalidParameterValue.LimitExceeded',
          'Values',
        );
        const many = Array.from({ length: 101 }, (_, i) => `eni-${String(i).padStart(8, '0')}`);
        isError(
          await call({ NetworkInterfaceIds: many }),
          'InvalidParameterValue.LimitExceeded',
          'NetworkInterfaceIds',
        );
        isError(
          await call({ NetworkInterfaceIds: [A, 'eni-x'] }),
          'InvalidParameterValue.Malformed',
          'NetworkInterfaceIds.1',
        );
        isError(await call({ NetworkInterfaceIds: [A, 'eni-00000000'] }), 'ResourceNotFound', 'eni-00000000');
        isError(await call({ Offset: -1 }), 'InvalidParameterValue.Range', 'Offset');
        isError(await call({ Limit: 0 }), 'InvalidParameterValue.Range', 'Limit');
        isError(await call({ Limit: 101 }), 'InvalidParameterValue.Range', 'Limit');
        isError(await call({ Limit: 'ten' }), 'InvalidParameter', 'Limit');
        // Numeric strings are numbers.
        assert.equal(
          (await c.ok('vpc', 'DescribeNetworkInterfaces', { Filters: [vpcFilter], Limit: '2' })).NetworkInterfaceSet
            .length,
          2,
        );
        const b = sdk3Client(server.port, { account: ACCOUNT_B });
        isError(await b.call('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [A] }), 'ResourceNotFound', A);
        const theirs = await b.ok('vpc', 'DescribeNetworkInterfaces', { Filters: [vpcFilter] });
        assert.deepEqual([theirs.TotalCount, theirs.NetworkInterfaceSet], [0, []]);
      });

      it('works over GET (flattened filters) and v1 signatures too', async () => {
        for (const client of [
          sdk3Client(server.port, { method: 'GET' }),
          sdk3Client(server.port, { signMethod: 'HmacSHA1' }),
        ]) {
          const r = await client.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [
              { Name: 'vpc-id', Values: [net.vpcId] },
              { Name: 'is-primary', Values: ['FALSE'] },
            ],
            Offset: 0,
            Limit: 10,
          });
          assert.deepEqual(
            r.NetworkInterfaceSet.map((e: { NetworkInterfaceId: string }) => e.NetworkInterfaceId),
            [B, A],
          );
        }
      });
    });

    describe('DeleteNetworkInterface', () => {
      it('deletes through DELETING; v2 no longer finds it; an ENI made through v2 deletes through 3.0', async () => {
        const net = await vpcWithSubnet(v2);
        const made3 = (await create(net)).NetworkInterfaceId;
        const made2 = await eni(v2, net);
        const hold = holdTasks(server.driver, 'DeleteNetworkInterface');
        let requestId: string;
        try {
          const r = await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made3 });
          requestId = r.RequestId;
          assert.deepEqual(Object.keys(r), ['RequestId']);
          const seen = await describeOne(made3);
          assert.equal(seen.State, 'DELETING');
          assert.equal(seen.NetworkInterfaceState, 'DELETING');
          assert.equal(seen.Attachment, null);
          assert.equal((await describeEni(v2, net.vpcId, made3)).state, 'DELETING');
          isError(
            await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made3 }),
            'UnsupportedOperation.MutexOperationTaskRunning',
          );
          isError(
            await c.call('vpc', 'ModifyNetworkInterfaceAttribute', {
              NetworkInterfaceId: made3,
              NetworkInterfaceName: 'n',
            }),
            'UnsupportedOperation.MutexOperationTaskRunning',
          );
        } finally {
          hold.release();
        }
        assert.equal((await c.waitTask(requestId)).Status, 'SUCCESS');
        isError(await c.call('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [made3] }), 'ResourceNotFound');
        const gone = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, networkInterfaceId: made3 });
        assert.equal(gone.codeDesc, 'InvalidNetworkInterface.NotFound');
        const r2 = await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made2 });
        assert.equal((await c.waitTask(r2.RequestId)).Status, 'SUCCESS');
        const gone2 = await v2.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, networkInterfaceId: made2 });
        assert.equal(gone2.codeDesc, 'InvalidNetworkInterface.NotFound');
      });

      it('a failed delete answers FAILED and leaves the ENI AVAILABLE', async () => {
        const net = await vpcWithSubnet(v2);
        const made = await create(net);
        server.driver.injectFailure({ type: 'DeleteNetworkInterface', message: 'host unreachable' });
        const r = await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made.NetworkInterfaceId });
        const task = await c.waitTask(r.RequestId);
        assert.deepEqual([task.Status, task.Output], ['FAILED', 'host unreachable']);
        assert.deepEqual(await describeOne(made.NetworkInterfaceId), settled(made));
      });

      it('refuses attached and primary ENIs, malformed and unknown ids', async () => {
        const net = await vpcWithSubnet(v2);
        const ins = await instance(v2, net);
        const made = (await create(net)).NetworkInterfaceId;
        const a = await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: made, InstanceId: ins });
        assert.equal((await c.waitTask(a.RequestId)).Status, 'SUCCESS');
        isError(await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made }), 'ResourceInUse', ins);
        const primary = (
          await c.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [
              { Name: 'attachment.instance-id', Values: [ins] },
              { Name: 'is-primary', Values: ['TRUE'] },
            ],
          })
        ).NetworkInterfaceSet[0].NetworkInterfaceId;
        isError(
          await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: primary }),
          'UnsupportedOperation',
          primary,
        );
        isError(
          await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: 'eni-123' }),
          'InvalidParameterValue.Malformed',
        );
        isError(await c.call('vpc', 'DeleteNetworkInterface', {}), 'MissingParameter', 'NetworkInterfaceId');
        isError(
          await c.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: 'eni-00000000' }),
          'ResourceNotFound',
        );
        const b = sdk3Client(server.port, { account: ACCOUNT_B });
        isError(await b.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: made }), 'ResourceNotFound');
      });
    });

    describe('ModifyNetworkInterfaceAttribute', () => {
      it('renames, re-describes and replaces the groups in order; absent fields stay; v2 sees it', async () => {
        const net = await vpcWithSubnet(v2);
        const [g1, g2, g3] = [await group('m1'), await group('m2'), await group('m3')];
        const made = await create(net, { NetworkInterfaceDescription: 'old', SecurityGroupIds: [g1] });
        const id = made.NetworkInterfaceId;
        const r = await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', {
          NetworkInterfaceId: id,
          NetworkInterfaceName: 'renamed',
          SecurityGroupIds: [g3, g1, g2],
          TrunkingFlag: 'Disable',
        });
        assert.deepEqual(Object.keys(r), ['RequestId']);
        let seen = await describeOne(id);
        assert.deepEqual(
          [seen.NetworkInterfaceName, seen.NetworkInterfaceDescription, seen.GroupSet],
          ['renamed', 'old', [g3, g1, g2]],
        );
        const v2seen = await describeEni(v2, net.vpcId, id);
        assert.equal(v2seen.eniName, 'renamed');
        assert.deepEqual(
          v2seen.groupSet.map((g: { sgId: string }) => g.sgId),
          [g3, g1, g2],
        );
        // v2 sees the bindings as they are now: a group no longer bound may be deleted.
        await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', {
          NetworkInterfaceId: id,
          NetworkInterfaceDescription: '',
        });
        await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, SecurityGroupIds: [g2] });
        seen = await describeOne(id);
        assert.deepEqual(
          [seen.NetworkInterfaceName, seen.NetworkInterfaceDescription, seen.GroupSet],
          ['renamed', '', [g2]],
        );
        assert.equal((await v2.call('DeleteSecurityGroup', { sgId: g2 })).codeDesc, 'InvalidSecurityGroup.InUse');
        assert.equal((await v2.call('DeleteSecurityGroup', { sgId: g3 })).code, 0);
        // [] unbinds every group.
        await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, SecurityGroupIds: [] });
        assert.deepEqual((await describeOne(id)).GroupSet, []);
        assert.equal((await v2.call('DeleteSecurityGroup', { sgId: g2 })).code, 0);
        // A v2 rename shows through 3.0.
        await v2.call('ModifyNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: id, eniName: 'from-v2' });
        assert.equal((await describeOne(id)).NetworkInterfaceName, 'from-v2');
      });

      it('may rename and regroup a primary ENI', async () => {
        const net = await vpcWithSubnet(v2);
        const ins = await instance(v2, net);
        const g = await group();
        const primary = (
          await c.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [{ Name: 'attachment.instance-id', Values: [ins] }],
          })
        ).NetworkInterfaceSet[0];
        assert.equal(primary.Primary, true);
        await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', {
          NetworkInterfaceId: primary.NetworkInterfaceId,
          NetworkInterfaceName: 'main-nic',
          SecurityGroupIds: [g],
        });
        const seen = await describeOne(primary.NetworkInterfaceId);
        assert.deepEqual([seen.NetworkInterfaceName, seen.GroupSet], ['main-nic', [g]]);
      });

      it('answers its errors with their 3.0 codes', async () => {
        const net = await vpcWithSubnet(v2);
        const id = (await create(net)).NetworkInterfaceId;
        const groups = await Promise.all(Array.from({ length: 6 }, (_, i) => group(`l${i}`)));
        const call = (extra: Record<string, unknown>) =>
          c.call('vpc', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, ...extra });
        isError(await c.call('vpc', 'ModifyNetworkInterfaceAttribute', {}), 'MissingParameter', 'NetworkInterfaceId');
        isError(await call({ NetworkInterfaceId: 'eni-' }), 'InvalidParameterValue.Malformed', 'NetworkInterfaceId');
        isError(await call({ NetworkInterfaceName: '' }), 'InvalidParameterValue', 'NetworkInterfaceName');
        isError(
          await call({ NetworkInterfaceName: 'n'.repeat(61) }),
          'InvalidParameterValue.TooLong',
          'NetworkInterfaceName',
        );
        isError(await call({ NetworkInterfaceDescription: 'n'.repeat(61) }), 'InvalidParameterValue.TooLong');
        isError(await call({ SecurityGroupIds: 'sg-12345678' }), 'InvalidParameter', 'SecurityGroupIds');
        isError(await call({ SecurityGroupIds: ['sg-bad'] }), 'InvalidParameterValue.Malformed', 'SecurityGroupIds.0');
        isError(
          await call({ SecurityGroupIds: [groups[0], groups[0]] }),
          'InvalidParameterValue',
          'SecurityGroupIds.1',
        );
        isError(await call({ TrunkingFlag: 'Enable' }), 'UnsupportedOperation', 'TrunkingFlag');
        isError(await call({ SecurityGroupIds: groups }), 'LimitExceeded', 'SecurityGroupIds');
        isError(await call({ SecurityGroupIds: [groups[0], 'sg-00000000'] }), 'ResourceNotFound', 'sg-00000000');
        isError(await call({ NetworkInterfaceId: 'eni-00000000' }), 'ResourceNotFound', 'eni-00000000');
        // Nothing of a refused call was applied.
        assert.deepEqual((await describeOne(id)).GroupSet, []);
        await c.ok('vpc', 'ModifyNetworkInterfaceAttribute', {
          NetworkInterfaceId: id,
          SecurityGroupIds: groups.slice(1),
        });
        assert.deepEqual((await describeOne(id)).GroupSet, groups.slice(1));
      });
    });

    describe('CreateAndAttachNetworkInterface', () => {
      it('answers the planned attachment; Describe shows it once the one task has succeeded', async () => {
        const net = await vpcWithSubnet(v2);
        const ins = await instance(v2, net, { cpu: 4, mem: 8 });
        const g = await group();
        const hold = holdTasks(server.driver, 'CreateAndAttachNetworkInterface');
        let r: Record<string, any>;
        try {
          r = await c.ok('vpc', 'CreateAndAttachNetworkInterface', {
            VpcId: net.vpcId,
            SubnetId: net.subnetId,
            InstanceId: ins,
            NetworkInterfaceName: 'both',
            NetworkInterfaceDescription: 'in one go',
            SecondaryPrivateIpAddressCount: 1,
            SecurityGroupIds: [g],
            QosLevel: 'AG',
            AttachType: 0,
          });
          const e = r.NetworkInterface;
          assert.equal(e.State, 'PENDING');
          assert.deepEqual(e.Attachment, {
            InstanceId: ins,
            DeviceIndex: 1,
            InstanceAccountId: String(ACCOUNT_A.appId),
            AttachTime: e.CreatedTime,
          });
          assertBeijingNow(e.Attachment.AttachTime);
          assert.equal(e.PrivateIpAddressSet.length, 2);
          assert.deepEqual(
            e.PrivateIpAddressSet.map((i: Record<string, unknown>) => [i.State, i.QosLevel]),
            [
              ['PENDING', 'AG'],
              ['PENDING', 'AG'],
            ],
          );
          assert.deepEqual([e.GroupSet, e.NetworkInterfaceDescription, e.Zone], [[g], 'in one go', 'ap-guangzhou-3']);
          // While the task runs Describe shows the committed state: no attachment yet.
          const seen = await describeOne(e.NetworkInterfaceId);
          assert.deepEqual([seen.State, seen.Attachment], ['PENDING', null]);
          const task = await c.ok('vpc', 'DescribeVpcTaskResult', { TaskId: r.RequestId });
          assert.equal(task.Status, 'RUNNING');
        } finally {
          hold.release();
        }
        const task = await c.waitTask(r.RequestId);
        assert.deepEqual(task.Result, [{ ResourceId: r.NetworkInterface.NetworkInterfaceId, Status: 'SUCCESS' }]);
        const seen = await describeOne(r.NetworkInterface.NetworkInterfaceId);
        assert.equal(seen.NetworkInterfaceState, 'INUSE');
        assert.deepEqual(
          { ...seen.Attachment, AttachTime: '' },
          { InstanceId: ins, DeviceIndex: 1, InstanceAccountId: String(ACCOUNT_A.appId), AttachTime: '' },
        );
        // v2 sees it attached; it detaches through v2.
        const v2seen = await describeEni(v2, net.vpcId, seen.NetworkInterfaceId);
        assert.equal(v2seen.instanceSet.instanceId, ins);
        const d = await v2.run('DetachNetworkInterface', {
          vpcId: net.vpcId,
          networkInterfaceId: seen.NetworkInterfaceId,
          instanceId: ins,
        });
        assert.equal(d.task.data.status, 0);
        assert.equal((await describeOne(seen.NetworkInterfaceId)).Attachment, null);
      });

      it('a failed task answers FAILED and leaves no ENI behind', async () => {
        const net = await vpcWithSubnet(v2);
        const ins = await instance(v2, net, { cpu: 1, mem: 1 });
        server.driver.injectFailure({ type: 'CreateAndAttachNetworkInterface', message: 'hypervisor said no' });
        const params = { VpcId: net.vpcId, SubnetId: net.subnetId, InstanceId: ins, NetworkInterfaceName: 'f' };
        const r = await c.ok('vpc', 'CreateAndAttachNetworkInterface', params);
        const task = await c.waitTask(r.RequestId);
        assert.deepEqual([task.Status, task.Output], ['FAILED', 'hypervisor said no']);
        isError(
          await c.call('vpc', 'DescribeNetworkInterfaces', {
            NetworkInterfaceIds: [r.NetworkInterface.NetworkInterfaceId],
          }),
          'ResourceNotFound',
        );
        // The instance's slot is free again (1 core 1 GB: the primary and one more).
        const again = await c.ok('vpc', 'CreateAndAttachNetworkInterface', params);
        assert.equal((await c.waitTask(again.RequestId)).Status, 'SUCCESS');
        isError(await c.call('vpc', 'CreateAndAttachNetworkInterface', params), 'LimitExceeded', ins);
      });

      it('runs every create and attach check first, with their 3.0 codes', async () => {
        const net = await vpcWithSubnet(v2);
        const small = await instance(v2, net, { cpu: 1, mem: 1 }); // 2 addresses per ENI
        const classic = await instance(v2, null);
        const subnet4 = await v2.call('CreateSubnet', {
          vpcId: net.vpcId,
          subnetSet: [{ subnetName: 'zone-4', cidrBlock: '10.0.4.0/24', zoneId: '100004' }],
        });
        const zone4 = await instance(
          v2,
          { vpcId: net.vpcId, subnetId: subnet4.subnetSet[0].unSubnetId },
          { zone: '100004' },
        );
        const base = { VpcId: net.vpcId, SubnetId: net.subnetId, InstanceId: small, NetworkInterfaceName: 'x' };
        const call = (extra: Record<string, unknown>) =>
          c.call('vpc', 'CreateAndAttachNetworkInterface', { ...base, ...extra });
        isError(await call({ InstanceId: undefined }), 'MissingParameter', 'InstanceId');
        isError(await call({ InstanceId: 'i-1' }), 'InvalidParameterValue.Malformed', 'InstanceId');
        isError(await call({ AttachType: 2 }), 'InvalidParameterValue.Range', 'AttachType');
        isError(await call({ AttachType: 1 }), 'UnsupportedOperation', 'AttachType');
        isError(await call({ IsRdma: 'true' }), 'UnsupportedOperation', 'IsRdma');
        isError(await call({ NetworkInterfaceName: 'n'.repeat(61) }), 'InvalidParameterValue.TooLong');
        isError(await call({ InstanceId: 'ins-00000000' }), 'ResourceNotFound', 'ins-00000000');
        isError(await call({ VpcId: 'vpc-00000000', InstanceId: 'ins-00000000' }), 'ResourceNotFound', 'vpc-00000000');
        isError(await call({ InstanceId: classic }), 'UnsupportedOperation.VpcMismatch', classic);
        isError(await call({ InstanceId: zone4 }), 'UnsupportedOperation.ZoneMismatch', zone4);
        // The address total is held to the instance's per-ENI figure.
        isError(await call({ SecondaryPrivateIpAddressCount: 2 }), 'LimitExceeded', small);
        const hold = holdTasks(server.driver, 'StopInstances');
        let stopTask: number;
        try {
          const stop = await v2.call('StopInstances', { instanceIds: [small] });
          assert.equal(stop.code, 0);
          stopTask = stop.taskId;
          isError(await call({}), 'UnsupportedOperation.InvalidState', small);
        } finally {
          hold.release();
        }
        assert.equal((await v2.waitTask(stopTask)).data.status, 0);
        // A stopped instance takes ENIs.
        const ok = await c.ok('vpc', 'CreateAndAttachNetworkInterface', base);
        assert.equal((await c.waitTask(ok.RequestId)).Status, 'SUCCESS');
      });
    });

    describe('DescribeNetworkInterfaceLimit', () => {
      it('answers the CPU/memory figures for an instance, the IP ceiling for an ENI', async () => {
        const net = await vpcWithSubnet(v2);
        const limit = (id: string) => c.ok('vpc', 'DescribeNetworkInterfaceLimit', { InstanceId: id });
        const expect = (enis: number, ips: number) => ({
          EniQuantity: enis,
          EniPrivateIpAddressQuantity: ips,
          ExtendEniQuantity: 0,
          ExtendEniPrivateIpAddressQuantity: 0,
          SubEniQuantity: 0,
          SubEniPrivateIpAddressQuantity: 0,
        });
        const strip = ({ RequestId: _, ...rest }: Record<string, unknown>) => rest;
        const cases: Array<[number, number, number, number]> = [
          [1, 1, 2, 2],
          [1, 2, 2, 6],
          [2, 4, 2, 10],
          [4, 32, 4, 20],
          [8, 16, 6, 20],
          [16, 64, 8, 30],
        ];
        const made = await Promise.all(cases.map(([cpu, mem]) => instance(v2, net, { cpu, mem })));
        for (const [n, [cpu, mem, enis, ips]] of cases.entries()) {
          assert.deepEqual(strip(await limit(made[n]!)), expect(enis, ips), `${cpu} cores ${mem} GB`);
        }
        const free = (await create(net)).NetworkInterfaceId;
        assert.deepEqual(strip(await limit(free)), expect(0, 30));
        const a = await c.ok('vpc', 'AttachNetworkInterface', { NetworkInterfaceId: free, InstanceId: made[2] });
        assert.equal((await c.waitTask(a.RequestId)).Status, 'SUCCESS');
        assert.deepEqual(strip(await limit(free)), expect(0, 10));
        isError(
          await c.call('vpc', 'DescribeNetworkInterfaceLimit', { InstanceId: 'ins-00000000' }),
          'InvalidInstanceId.NotFound',
          'ins-00000000',
        );
        isError(
          await c.call('vpc', 'DescribeNetworkInterfaceLimit', { InstanceId: 'eni-00000000' }),
          'ResourceNotFound',
          'eni-00000000',
        );
        isError(
          await c.call('vpc', 'DescribeNetworkInterfaceLimit', { InstanceId: net.vpcId }),
          'InvalidParameterValue.Malformed',
          'InstanceId',
        );
        isError(await c.call('vpc', 'DescribeNetworkInterfaceLimit', {}), 'MissingParameter', 'InstanceId');
        const b = sdk3Client(server.port, { account: ACCOUNT_B });
        isError(
          await b.call('vpc', 'DescribeNetworkInterfaceLimit', { InstanceId: made[0] }),
          'InvalidInstanceId.NotFound',
        );
      });
    });

    describe('Associate/DisassociateNetworkInterfaceSecurityGroups', () => {
      it('appends groups in order to every ENI, removes them again; v2 sees the bindings', async () => {
        const net = await vpcWithSubnet(v2);
        const [g1, g2, g3] = [await group('a1'), await group('a2'), await group('a3')];
        const e1 = (await create(net, { SecurityGroupIds: [g2] })).NetworkInterfaceId;
        const e2 = await eni(v2, net);
        const r = await c.ok('vpc', 'AssociateNetworkInterfaceSecurityGroups', {
          NetworkInterfaceIds: [e1, e2],
          SecurityGroupIds: [g1, g2, g3, g1],
        });
        assert.deepEqual(Object.keys(r), ['RequestId']);
        assert.deepEqual((await describeOne(e1)).GroupSet, [g2, g1, g3]);
        assert.deepEqual((await describeOne(e2)).GroupSet, [g1, g2, g3]);
        assert.deepEqual(
          (await describeEni(v2, net.vpcId, e2)).groupSet.map((g: { sgId: string }) => g.sgId),
          [g1, g2, g3],
        );
        // Removing a group that is not bound is no change; the rest keep their order.
        const other = await group('a4');
        await c.ok('vpc', 'DisassociateNetworkInterfaceSecurityGroups', {
          NetworkInterfaceIds: [e1, e2],
          SecurityGroupIds: [g2, other],
        });
        assert.deepEqual((await describeOne(e1)).GroupSet, [g1, g3]);
        assert.deepEqual((await describeOne(e2)).GroupSet, [g1, g3]);
        assert.equal((await v2.call('DeleteSecurityGroup', { sgId: g2 })).code, 0);
        await c.ok('vpc', 'DisassociateNetworkInterfaceSecurityGroups', {
          NetworkInterfaceIds: [e2],
          SecurityGroupIds: [g1, g3],
        });
        assert.deepEqual((await describeOne(e2)).GroupSet, []);
      });

      it('is all or nothing, refuses primary and busy ENIs and more than 5 groups', async () => {
        const net = await vpcWithSubnet(v2);
        const ins = await instance(v2, net);
        const groups = await Promise.all(Array.from({ length: 6 }, (_, i) => group(`s${i}`)));
        const e1 = (await create(net)).NetworkInterfaceId;
        const e2 = (await create(net, { SecurityGroupIds: groups.slice(0, 3) })).NetworkInterfaceId;
        const associate = (eniIds: string[], sgIds: string[]) =>
          c.call('vpc', 'AssociateNetworkInterfaceSecurityGroups', {
            NetworkInterfaceIds: eniIds,
            SecurityGroupIds: sgIds,
          });
        const disassociate = (eniIds: string[], sgIds: string[]) =>
          c.call('vpc', 'DisassociateNetworkInterfaceSecurityGroups', {
            NetworkInterfaceIds: eniIds,
            SecurityGroupIds: sgIds,
          });
        // e2 would end with 6 groups: nothing changes on e1 either.
        isError(await associate([e1, e2], groups.slice(3)), 'LimitExceeded', e2);
        assert.deepEqual((await describeOne(e1)).GroupSet, []);
        isError(await associate([e1, 'eni-00000000'], [groups[0]!]), 'ResourceNotFound', 'eni-00000000');
        isError(await associate([e1], [groups[0]!, 'sg-00000000']), 'ResourceNotFound', 'sg-00000000');
        isError(await disassociate([e2, 'eni-00000000'], [groups[0]!]), 'ResourceNotFound', 'eni-00000000');
        isError(await disassociate([e2], ['sg-00000000']), 'ResourceNotFound', 'sg-00000000');
        assert.deepEqual((await describeOne(e2)).GroupSet, groups.slice(0, 3));
        const primary = (
          await c.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [{ Name: 'attachment.instance-id', Values: [ins] }],
          })
        ).NetworkInterfaceSet[0].NetworkInterfaceId;
        isError(await associate([primary], [groups[0]!]), 'UnsupportedOperation', primary);
        for (const call of [associate, disassociate]) {
          isError(await call([], [groups[0]!]), 'InvalidParameterValue', 'NetworkInterfaceIds');
          isError(await call([e1], []), 'InvalidParameterValue', 'SecurityGroupIds');
          isError(await call(['eni-1'], [groups[0]!]), 'InvalidParameterValue.Malformed', 'NetworkInterfaceIds.0');
          const many = Array.from({ length: 101 }, (_, i) => `sg-${String(i).padStart(8, '0')}`);
          isError(await call([e1], many), 'InvalidParameterValue.LimitExceeded', 'SecurityGroupIds');
        }
        isError(
          await c.call('vpc', 'AssociateNetworkInterfaceSecurityGroups', { SecurityGroupIds: [groups[0]] }),
          'MissingParameter',
          'NetworkInterfaceIds',
        );
        const hold = holdTasks(server.driver, 'DeleteNetworkInterface');
        let requestId: string;
        try {
          requestId = (await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: e1 })).RequestId;
          isError(await associate([e1], [groups[0]!]), 'UnsupportedOperation.MutexOperationTaskRunning', e1);
          isError(await disassociate([e2, e1], [groups[0]!]), 'UnsupportedOperation.MutexOperationTaskRunning', e1);
        } finally {
          hold.release();
        }
        assert.equal((await c.waitTask(requestId)).Status, 'SUCCESS');
      });
    });

    describe('ModifyNetworkInterfaceQos', () => {
      it('sets the level of every ENI and its addresses; all or nothing', async () => {
        const net = await vpcWithSubnet(v2);
        const e1 = (await create(net, { SecondaryPrivateIpAddressCount: 1 })).NetworkInterfaceId;
        const e2 = await eni(v2, net);
        const r = await c.ok('vpc', 'ModifyNetworkInterfaceQos', {
          NetworkInterfaceIds: [e1, e2],
          QosLevel: 'PT',
          DirectSendMaxPort: 8000,
        });
        assert.deepEqual(Object.keys(r), ['RequestId']);
        for (const id of [e1, e2]) {
          const seen = await describeOne(id);
          assert.equal(seen.QosLevel, 'PT');
          for (const ip of seen.PrivateIpAddressSet) assert.equal(ip.QosLevel, 'PT');
        }
        const call = (params: Record<string, unknown>) => c.call('vpc', 'ModifyNetworkInterfaceQos', params);
        isError(
          await call({ NetworkInterfaceIds: [e1, 'eni-00000000'], QosLevel: 'AU' }),
          'ResourceNotFound',
          'eni-00000000',
        );
        assert.equal((await describeOne(e1)).QosLevel, 'PT');
        isError(await call({ NetworkInterfaceIds: [e1], QosLevel: 'GOLD' }), 'InvalidParameterValue', 'QosLevel');
        isError(
          await call({ NetworkInterfaceIds: [e1], DirectSendMaxPort: 70000 }),
          'InvalidParameterValue',
          'DirectSendMaxPort',
        );
        isError(await call({ QosLevel: 'AU' }), 'MissingParameter', 'NetworkInterfaceIds');
        isError(await call({ NetworkInterfaceIds: ['eni-bad'], QosLevel: 'AU' }), 'InvalidParameterValue.Malformed');
        const many = Array.from({ length: 101 }, (_, i) => `eni-${String(i).padStart(8, '0')}`);
        isError(await call({ NetworkInterfaceIds: many, QosLevel: 'AU' }), 'InvalidParameterValue.LimitExceeded');
        // Back to the default; the level filter follows.
        await c.ok('vpc', 'ModifyNetworkInterfaceQos', { NetworkInterfaceIds: [e1], QosLevel: 'DEFAULT' });
        const pt = await c.ok('vpc', 'DescribeNetworkInterfaces', {
          Filters: [
            { Name: 'vpc-id', Values: [net.vpcId] },
            { Name: 'eni-qos', Values: ['PT'] },
          ],
        });
        assert.deepEqual(
          pt.NetworkInterfaceSet.map((e: { NetworkInterfaceId: string }) => e.NetworkInterfaceId),
          [e2],
        );
      });
    });
  });
}
