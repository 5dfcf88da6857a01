import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';
import { tc3 } from '../support/raw3.ts';
import { isError, sdk3Client, type Client3 } from '../support/sdk3.ts';

// Tags through the official 3.0 SDK: given at creation (Tags, TagSpecification) on VPCs, subnets,
// security groups, ENIs and instances, shown in TagSet/Tags, matched by the tag-key and tag:<key>
// filters, read and changed through the tag service (tag 2018-08-13), per account and region, and
// deleted with their resource.

const unique = () => randomBytes(4).toString('hex');
const md5 = (t: string) => createHash('md5').update(t).digest('hex');
const ZONE = 'ap-guangzhou-3';

for (const backend of backends()) {
  describe(`API 3.0 tags [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let b: Client3;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_QUOTA_VPCS: '500' });
      c = sdk3Client(server.port);
      b = sdk3Client(server.port, { account: ACCOUNT_B });
    });
    after(() => server.close());

    async function vpc(tags?: unknown, client = c): Promise<string> {
      const r = await client.ok('vpc', 'CreateVpc', { VpcName: 'v-' + unique(), CidrBlock: '10.0.0.0/16', Tags: tags });
      return r.Vpc.VpcId;
    }
    async function subnet(vpcId: string, tags?: unknown, cidr = '10.0.1.0/24'): Promise<string> {
      const r = await c.ok('vpc', 'CreateSubnet', {
        VpcId: vpcId,
        SubnetName: 's',
        CidrBlock: cidr,
        Zone: ZONE,
        Tags: tags,
      });
      return r.Subnet.SubnetId;
    }
    async function group(tags?: unknown): Promise<string> {
      const r = await c.ok('vpc', 'CreateSecurityGroup', { GroupName: 'g', GroupDescription: '', Tags: tags });
      return r.SecurityGroup.SecurityGroupId;
    }
    async function eni(net: { vpcId: string; subnetId: string }, tags?: unknown): Promise<string> {
      const r = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: net.vpcId,
        SubnetId: net.subnetId,
        NetworkInterfaceName: 'e',
        Tags: tags,
      });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      return r.NetworkInterface.NetworkInterfaceId;
    }
    async function instance(net: { vpcId: string; subnetId: string }, tags?: unknown): Promise<string> {
      const r = await c.ok('cvm', 'RunInstances', {
        Placement: { Zone: ZONE },
        ImageId: 'img-00000000',
        InstanceType: 'S5.MEDIUM4',
        VirtualPrivateCloud: { VpcId: net.vpcId, SubnetId: net.subnetId },
        TagSpecification: tags === undefined ? undefined : [{ ResourceType: 'instance', Tags: tags }],
      });
      assert.equal((await c.waitTask(r.RequestId)).Status, 'SUCCESS');
      return r.InstanceIdSet[0];
    }
    const tagsOf = async (service: string, prefix: string, ids: string[], client = c, region = 'ap-guangzhou') =>
      (
        await client.ok('tag', 'DescribeResourceTagsByResourceIds', {
          ServiceType: service,
          ResourcePrefix: prefix,
          ResourceIds: ids,
          ResourceRegion: region,
          Limit: 100,
        })
      ).Tags as Array<Record<string, string>>;
    const pairs = (tags: Array<Record<string, string>>) => tags.map((t) => `${t.ResourceId}:${t.TagKey}=${t.TagValue}`);
    const modify = (resource: string, params: Record<string, unknown>, client = c) =>
      client.call('tag', 'ModifyResourceTags', { Resource: resource, ...params });

    it('keeps the tags given at creation on every kind of resource, and shows them', async () => {
      const given = [
        { Key: 'team', Value: 'net' },
        { Key: 'env', Value: '' },
      ];
      // Stored as given; shown ordered by key; a Value left out is "".
      const shown = [
        { Key: 'env', Value: '' },
        { Key: 'team', Value: 'net' },
      ];
      const created = await c.ok('vpc', 'CreateVpc', {
        VpcName: 't',
        CidrBlock: '10.0.0.0/16',
        Tags: [{ Key: 'team', Value: 'net' }, { Key: 'env' }],
      });
      assert.deepEqual(created.Vpc.TagSet, given);
      const vpcId = created.Vpc.VpcId;
      assert.deepEqual((await c.ok('vpc', 'DescribeVpcs', { VpcIds: [vpcId] })).VpcSet[0].TagSet, shown);

      const s = await c.ok('vpc', 'CreateSubnet', {
        VpcId: vpcId,
        SubnetName: 's',
        CidrBlock: '10.0.1.0/24',
        Zone: ZONE,
        Tags: given,
      });
      assert.deepEqual(s.Subnet.TagSet, given);
      const many = await c.ok('vpc', 'CreateSubnets', {
        VpcId: vpcId,
        Subnets: [
          { CidrBlock: '10.0.2.0/24', SubnetName: 'a', Zone: ZONE },
          { CidrBlock: '10.0.3.0/24', SubnetName: 'b', Zone: ZONE },
        ],
        Tags: [{ Key: 'tier', Value: 'web' }],
      });
      const subnetIds = [s.Subnet.SubnetId, ...many.SubnetSet.map((x: any) => x.SubnetId)];
      const subnets = await c.ok('vpc', 'DescribeSubnets', { SubnetIds: subnetIds });
      const byId = new Map(subnets.SubnetSet.map((x: any) => [x.SubnetId, x.TagSet]));
      assert.deepEqual(byId.get(subnetIds[0]), shown);
      assert.deepEqual(byId.get(subnetIds[1]), [{ Key: 'tier', Value: 'web' }]);
      assert.deepEqual(byId.get(subnetIds[2]), [{ Key: 'tier', Value: 'web' }]);

      const sg = await c.ok('vpc', 'CreateSecurityGroup', { GroupName: 'g', GroupDescription: '', Tags: given });
      assert.deepEqual(sg.SecurityGroup.TagSet, given);
      const sgId = sg.SecurityGroup.SecurityGroupId;
      assert.deepEqual(
        (await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [sgId] })).SecurityGroupSet[0].TagSet,
        shown,
      );

      const net = { vpcId, subnetId: subnetIds[0]! };
      const e = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: vpcId,
        SubnetId: net.subnetId,
        NetworkInterfaceName: 'e',
        Tags: given,
      });
      assert.deepEqual(e.NetworkInterface.TagSet, given);
      await c.waitTask(e.RequestId);
      const eniId = e.NetworkInterface.NetworkInterfaceId;
      assert.deepEqual(
        (await c.ok('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [eniId] })).NetworkInterfaceSet[0]
          .TagSet,
        shown,
      );

      // RunInstances: the `instance` entry of TagSpecification; other resource types have no
      // resources here and are ignored.
      const run = await c.ok('cvm', 'RunInstances', {
        Placement: { Zone: ZONE },
        ImageId: 'img-00000000',
        VirtualPrivateCloud: net,
        TagSpecification: [
          { ResourceType: 'instance', Tags: given },
          { ResourceType: 'disk', Tags: [{ Key: 'ignored', Value: 'x' }] },
        ],
      });
      const insId = run.InstanceIdSet[0];
      // Shown at once, while the instance is PENDING, and after.
      const pending = await c.ok('cvm', 'DescribeInstances', { InstanceIds: [insId] });
      assert.deepEqual(pending.InstanceSet[0].Tags, shown);
      await c.waitTask(run.RequestId);
      assert.deepEqual((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [insId] })).InstanceSet[0].Tags, shown);

      // The tag service reads the same tags, each with every TagResource field.
      assert.deepEqual(await tagsOf('vpc', 'vpc', [vpcId]), [
        {
          TagKey: 'env',
          TagValue: '',
          ResourceId: vpcId,
          TagKeyMd5: md5('env'),
          TagValueMd5: md5(''),
          ServiceType: 'vpc',
          Category: 'Custom',
        },
        {
          TagKey: 'team',
          TagValue: 'net',
          ResourceId: vpcId,
          TagKeyMd5: md5('team'),
          TagValueMd5: md5('net'),
          ServiceType: 'vpc',
          Category: 'Custom',
        },
      ]);
      const expect = (id: string) => [`${id}:env=`, `${id}:team=net`];
      assert.deepEqual(pairs(await tagsOf('vpc', 'subnet', [subnetIds[0]!])), expect(subnetIds[0]!));
      assert.deepEqual(pairs(await tagsOf('cvm', 'sg', [sgId])), expect(sgId));
      assert.deepEqual(pairs(await tagsOf('vpc', 'sg', [sgId])), expect(sgId));
      assert.deepEqual(pairs(await tagsOf('vpc', 'eni', [eniId])), expect(eniId));
      assert.deepEqual(pairs(await tagsOf('cvm', 'instance', [insId])), expect(insId));
      // A resource of another kind than the prefix names has none of that kind.
      assert.deepEqual(await tagsOf('vpc', 'subnet', ['subnet-' + vpcId.slice(4)]), []);
      // Without tags: an empty TagSet, and nothing from the tag service.
      const plain = await vpc();
      assert.deepEqual((await c.ok('vpc', 'DescribeVpcs', { VpcIds: [plain] })).VpcSet[0].TagSet, []);
      assert.deepEqual(await tagsOf('vpc', 'vpc', [plain]), []);
    });

    it('tag-key and tag:<key> filters on VPCs, subnets, security groups, ENIs and instances', async () => {
      const k = 'k' + unique();
      const v1 = await vpc([
        { Key: k, Value: 'prod' },
        { Key: 'owner', Value: 'ana' },
      ]);
      const v2 = await vpc([{ Key: k, Value: 'dev' }]);
      const v3 = await vpc();
      const all = [v1, v2, v3];
      const vpcs = async (...f: Array<[string, string[]]>) =>
        (
          await c.ok('vpc', 'DescribeVpcs', {
            Filters: [{ Name: 'vpc-id', Values: all }, ...f.map(([Name, Values]) => ({ Name, Values }))],
          })
        ).VpcSet.map((x: any) => x.VpcId).sort();
      const sorted = (...ids: string[]) => ids.sort();
      assert.deepEqual(await vpcs(['tag-key', [k]]), sorted(v1, v2));
      assert.deepEqual(await vpcs(['tag-key', ['owner', 'nobody']]), [v1]);
      assert.deepEqual(await vpcs([`tag:${k}`, ['prod']]), [v1]);
      assert.deepEqual(await vpcs([`tag:${k}`, ['prod', 'dev']]), sorted(v1, v2));
      // Several tag filters must all hold; values are exact (no case folding, no substring).
      assert.deepEqual(await vpcs([`tag:${k}`, ['prod', 'dev']], ['tag-key', ['owner']]), [v1]);
      assert.deepEqual(await vpcs([`tag:${k}`, ['PROD']]), []);
      assert.deepEqual(await vpcs([`tag:${k}`, ['pro']]), []);
      assert.deepEqual(await vpcs([`tag:${k}`, []]), []);
      assert.deepEqual(await vpcs(['tag:nope', ['prod']]), []);
      assert.equal((await vpcs()).length, 3);

      const s1 = await subnet(v1, [{ Key: k, Value: 'a' }]);
      const s2 = await subnet(v1, undefined, '10.0.2.0/24');
      const subnets = async (name: string, values: string[]) =>
        (
          await c.ok('vpc', 'DescribeSubnets', {
            Filters: [
              { Name: 'vpc-id', Values: [v1] },
              { Name: name, Values: values },
            ],
          })
        ).SubnetSet.map((x: any) => x.SubnetId);
      assert.deepEqual(await subnets('tag-key', [k]), [s1]);
      assert.deepEqual(await subnets(`tag:${k}`, ['a']), [s1]);
      assert.deepEqual(await subnets(`tag:${k}`, ['b']), []);
      assert.equal((await subnets('vpc-id', [v1])).length, 2);
      assert.ok((await subnets('vpc-id', [v1])).includes(s2));

      const g1 = await group([{ Key: k, Value: 'x' }]);
      const g2 = await group();
      const groups = async (name: string, values: string[]) =>
        (
          await c.ok('vpc', 'DescribeSecurityGroups', {
            Filters: [
              { Name: 'security-group-id', Values: [g1, g2] },
              { Name: name, Values: values },
            ],
          })
        ).SecurityGroupSet.map((x: any) => x.SecurityGroupId);
      assert.deepEqual(await groups('tag-key', [k]), [g1]);
      assert.deepEqual(await groups(`tag:${k}`, ['x']), [g1]);
      assert.deepEqual(await groups(`tag:${k}`, ['y']), []);

      const net = { vpcId: v1, subnetId: s1 };
      const e1 = await eni(net, [{ Key: k, Value: 'e' }]);
      const e2 = await eni(net);
      const enis = async (name: string, values: string[]) =>
        (
          await c.ok('vpc', 'DescribeNetworkInterfaces', {
            Filters: [
              { Name: 'subnet-id', Values: [s1] },
              { Name: name, Values: values },
            ],
          })
        ).NetworkInterfaceSet.map((x: any) => x.NetworkInterfaceId);
      assert.deepEqual(await enis('tag-key', [k]), [e1]);
      assert.deepEqual(await enis(`tag:${k}`, ['e']), [e1]);
      assert.deepEqual((await enis('subnet-id', [s1])).sort(), sorted(e1, e2));

      const i1 = await instance(net, [{ Key: k, Value: 'vm' }]);
      const i2 = await instance(net);
      const instances = async (name: string, values: string[]) =>
        (
          await c.ok('cvm', 'DescribeInstances', {
            Filters: [
              { Name: 'vpc-id', Values: [v1] },
              { Name: name, Values: values },
            ],
          })
        ).InstanceSet.map((x: any) => x.InstanceId);
      assert.deepEqual(await instances('tag-key', [k]), [i1]);
      assert.deepEqual(await instances(`tag:${k}`, ['vm']), [i1]);
      assert.deepEqual(await instances('tag-value', ['vm']), [i1]);
      assert.deepEqual(await instances('tag-value', ['nothing']), []);
      assert.deepEqual((await instances('vpc-id', [v1])).sort(), sorted(i1, i2));
    });

    it('ModifyResourceTags sets, changes and deletes tags of each kind; reads and filters follow', async () => {
      const vpcId = await vpc([{ Key: 'keep', Value: '1' }]);
      const subnetId = await subnet(vpcId);
      const sgId = await group();
      const eniId = await eni({ vpcId, subnetId });
      const insId = await instance({ vpcId, subnetId });
      const cases = [
        { resource: `qcs::vpc:ap-guangzhou:uin/:vpc/${vpcId}`, service: 'vpc', prefix: 'vpc', id: vpcId },
        { resource: `qcs::vpc:ap-guangzhou:uin/:subnet/${subnetId}`, service: 'vpc', prefix: 'subnet', id: subnetId },
        { resource: `qcs::cvm:ap-guangzhou:uin/:sg/${sgId}`, service: 'cvm', prefix: 'sg', id: sgId },
        { resource: `qcs::vpc:ap-guangzhou:uin/:eni/${eniId}`, service: 'vpc', prefix: 'eni', id: eniId },
        // A project and an account number may be written; a short region name works too.
        { resource: `qcs:0:cvm:gz:uin/100000000001:instance/${insId}`, service: 'cvm', prefix: 'instance', id: insId },
      ];
      for (const k of cases) {
        const set = await modify(k.resource, {
          ReplaceTags: [
            { TagKey: 'a', TagValue: '1' },
            { TagKey: 'b', TagValue: '2' },
          ],
        });
        assert.ok(!('Error' in set), JSON.stringify(set));
        assert.match(set.RequestId!, /^[0-9a-f-]{36}$/);
        await c.ok('tag', 'ModifyResourceTags', {
          Resource: k.resource,
          ReplaceTags: [{ TagKey: 'a', TagValue: 'changed' }],
          // A key the resource does not have changes nothing.
          DeleteTags: [{ TagKey: 'b' }, { TagKey: 'never-set' }],
        });
        const now = pairs(await tagsOf(k.service, k.prefix, [k.id])).filter((p) => !p.includes(':keep='));
        assert.deepEqual(now, [`${k.id}:a=changed`], k.resource);
      }
      assert.deepEqual((await c.ok('vpc', 'DescribeVpcs', { VpcIds: [vpcId] })).VpcSet[0].TagSet, [
        { Key: 'a', Value: 'changed' },
        { Key: 'keep', Value: '1' },
      ]);
      assert.deepEqual((await c.ok('vpc', 'DescribeSubnets', { SubnetIds: [subnetId] })).SubnetSet[0].TagSet, [
        { Key: 'a', Value: 'changed' },
      ]);
      assert.deepEqual(
        (await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [sgId] })).SecurityGroupSet[0].TagSet,
        [{ Key: 'a', Value: 'changed' }],
      );
      const described = await c.ok('vpc', 'DescribeNetworkInterfaces', {
        Filters: [
          { Name: 'tag:a', Values: ['changed'] },
          { Name: 'vpc-id', Values: [vpcId] },
        ],
      });
      assert.deepEqual(
        described.NetworkInterfaceSet.map((x: any) => [x.NetworkInterfaceId, x.TagSet]),
        [[eniId, [{ Key: 'a', Value: 'changed' }]]],
      );
      assert.deepEqual((await c.ok('cvm', 'DescribeInstances', { InstanceIds: [insId] })).InstanceSet[0].Tags, [
        { Key: 'a', Value: 'changed' },
      ]);
      // Deleting every tag leaves an empty TagSet.
      await c.ok('tag', 'ModifyResourceTags', { Resource: cases[2]!.resource, DeleteTags: [{ TagKey: 'a' }] });
      assert.deepEqual(
        (await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [sgId] })).SecurityGroupSet[0].TagSet,
        [],
      );
    });

    it('DescribeResourceTagsByResourceIds pages by resource, then key', async () => {
      const a = await vpc([
        { Key: 'k1', Value: 'x' },
        { Key: 'k2', Value: 'y' },
        { Key: 'k3', Value: 'z' },
      ]);
      const other = await vpc([{ Key: 'k0', Value: 'w' }]);
      const [first, second] = [a, other].sort();
      const ask = (o: Record<string, unknown>) =>
        c.ok('tag', 'DescribeResourceTagsByResourceIds', {
          ServiceType: 'vpc',
          ResourcePrefix: 'vpc',
          ResourceIds: [a, other],
          ResourceRegion: 'ap-guangzhou',
          ...o,
        });
      const everything = (await ask({ Limit: 20 })).Tags.map((t: any) => `${t.ResourceId}:${t.TagKey}`);
      const order = [first, second].flatMap((id) => (id === a ? ['k1', 'k2', 'k3'] : ['k0']).map((k) => `${id}:${k}`));
      assert.deepEqual(everything, order);
      const p1 = await ask({ Limit: 2, Offset: 0 });
      const p2 = await ask({ Limit: 2, Offset: 2 });
      const p3 = await ask({ Limit: 2, Offset: 4 });
      assert.deepEqual([p1.TotalCount, p1.Offset, p1.Limit, p1.Tags.length], [4, 0, 2, 2]);
      assert.deepEqual([p2.TotalCount, p2.Offset, p2.Limit, p2.Tags.length], [4, 2, 2, 2]);
      assert.deepEqual([p3.TotalCount, p3.Tags.length], [4, 0]);
      assert.deepEqual(
        [...p1.Tags, ...p2.Tags].map((t: any) => `${t.ResourceId}:${t.TagKey}`),
        order,
      );
      // Default page: 15. System tags: none. Ids that name nothing: no tags.
      assert.equal((await ask({})).Limit, 15);
      assert.deepEqual((await ask({ Category: 'System' })).Tags, []);
      assert.equal((await ask({ Category: 'Custom' })).TotalCount, 4);
      assert.deepEqual((await ask({ ResourceIds: ['vpc-00000000'] })).Tags, []);
    });

    it('tags belong to the account and region of their resource', async () => {
      const mine = await vpc([{ Key: 'secret', Value: 'a' }]);
      const name = `qcs::vpc:ap-guangzhou:uin/:vpc/${mine}`;
      // Another account reads none of them, and cannot tag the resource: to it, it does not exist.
      assert.deepEqual(await tagsOf('vpc', 'vpc', [mine], b), []);
      const theirs = await modify(name, { ReplaceTags: [{ TagKey: 'x', TagValue: '1' }] }, b);
      const missing = await modify('qcs::vpc:ap-guangzhou:uin/:vpc/vpc-00000000', { DeleteTags: [{ TagKey: 'x' }] }, b);
      isError(theirs, 'ResourceNotFound', mine);
      isError(missing, 'ResourceNotFound', 'vpc-00000000');
      assert.equal(
        (theirs as any).Error.Message.replace(mine, 'ID'),
        (missing as any).Error.Message.replace('vpc-00000000', 'ID'),
      );
      // Its filters do not see them either.
      const bVpc = await vpc([{ Key: 'secret', Value: 'b' }], b);
      const seen = await b.ok('vpc', 'DescribeVpcs', { Filters: [{ Name: 'tag-key', Values: ['secret'] }] });
      assert.deepEqual(
        seen.VpcSet.map((x: any) => x.VpcId),
        [bVpc],
      );
      // Another region holds none of the resources of this one.
      assert.deepEqual(await tagsOf('vpc', 'vpc', [mine], c, 'ap-shanghai'), []);
      isError(
        await modify(`qcs::vpc:ap-shanghai:uin/:vpc/${mine}`, { ReplaceTags: [{ TagKey: 'x', TagValue: '1' }] }),
        'ResourceNotFound',
      );
      assert.deepEqual(pairs(await tagsOf('vpc', 'vpc', [mine])), [`${mine}:secret=a`]);
    });

    it('refuses broken tag rules at creation with the VPC and CVM codes, naming the parameter', async () => {
      const create = (tags: unknown) =>
        c.call('vpc', 'CreateVpc', { VpcName: 'x', CidrBlock: '10.0.0.0/16', Tags: tags });
      isError(await create([{ Key: '', Value: 'a' }]), 'InvalidParameterValue.TagInvalidKey', 'Tags.0.Key');
      isError(await create([{ Key: 'k'.repeat(128) }]), 'InvalidParameterValue.TagInvalidKeyLen', 'Tags.0.Key');
      isError(
        await create([{ Key: 'k', Value: 'v'.repeat(256) }]),
        'InvalidParameterValue.TagInvalidVal',
        'Tags.0.Value',
      );
      isError(await create([{ Key: 'k\u0001' }]), 'InvalidParameterValue.TagInvalidKey', 'Tags.0.Key');
      isError(
        await create([{ Key: 'a' }, { Key: 'b' }, { Key: 'a', Value: '2' }]),
        'InvalidParameterValue.TagDuplicateKey',
        'Tags.2.Key',
      );
      isError(await create([{ Key: 'qcloud:x' }]), 'UnsupportedOperation.TagSystemReservedTagKey', 'Tags.0.Key');
      isError(await create([{ Key: 'Tencent-owned' }]), 'UnsupportedOperation.TagSystemReservedTagKey');
      const fiftyOne = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
      isError(await create(fiftyOne), 'LimitExceeded.TagKeyPerResourceExceeded', 'Tags');
      isError(await create([{ Value: 'x' }]), 'MissingParameter', 'Tags.0.Key');
      isError(await create([{ Key: ['x'] }]), 'InvalidParameter', 'Tags.0.Key');
      isError(await create({ Key: 'x' }), 'InvalidParameter', 'Tags');
      // 127-character keys, 255-character values and 50 tags are allowed; nothing was created above.
      const limits = [{ Key: 'k'.repeat(127), Value: 'v'.repeat(255) }, ...fiftyOne.slice(0, 49)];
      const ok = await c.ok('vpc', 'CreateVpc', { VpcName: 'limits', CidrBlock: '10.0.0.0/16', Tags: limits });
      assert.equal(ok.Vpc.TagSet.length, 50);
      // The same rules on the other creates.
      const net = await vpc();
      isError(
        await c.call('vpc', 'CreateSubnet', {
          VpcId: net,
          SubnetName: 's',
          CidrBlock: '10.0.1.0/24',
          Zone: ZONE,
          Tags: [{ Key: '' }],
        }),
        'InvalidParameterValue.TagInvalidKey',
        'Tags.0.Key',
      );
      isError(
        await c.call('vpc', 'CreateSecurityGroup', {
          GroupName: 'g',
          GroupDescription: '',
          Tags: [{ Key: 'project' }],
        }),
        'UnsupportedOperation.TagSystemReservedTagKey',
      );
      const subnetId = await subnet(net);
      isError(
        await c.call('vpc', 'CreateNetworkInterface', {
          VpcId: net,
          SubnetId: subnetId,
          NetworkInterfaceName: 'e',
          Tags: [{ Key: 'a' }, { Key: 'a' }],
        }),
        'InvalidParameterValue.TagDuplicateKey',
        'Tags.1.Key',
      );
      // CVM names them its own way.
      const run = (tags: unknown) =>
        c.call('cvm', 'RunInstances', {
          Placement: { Zone: ZONE },
          ImageId: 'img-00000000',
          VirtualPrivateCloud: { VpcId: net, SubnetId: subnetId },
          TagSpecification: [{ ResourceType: 'instance', Tags: tags }],
        });
      isError(await run([{ Key: '' }]), 'FailedOperation.IllegalTagKey', 'TagSpecification.Tags.0.Key');
      isError(await run([{ Key: 'k', Value: 'v'.repeat(256) }]), 'FailedOperation.IllegalTagValue');
      isError(await run([{ Key: 'a' }, { Key: 'a' }]), 'InvalidParameterValue.DuplicateTags');
      isError(await run([{ Key: 'qcloud' }]), 'FailedOperation.TagKeyReserved');
      isError(await run(fiftyOne), 'InvalidParameterValue.TagQuotaLimitExceeded');
      // Nothing of the refused calls was made.
      const left = await c.ok('vpc', 'DescribeNetworkInterfaces', { Filters: [{ Name: 'vpc-id', Values: [net] }] });
      assert.equal(left.TotalCount, 0);
      assert.equal(
        (await c.ok('cvm', 'DescribeInstances', { Filters: [{ Name: 'vpc-id', Values: [net] }] })).TotalCount,
        0,
      );
    });

    it('ModifyResourceTags refusals: the tag service codes', async () => {
      const vpcId = await vpc(Array.from({ length: 45 }, (_, i) => ({ Key: `k${i}`, Value: '' })));
      const res = `qcs::vpc:ap-guangzhou:uin/:vpc/${vpcId}`;
      const set = (ReplaceTags: unknown, extra: Record<string, unknown> = {}) => modify(res, { ReplaceTags, ...extra });
      for (const bad of [
        'vpc-123',
        `qcs::vpc:ap-guangzhou:uin/:vpc`,
        `qcs::cos:ap-guangzhou:uin/:vpc/${vpcId}`,
        `qcs::vpc:ap-guangzhou:uin/:disk/${vpcId}`,
        `qcs::vpc:mars-1:uin/:vpc/${vpcId}`,
        `qcs::vpc:ap-guangzhou:uin/:subnet/${vpcId}`,
      ]) {
        isError(
          await modify(bad, { DeleteTags: [{ TagKey: 'k1' }] }),
          'InvalidParameterValue.ResourceDescriptionError',
          'Resource',
        );
      }
      isError(await modify(res, {}), 'MissingParameter', 'ReplaceTags or DeleteTags');
      isError(
        await c.call('tag', 'ModifyResourceTags', { DeleteTags: [{ TagKey: 'a' }] }),
        'MissingParameter',
        'Resource',
      );
      isError(await set([]), 'InvalidParameter.Tag', 'ReplaceTags');
      isError(await modify(res, { DeleteTags: [] }), 'InvalidParameter.Tag', 'DeleteTags');
      const eleven = Array.from({ length: 11 }, (_, i) => ({ TagKey: `n${i}`, TagValue: '' }));
      isError(await set(eleven), 'InvalidParameter.Tag', 'ReplaceTags');
      isError(await set([{ TagKey: '', TagValue: 'v' }]), 'InvalidParameterValue.TagKeyEmpty', 'ReplaceTags.0.TagKey');
      isError(
        await modify(res, { DeleteTags: [{ TagKey: '' }] }),
        'InvalidParameterValue.TagKeyEmpty',
        'DeleteTags.0.TagKey',
      );
      isError(
        await set([{ TagKey: 'k'.repeat(128), TagValue: '' }]),
        'InvalidParameterValue.TagKeyLengthExceeded',
        'ReplaceTags.0.TagKey',
      );
      isError(
        await set([{ TagKey: 'k', TagValue: 'v'.repeat(256) }]),
        'InvalidParameterValue.TagValueLengthExceeded',
        'ReplaceTags.0.TagValue',
      );
      isError(await set([{ TagKey: 'a\u0000', TagValue: '' }]), 'InvalidParameterValue.TagKeyCharacterIllegal');
      isError(await set([{ TagKey: 'a', TagValue: 'b\n' }]), 'InvalidParameterValue.TagValueCharacterIllegal');
      isError(
        await set([{ TagKey: 'QCLOUD_x', TagValue: '' }]),
        'InvalidParameter.ReservedTagKey',
        'ReplaceTags.0.TagKey',
      );
      isError(
        await set([
          { TagKey: 'a', TagValue: '1' },
          { TagKey: 'a', TagValue: '2' },
        ]),
        'InvalidParameter.Tag',
        'ReplaceTags.1.TagKey',
      );
      isError(
        await set([{ TagKey: 'a', TagValue: '1' }], { DeleteTags: [{ TagKey: 'b' }, { TagKey: 'a' }] }),
        'InvalidParameterValue.DeleteTagsParamError',
        'DeleteTags.1.TagKey',
      );
      // 45 + 6 new keys is one too many; replacing existing keys and deleting first is counted.
      const six = Array.from({ length: 6 }, (_, i) => ({ TagKey: `new${i}`, TagValue: '' }));
      isError(await set(six), 'LimitExceeded.ResourceAttachedTags', 'ReplaceTags');
      assert.equal((await tagsOf('vpc', 'vpc', [vpcId])).length, 45, 'a refused change changes nothing');
      await c.ok('tag', 'ModifyResourceTags', {
        Resource: res,
        ReplaceTags: [...six.slice(0, 5), { TagKey: 'k0', TagValue: 'changed' }],
      });
      await c.ok('tag', 'ModifyResourceTags', {
        Resource: res,
        ReplaceTags: [six[5]],
        DeleteTags: [{ TagKey: 'k1' }],
      });
      assert.equal((await tagsOf('vpc', 'vpc', [vpcId])).length, 50);
      isError(await set([{ TagKey: 'a', TagValue: 1 }].map((t) => ({ ...t, TagValue: ['x'] }))), 'InvalidParameter');
    });

    it('DescribeResourceTagsByResourceIds refusals: the tag service codes', async () => {
      const ask = (o: Record<string, unknown>) =>
        c.call('tag', 'DescribeResourceTagsByResourceIds', {
          ServiceType: 'vpc',
          ResourcePrefix: 'subnet',
          ResourceIds: ['subnet-00000000'],
          ResourceRegion: 'ap-guangzhou',
          ...o,
        });
      assert.ok(!('Error' in (await ask({}))));
      isError(await ask({ ServiceType: 'cos' }), 'InvalidParameterValue.ServiceTypeInvalid', 'ServiceType');
      isError(await ask({ ResourcePrefix: 'bucket' }), 'InvalidParameterValue.ResourcePrefixInvalid', 'ResourcePrefix');
      isError(await ask({ ServiceType: 'cvm' }), 'InvalidParameterValue.ResourcePrefixInvalid', 'ResourcePrefix');
      isError(
        await ask({ ResourceIds: ['subnet-00000000', 'vpc-00000000'] }),
        'InvalidParameterValue.ResourceIdInvalid',
        'ResourceIds.1',
      );
      isError(await ask({ ResourceRegion: 'mars-1' }), 'InvalidParameterValue.RegionInvalid', 'ResourceRegion');
      isError(await ask({ ResourceRegion: '' }), 'InvalidParameterValue.RegionInvalid', 'ResourceRegion');
      isError(await ask({ ResourceIds: undefined }), 'MissingParameter', 'ResourceIds');
      isError(await ask({ ServiceType: undefined }), 'MissingParameter', 'ServiceType');
      const many = Array.from({ length: 51 }, () => 'subnet-00000000');
      isError(await ask({ ResourceIds: many }), 'InvalidParameterValue', 'ResourceIds');
      isError(await ask({ Limit: 0 }), 'InvalidParameterValue', 'Limit');
      isError(await ask({ Category: 'Other' }), 'InvalidParameterValue', 'Category');
    });

    it('a deleted resource takes its tags with it', async () => {
      const t = [{ Key: 'gone', Value: 'soon' }];
      const vpcId = await vpc(t);
      const subnetId = await subnet(vpcId, t);
      const sgId = await group(t);
      const eniId = await eni({ vpcId, subnetId }, t);
      const insId = await instance({ vpcId, subnetId }, t);
      // A create that fails in the data plane is rolled back, tags included.
      server.driver.injectFailure({ type: 'CreateNetworkInterface' });
      const failed = await c.ok('vpc', 'CreateNetworkInterface', {
        VpcId: vpcId,
        SubnetId: subnetId,
        NetworkInterfaceName: 'f',
        Tags: t,
      });
      assert.equal((await c.waitTask(failed.RequestId)).Status, 'FAILED');
      const failedId = failed.NetworkInterface.NetworkInterfaceId;

      assert.equal(
        (await c.waitTask((await c.ok('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: eniId })).RequestId))
          .Status,
        'SUCCESS',
      );
      assert.equal(
        (await c.waitTask((await c.ok('cvm', 'TerminateInstances', { InstanceIds: [insId] })).RequestId)).Status,
        'SUCCESS',
      );
      await c.ok('vpc', 'DeleteSecurityGroup', { SecurityGroupId: sgId });
      // DeleteVpc deletes the empty subnet with it.
      await c.ok('vpc', 'DeleteVpc', { VpcId: vpcId });
      for (const [service, prefix, id] of [
        ['vpc', 'vpc', vpcId],
        ['vpc', 'subnet', subnetId],
        ['cvm', 'sg', sgId],
        ['vpc', 'eni', eniId],
        ['vpc', 'eni', failedId],
        ['cvm', 'instance', insId],
      ] as const) {
        assert.deepEqual(await tagsOf(service, prefix, [id]), [], `${id} left tags behind`);
      }
      // And nothing anywhere is left without its resource.
      const orphans = await server.app.db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM tags WHERE resource_id NOT IN (SELECT id FROM vpcs UNION SELECT id FROM subnets
         UNION SELECT id FROM security_groups UNION SELECT id FROM enis UNION SELECT id FROM instances)`,
      );
      assert.equal(Number(orphans?.n), 0);
    });

    it('is served as product tag, version 2018-08-13, by host, signature scope or action', async () => {
      const params = {
        ServiceType: 'vpc',
        ResourcePrefix: 'vpc',
        ResourceIds: ['vpc-00000000'],
        ResourceRegion: 'ap-guangzhou',
      };
      const action = 'DescribeResourceTagsByResourceIds';
      // Terraform with a custom domain: Host tag.<domain>, scope tag.
      const byHost = await tc3(server.port, { action, params, service: 'tag', host: 'tag.vpceni.test' });
      assert.deepEqual(byHost.json.Response.Tags, []);
      // The Node SDK on an IP endpoint signs scope 127: the action names the product.
      assert.deepEqual(
        (await tc3(server.port, { action, params, service: '127', version: '2018-08-13' })).json.Response.Tags,
        [],
      );
      // The request's region is not needed: the resources' region is a parameter.
      assert.deepEqual(
        (await tc3(server.port, { action, params, service: 'tag', region: null })).json.Response.Tags,
        [],
      );
      // Each product answers its own version only.
      const code = (r: { json: any }) => r.json.Response.Error?.Code;
      assert.equal(
        code(await tc3(server.port, { action, params, service: 'tag', version: '2017-03-12' })),
        'NoSuchVersion',
      );
      assert.equal(
        code(await tc3(server.port, { action: 'DescribeVpcs', params: {}, version: '2018-08-13' })),
        'NoSuchVersion',
      );
      assert.equal(
        code(await tc3(server.port, { action: 'DescribeVpcs', params: {}, service: 'tag' })),
        'InvalidAction',
      );
      assert.equal(
        code(await tc3(server.port, { action, params, service: 'vpc', host: 'vpc.vpceni.test' })),
        'InvalidAction',
      );
    });
  });
}
