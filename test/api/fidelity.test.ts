import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { eni, expectError, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, startServer, type Answer, type Client, type TestServer } from '../support/harness.ts';
import { commonParams, rawRequest } from '../support/raw-client.ts';
import { sdk3Client, type Client3 } from '../support/sdk3.ts';
import { withSignature } from '../../src/api/v2/signature.ts';

// Name search in every script, filters that narrow, repeated parameters and the order of checks
// (docs/decisions.md: "Name search", "What the request alone decides answers first", "Parameter
// names"). Each case is one a user of the real service would meet.

/** Ids of a Describe answer, wherever the action puts its list. */
function ids(r: Answer): string[] {
  assert.equal(r.code, 0, JSON.stringify(r));
  const rows: Array<Record<string, string | undefined>> =
    r.instanceSet ?? r.data?.detail ?? r.data?.data ?? (Array.isArray(r.data) ? r.data : undefined);
  assert.ok(Array.isArray(rows), JSON.stringify(r));
  return rows.map((x) => x.unInstanceId ?? x.sgId ?? x.networkInterfaceId ?? x.unSubnetId ?? x.unVpcId ?? '');
}

for (const backend of backends()) {
  describe(`v2 fidelity [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client;
    let c3: Client3;
    before(async () => {
      server = await startServer(backend);
      c = server.client();
      c3 = sdk3Client(server.port);
    });
    after(() => server.close());

    describe('name search folds case in every script, and %, _ stay literal', () => {
      // Each searchable text, where a name is written and how it is searched.
      const NAME = 'Äpfel_x%y';
      const HITS = ['Äpfel', 'äpfel', 'ÄPFEL_X%Y', 'Ä', '_x%', NAME];
      const MISSES = ['Apfel', 'äpfelx', 'x_y', 'äpfel%y'];

      async function kinds() {
        const net = await vpcWithSubnet(c);
        const named = await c.call('CreateVpc', {
          vpcName: NAME,
          cidrBlock: '10.1.0.0/16',
          subnetSet: [{ subnetName: NAME, cidrBlock: '10.1.1.0/24', zoneId: '100003' }],
        });
        assert.equal(named.code, 0, named.message);
        const sg = await c.call('CreateSecurityGroup', { sgName: NAME });
        assert.equal(sg.code, 0, sg.message);
        const byName = await eni(c, net, { eniName: NAME });
        const byDescription = await eni(c, net, { eniName: 'plain', eniDescription: NAME });
        const run = await c.run('RunInstances', { zoneId: '100003', cpu: 1, mem: 1, instanceName: NAME });
        return [
          { action: 'DescribeVpcEx', param: 'vpcName', id: named.unVpcId },
          { action: 'DescribeSubnetEx', param: 'subnetName', id: named.subnetSet[0].unSubnetId },
          { action: 'DescribeSecurityGroupEx', param: 'sgName', id: sg.data.sgId },
          { action: 'DescribeNetworkInterfaces', param: 'eniName', id: byName, scope: { vpcId: net.vpcId } },
          {
            action: 'DescribeNetworkInterfaces',
            param: 'eniDescription',
            id: byDescription,
            scope: { vpcId: net.vpcId },
          },
          { action: 'DescribeInstances', param: 'searchWord', id: run.data.instanceIds[0] },
        ];
      }

      it('finds each resource by any case of any part of its name, and nothing else', async () => {
        for (const k of await kinds()) {
          for (const text of HITS) {
            const found = ids(await c.call(k.action, { ...k.scope, [k.param]: text }));
            assert.deepEqual(found, [k.id], `${k.action} ${k.param}=${text}`);
          }
          for (const text of MISSES) {
            const found = ids(await c.call(k.action, { ...k.scope, [k.param]: text }));
            assert.deepEqual(found, [], `${k.action} ${k.param}=${text} must not match ${NAME}`);
          }
        }
      });

      it('finds a name by its own text, whatever the script folds it to', async () => {
        const net = await vpcWithSubnet(c);
        const cases: Array<[name: string, searches: string[]]> = [
          ['ΟΔΟΣ', ['ΟΔΟΣ', 'οδος', 'οδοσ', 'ΔΟΣ']],
          ['İstanbul', ['İstanbul', 'İSTANBUL', 'i̇stanbul']],
          ['Straße', ['Straße', 'STRASSE', 'strasse', 'ß']],
          ['ǅemal', ['ǅemal', 'Ǆemal', 'ǆemal']],
          // The same text decomposed: a name typed on another keyboard is the same name.
          ['Café', ['Café', 'CAFÉ', 'cafe\u0301']],
        ];
        for (const [name, searches] of cases) {
          const id = await eni(c, net, { eniName: name });
          for (const text of searches) {
            const found = ids(await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, eniName: text }));
            assert.deepEqual(found, [id], `eniName=${text} finds ${name}`);
          }
        }
      });

      it('a renamed ENI is found by its new name only', async () => {
        const net = await vpcWithSubnet(c);
        const id = await eni(c, net, { eniName: 'Ελλάδα' });
        const r = await c.call('ModifyNetworkInterface', {
          vpcId: net.vpcId,
          networkInterfaceId: id,
          eniName: 'Ωμέγα',
        });
        assert.equal(r.code, 0, r.message);
        const search = async (eniName: string) =>
          ids(await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, eniName }));
        assert.deepEqual(await search('ωμέγα'), [id]);
        assert.deepEqual(await search('ελλάδα'), []);
      });

      it('API 3.0 searches with the same rule (one core)', async () => {
        const v = await c3.ok('vpc', 'CreateVpc', { VpcName: 'Ärger-3', CidrBlock: '10.9.0.0/16' });
        const r = await c3.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'vpc-name', Values: ['ärger'] }] });
        assert.deepEqual(
          r.VpcSet.map((x: { VpcId: string }) => x.VpcId),
          [v.Vpc.VpcId],
        );
      });
    });

    describe('a second filter narrows; only an id naming nothing is NotFound', () => {
      it('DescribeSubnetEx: subnetId with a name or zone that does not match → an empty list', async () => {
        const net = await vpcWithSubnet(c, { zone: '100003' });
        const cases = [{ subnetName: 'nomatch' }, { zoneIds: ['100002'] }];
        for (const extra of cases) {
          const r = await c.call('DescribeSubnetEx', { subnetId: net.subnetId, ...extra });
          assert.deepEqual([r.code, r.totalCount, ids(r)], [0, 0, []], JSON.stringify(extra));
        }
        const r = await c.call('DescribeSubnetEx', { subnetId: 'subnet-nothere0', subnetName: 'nomatch' });
        expectError(r, 5000, 'InvalidSubnet.NotFound', 'subnet-nothere0');
      });

      it('DescribeSecurityGroupEx: sgId with a name that does not match → an empty list', async () => {
        const sg = await c.call('CreateSecurityGroup', { sgName: 'narrow' });
        const r = await c.call('DescribeSecurityGroupEx', { sgId: sg.data.sgId, sgName: 'nomatch' });
        assert.deepEqual([r.code, r.data.totalNum, ids(r)], [0, 0, []]);
        const missing = await c.call('DescribeSecurityGroupEx', { sgId: 'sg-nothere0', sgName: 'nomatch' });
        expectError(missing, 5000, 'InvalidSecurityGroup.NotFound', 'sg-nothere0');
      });

      it('DescribeVpcEx: vpcId with a name that does not match → an empty list', async () => {
        const net = await vpcWithSubnet(c);
        const r = await c.call('DescribeVpcEx', { vpcId: net.vpcId, vpcName: 'nomatch' });
        assert.deepEqual([r.code, r.totalCount, ids(r)], [0, 0, []]);
      });
    });

    describe('what the request alone decides answers 4000 before any lookup', () => {
      const NO_VPC = 'vpc-nothere0';
      const NO_SUBNET = 'subnet-nothere0';

      it('CreateSubnet in an unknown VPC with a bad block → 4000 InvalidSubnetCidr', async () => {
        for (const cidrBlock of ['garbage', '10.0.0.0/33', '10.0.0.300/24', '10.0.0.0/8', '10.0.0.1/24']) {
          const r = await c.call('CreateSubnet', {
            vpcId: NO_VPC,
            subnetSet: [{ subnetName: 's', cidrBlock, zoneId: '100003' }],
          });
          expectError(r, 4000, 'InvalidSubnetCidr', 'subnetSet.0.cidrBlock');
        }
      });

      it('CreateSubnet in an unknown VPC with two overlapping blocks → 4000 InvalidSubnet.Conflict', async () => {
        const r = await c.call('CreateSubnet', {
          vpcId: NO_VPC,
          subnetSet: [
            { subnetName: 'a', cidrBlock: '10.0.1.0/24', zoneId: '100003' },
            { subnetName: 'b', cidrBlock: '10.0.1.0/25', zoneId: '100003' },
          ],
        });
        expectError(r, 4000, 'InvalidSubnet.Conflict', 'subnetSet.1.cidrBlock');
      });

      it('CreateVpc: a bad subnet block answers before an unknown zone of an earlier subnet', async () => {
        const r = await c.call('CreateVpc', {
          vpcName: 'order',
          cidrBlock: '10.0.0.0/16',
          subnetSet: [
            { subnetName: 'a', cidrBlock: '10.0.1.0/24', zoneId: '999999' },
            { subnetName: 'b', cidrBlock: 'garbage', zoneId: '100003' },
          ],
        });
        expectError(r, 4000, 'InvalidSubnetCidr', 'subnetSet.1.cidrBlock');
      });

      it('a security group listed twice, with an unknown VPC → 4000 naming sgIds', async () => {
        const sg = await c.call('CreateSecurityGroup', { sgName: 'twice' });
        const sgIds = [sg.data.sgId, sg.data.sgId];
        const create = await c.call('CreateNetworkInterface', {
          vpcId: NO_VPC,
          subnetId: NO_SUBNET,
          eniName: 'x',
          sgIds,
        });
        expectError(create, 4000, 'InvalidParameterValue', 'sgIds.1');
        const run = await c.call('RunInstances', { zoneId: '100003', vpcId: NO_VPC, subnetId: NO_SUBNET, sgIds });
        expectError(run, 4000, 'InvalidParameterValue', 'sgIds.1');
      });

      it('an address listed twice, with an unknown VPC or ENI → 4000 naming the second', async () => {
        const privateIpAddressSet = [{ privateIpAddress: '10.0.1.9' }, { privateIpAddress: '10.0.1.9' }];
        const create = await c.call('CreateNetworkInterface', {
          vpcId: NO_VPC,
          subnetId: NO_SUBNET,
          eniName: 'x',
          privateIpAddressSet,
        });
        expectError(create, 4000, 'InvalidParameterValue', 'privateIpAddressSet.1.privateIpAddress');
        const assign = await c.call('AssignPrivateIpAddresses', {
          vpcId: NO_VPC,
          networkInterfaceId: 'eni-nothere0',
          privateIpAddressSet,
        });
        expectError(assign, 4000, 'InvalidParameterValue', 'privateIpAddressSet.1.privateIpAddress');
        const unassign = await c.call('UnassignPrivateIpAddresses', {
          vpcId: NO_VPC,
          networkInterfaceId: 'eni-nothere0',
          privateIpAddress: ['10.0.1.9', '10.0.1.9'],
        });
        expectError(unassign, 4000, 'InvalidParameterValue', 'privateIpAddress.1');
      });
    });

    describe('a repeated parameter', () => {
      /** Signs pairs as given (a name may repeat) with `secretKey`, and posts them. */
      async function post(pairs: Array<[string, string]>, o: { secretId?: string; secretKey?: string } = {}) {
        const common = Object.entries(commonParams({ secretId: o.secretId }));
        const signed = withSignature([...common, ...pairs], {
          secretKey: o.secretKey ?? ACCOUNT_A.secretKey,
          method: 'POST',
          host: server.host,
        });
        const res = await rawRequest(server.port, {
          method: 'POST',
          target: '/v2/index.php',
          body: new URLSearchParams(signed).toString(),
        });
        return JSON.parse(res.text) as Answer;
      }
      const limitTwice: Array<[string, string]> = [
        ['Action', 'DescribeVpcEx'],
        ['limit', '5'],
        ['limit', '6'],
      ];

      it('waits for authentication and the Action lookup', async () => {
        expectError(await post(limitTwice, { secretId: 'AKIDnobody' }), 4104, 'AuthFailure.SecretIdNotFound');
        expectError(await post(limitTwice, { secretKey: 'wrong' }), 4100, 'AuthFailure.SignatureFailure');
        const unknown: Array<[string, string]> = [['Action', 'DescribeNothing'], ...limitTwice.slice(1)];
        expectError(await post(unknown), 6100, 'InvalidAction.NotFound');
      });

      it('is refused when the action reads it: 4000 naming it', async () => {
        expectError(await post(limitTwice), 4000, 'InvalidParameter', 'limit');
      });

      it('is ignored when the action does not define it', async () => {
        const r = await post([
          ['Action', 'DescribeVpcEx'],
          ['RequestClient', 'a'],
          ['RequestClient', 'b'],
        ]);
        assert.equal(r.code, 0, r.message);
      });

      it('a repeated common parameter is refused before the key is looked up', async () => {
        const r = await post([
          ['Action', 'DescribeVpcEx'],
          ['Region', 'sh'],
        ]);
        expectError(r, 4000, 'InvalidParameter', 'Region');
      });
    });

    it('a primary ENI named after a 60-character instance name stays within 60 characters', async () => {
      const net = await vpcWithSubnet(c);
      const instanceName = 'Ж'.repeat(60);
      const run = await c.run('RunInstances', { zoneId: '100003', ...net, instanceName });
      assert.equal(run.task.data.status, 0, JSON.stringify(run.task));
      const id = run.data.instanceIds[0];
      const r = await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, instanceId: id });
      const primary = r.data.data[0];
      assert.equal(primary.eniName, 'Ж'.repeat(52) + '-primary');
      assert.deepEqual(ids(await c.call('DescribeNetworkInterfaces', { vpcId: net.vpcId, eniName: primary.eniName })), [
        primary.networkInterfaceId,
      ]);
      const back = await c.call('ModifyNetworkInterface', {
        vpcId: net.vpcId,
        networkInterfaceId: primary.networkInterfaceId,
        eniName: primary.eniName,
      });
      assert.equal(back.code, 0, back.message);
    });

    describe('DescribeInstances lanIps.N and projectId', () => {
      it('lanIps.N finds the instances whose private IP (lanIp) is listed', async () => {
        // Addresses no other test's VPC uses: an address is only unique within its VPC.
        const net = await vpcWithSubnet(c, { cidr: '10.77.0.0/16', subnetCidr: '10.77.1.0/24' });
        const a = await instance(c, net);
        const b = await instance(c, net);
        await instance(c, net);
        const all = await c.call('DescribeInstances', { instanceIds: [a, b] });
        const lanIp = (id: string) =>
          all.instanceSet.find((i: { unInstanceId: string }) => i.unInstanceId === id).lanIp;
        assert.deepEqual(ids(await c.call('DescribeInstances', { lanIps: [lanIp(a)] })), [a]);
        const both = ids(await c.call('DescribeInstances', { lanIps: [lanIp(a), lanIp(b)] }));
        assert.deepEqual(both.sort(), [a, b].sort());
        assert.deepEqual(ids(await c.call('DescribeInstances', { lanIps: ['10.77.1.254'] })), []);
        const bad = await c.call('DescribeInstances', { lanIps: ['10.0.0.256'] });
        expectError(bad, 4000, 'InvalidParameterValue', 'lanIps.0');
      });

      it('projectId finds the instances of one project (0 is the default)', async () => {
        const v2 = await instance(c, null);
        const launched = await c3.ok('cvm', 'RunInstances', {
          Placement: { Zone: 'ap-guangzhou-3', ProjectId: 7 },
          InstanceType: 'S5.MEDIUM4',
          ImageId: 'img-pmqg1cw7',
        });
        const inProject = launched.InstanceIdSet[0];
        const seven = await c.call('DescribeInstances', { projectId: 7 });
        assert.deepEqual(ids(seven), [inProject]);
        assert.equal(seven.instanceSet[0].projectId, 7);
        const zero = ids(await c.call('DescribeInstances', { projectId: 0, limit: 100 }));
        assert.ok(zero.includes(v2) && !zero.includes(inProject));
        assert.deepEqual(ids(await c.call('DescribeInstances', { projectId: 8 })), []);
        expectError(await c.call('DescribeInstances', { projectId: -1 }), 4000, 'InvalidParameterValue', 'projectId');
      });
    });
  });
}
