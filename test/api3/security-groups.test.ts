import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { assertBeijingNow, eni, nextMillisecond, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { holdTasks } from '../support/hold-tasks.ts';
import { isError, sdk3Client, type Answer3, type Client3, type Error3 } from '../support/sdk3.ts';

// CreateSecurityGroup, DescribeSecurityGroups and DeleteSecurityGroup through the official 3.0
// SDK; the same groups seen and bound through v2, and the reverse; another account sees none.

const unique = () => randomBytes(4).toString('hex');

function assertSameAsMissing(theirs: Answer3 | Error3, missing: Answer3 | Error3, theirId: string, missingId: string) {
  assert.ok('Error' in theirs && 'Error' in missing, 'both are errors');
  const t = theirs as Error3;
  const m = missing as Error3;
  assert.equal(t.Error.Code, m.Error.Code);
  assert.equal(t.Error.Message.replaceAll(theirId, 'ID'), m.Error.Message.replaceAll(missingId, 'ID'));
}

for (const backend of backends()) {
  describe(`API 3.0 security groups [${backend.name}]`, () => {
    let server: TestServer;
    let c: Client3;
    let v2: Client;
    before(async () => {
      server = await startServer(backend);
      c = sdk3Client(server.port);
      v2 = server.client();
    });
    after(() => server.close());

    async function group(extra: Record<string, unknown> = {}) {
      const r = await c.ok('vpc', 'CreateSecurityGroup', {
        GroupName: 'g-' + unique(),
        GroupDescription: '',
        ...extra,
      });
      return r.SecurityGroup;
    }

    it('creates a group with every field of the SecurityGroup structure (ProjectId a string)', async () => {
      const r = await c.ok('vpc', 'CreateSecurityGroup', {
        GroupName: 'web',
        GroupDescription: 'front tier',
        ProjectId: '7',
        Tags: [{ Key: 'team', Value: 'net' }],
      });
      const g = r.SecurityGroup;
      assert.match(g.SecurityGroupId, /^sg-[a-z0-9]{8}$/);
      assertBeijingNow(g.CreatedTime);
      assert.deepEqual(g, {
        SecurityGroupId: g.SecurityGroupId,
        SecurityGroupName: 'web',
        SecurityGroupDesc: 'front tier',
        ProjectId: '7',
        IsDefault: false,
        CreatedTime: g.CreatedTime,
        UpdateTime: g.CreatedTime,
        TagSet: [{ Key: 'team', Value: 'net' }],
      });
      const d = await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [g.SecurityGroupId] });
      assert.deepEqual([d.TotalCount, d.SecurityGroupSet], [1, [g]]);
      // Defaults, and a number for ProjectId (accepted; answered as a string).
      assert.equal((await group()).ProjectId, '0');
      assert.equal((await group({ ProjectId: 3 })).ProjectId, '3');
      assert.equal((await group({ GroupDescription: 'd'.repeat(100) })).SecurityGroupDesc, 'd'.repeat(100));
    });

    it('refuses bad CreateSecurityGroup input with the 3.0 codes, naming the parameter', async () => {
      const call = (p: Record<string, unknown>) => c.call('vpc', 'CreateSecurityGroup', p);
      isError(await call({ GroupDescription: '' }), 'MissingParameter', 'GroupName');
      isError(await call({ GroupName: 'a' }), 'MissingParameter', 'GroupDescription');
      isError(await call({ GroupName: '', GroupDescription: '' }), 'InvalidParameterValue', 'GroupName');
      isError(
        await call({ GroupName: 'x'.repeat(61), GroupDescription: '' }),
        'InvalidParameterValue.TooLong',
        'GroupName',
      );
      isError(
        await call({ GroupName: 'a', GroupDescription: 'x'.repeat(101) }),
        'InvalidParameterValue.TooLong',
        'GroupDescription',
      );
      for (const projectId of ['-1', 'p1', '1.5', '']) {
        isError(
          await call({ GroupName: 'a', GroupDescription: '', ProjectId: projectId }),
          'InvalidParameterValue',
          'ProjectId',
        );
      }
    });

    it('DescribeSecurityGroups: filters, ids, ordering, paging', async () => {
      const tag = unique();
      const a = await group({ GroupName: `Web-${tag}`, ProjectId: '1' });
      await nextMillisecond();
      const b = await group({ GroupName: `db-${tag}`, ProjectId: '2' });
      await nextMillisecond();
      const cc = await group({ GroupName: `web-${tag}-b`, ProjectId: '1' });
      const ids = async (params: Record<string, unknown>) => {
        const filters = (params.Filters as unknown[] | undefined) ?? [];
        const r = await c.ok('vpc', 'DescribeSecurityGroups', {
          ...params,
          Filters: [{ Name: 'security-group-name', Values: [tag] }, ...filters],
        });
        return r.SecurityGroupSet.map((g: any) => g.SecurityGroupId);
      };
      const [A, B, C] = [a.SecurityGroupId, b.SecurityGroupId, cc.SecurityGroupId];
      assert.deepEqual(await ids({}), [C, B, A]);
      assert.deepEqual(await ids({ OrderField: 'CreatedTime' }), [A, B, C]);
      assert.deepEqual(await ids({ OrderField: 'CreatedTime', OrderDirection: 'DESC' }), [C, B, A]);
      assert.deepEqual(await ids({ OrderField: 'UpdateTime', OrderDirection: 'ASC' }), [A, B, C]);
      assert.deepEqual(await ids({ OrderDirection: 'ASC' }), [A, B, C]);
      assert.deepEqual(await ids({ Filters: [{ Name: 'project-id', Values: ['1'] }] }), [C, A]);
      assert.deepEqual(await ids({ Filters: [{ Name: 'project-id', Values: ['2', 'two'] }] }), [B]);
      assert.deepEqual(await ids({ Filters: [{ Name: 'security-group-id', Values: [A, B, 'sg-00000000', 'x'] }] }), [
        B,
        A,
      ]);
      for (const name of ['tag-key', 'tag:team']) {
        assert.deepEqual(await ids({ Filters: [{ Name: name, Values: ['x'] }] }), [], name);
      }
      const web = await c.ok('vpc', 'DescribeSecurityGroups', {
        Filters: [{ Name: 'security-group-name', Values: [`WEB-${tag}`] }],
      });
      assert.deepEqual(
        web.SecurityGroupSet.map((g: any) => g.SecurityGroupId),
        [C, A],
      );
      const page = await c.ok('vpc', 'DescribeSecurityGroups', {
        Filters: [{ Name: 'security-group-name', Values: [tag] }],
        Offset: '1',
        Limit: '1',
      });
      assert.deepEqual([page.TotalCount, page.SecurityGroupSet.map((g: any) => g.SecurityGroupId)], [3, [B]]);
      const byIds = await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [A, C], Limit: 1, Offset: 1 });
      assert.deepEqual([byIds.TotalCount, byIds.SecurityGroupSet.map((g: any) => g.SecurityGroupId)], [2, [A]]);
    });

    it('DescribeSecurityGroups refuses bad input with the 3.0 codes', async () => {
      const g = await group();
      const call = (p: Record<string, unknown>) => c.call('vpc', 'DescribeSecurityGroups', p);
      isError(
        await call({ SecurityGroupIds: [g.SecurityGroupId], Filters: [{ Name: 'project-id', Values: ['0'] }] }),
        'InvalidParameter.Coexist',
        'SecurityGroupIds',
      );
      isError(await call({ SecurityGroupIds: [g.SecurityGroupId, 'sg-0000beef'] }), 'ResourceNotFound', 'sg-0000beef');
      isError(await call({ SecurityGroupIds: ['sg-1'] }), 'InvalidParameterValue.Malformed', 'SecurityGroupIds.0');
      isError(
        await call({ SecurityGroupIds: Array.from({ length: 101 }, () => g.SecurityGroupId) }),
        'InvalidParameterValue.LimitExceeded',
        'SecurityGroupIds',
      );
      isError(
        await call({ Filters: [{ Name: 'vpc-id', Values: ['x'] }] }),
        'InvalidParameter.FilterInvalidKey',
        'vpc-id',
      );
      isError(await call({ Filters: [[]] }), 'InvalidParameter.FilterNotDict');
      isError(await call({ Filters: [{ Name: 'project-id', Values: 0 }] }), 'InvalidParameter.FilterValuesNotList');
      isError(await call({ OrderField: 'Name' }), 'InvalidParameterValue.Range', 'OrderField');
      isError(await call({ OrderDirection: 'UP' }), 'InvalidParameterValue.Range', 'OrderDirection');
      isError(await call({ Limit: '101' }), 'InvalidParameterValue.Range', 'Limit');
      isError(await call({ Limit: 'lots' }), 'InvalidParameterValue.Malformed', 'Limit');
      isError(await call({ Offset: -1 }), 'InvalidParameterValue.Range', 'Offset');
    });

    it('DeleteSecurityGroup: ResourceInUse while an ENI (made through v2) is bound, then gone', async () => {
      const g = await group();
      const net = await vpcWithSubnet(v2);
      const eniId = await eni(v2, net, { sgIds: [g.SecurityGroupId] });
      isError(
        await c.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: g.SecurityGroupId }),
        'ResourceInUse',
        g.SecurityGroupId,
      );
      await v2.run('DeleteNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eniId });
      const r = await c.ok('vpc', 'DeleteSecurityGroup', { SecurityGroupId: g.SecurityGroupId });
      assert.match(r.RequestId, /^[0-9a-f-]{36}$/);
      isError(
        await c.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: g.SecurityGroupId }),
        'ResourceNotFound',
        g.SecurityGroupId,
      );
      isError(
        await c.call('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [g.SecurityGroupId] }),
        'ResourceNotFound',
      );
      isError(await c.call('vpc', 'DeleteSecurityGroup', {}), 'MissingParameter', 'SecurityGroupId');
      isError(
        await c.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: 'sg-ABCDEFGH' }),
        'InvalidParameterValue.Malformed',
        'SecurityGroupId',
      );
    });

    it('DeleteSecurityGroup: an ENI still being created holds its groups (ResourceInUse)', async () => {
      const g = await group();
      const net = await vpcWithSubnet(v2);
      const hold = holdTasks(server.driver, 'CreateNetworkInterface');
      let taskId: number;
      try {
        const r = await v2.call('CreateNetworkInterface', { ...net, eniName: 'pending', sgIds: [g.SecurityGroupId] });
        assert.equal(r.code, 0, r.message);
        taskId = r.taskId;
        isError(await c.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: g.SecurityGroupId }), 'ResourceInUse');
      } finally {
        hold.release();
      }
      assert.equal((await v2.waitTask(taskId)).data.status, 0);
      isError(await c.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: g.SecurityGroupId }), 'ResourceInUse');
    });

    it('one state: made through 3.0, seen and deleted through v2; made through v2, seen through 3.0', async () => {
      const g = await group({ GroupName: 'three', GroupDescription: 'made by 3.0', ProjectId: '9' });
      const seen = await v2.call('DescribeSecurityGroupEx', { sgId: g.SecurityGroupId });
      assert.equal(seen.code, 0, seen.message);
      assert.deepEqual(seen.data.detail, [
        { sgId: g.SecurityGroupId, sgName: 'three', sgRemark: 'made by 3.0', projectId: 9, createTime: g.CreatedTime },
      ]);
      const del = await v2.call('DeleteSecurityGroup', { sgId: g.SecurityGroupId });
      assert.equal(del.code, 0, del.message);
      isError(
        await c.call('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [g.SecurityGroupId] }),
        'ResourceNotFound',
      );

      const r = await v2.call('CreateSecurityGroup', { sgName: 'two', projectId: 4 });
      assert.equal(r.code, 0, r.message);
      const d = await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [r.data.sgId] });
      assert.deepEqual(d.SecurityGroupSet, [
        {
          SecurityGroupId: r.data.sgId,
          SecurityGroupName: 'two',
          SecurityGroupDesc: '',
          ProjectId: '4',
          IsDefault: false,
          CreatedTime: r.data.createTime,
          UpdateTime: r.data.createTime,
          TagSet: [],
        },
      ]);
      await c.ok('vpc', 'DeleteSecurityGroup', { SecurityGroupId: r.data.sgId });
      const gone = await v2.call('DescribeSecurityGroupEx', { sgId: r.data.sgId });
      assert.equal(gone.codeDesc, 'InvalidSecurityGroup.NotFound');
    });

    it("another account naming A's group gets exactly what a missing id gets", async () => {
      const g = await group();
      const b = sdk3Client(server.port, { account: ACCOUNT_B });
      const missing = 'sg-0000beef';
      for (const [action, params] of [
        ['DescribeSecurityGroups', (id: string) => ({ SecurityGroupIds: [id] })],
        ['DeleteSecurityGroup', (id: string) => ({ SecurityGroupId: id })],
      ] as const) {
        const theirs = await b.call('vpc', action, params(g.SecurityGroupId));
        isError(theirs, 'ResourceNotFound');
        assertSameAsMissing(theirs, await b.call('vpc', action, params(missing)), g.SecurityGroupId, missing);
      }
      const r = await b.ok('vpc', 'DescribeSecurityGroups', {
        Filters: [{ Name: 'security-group-id', Values: [g.SecurityGroupId] }],
      });
      assert.deepEqual([r.TotalCount, r.SecurityGroupSet], [0, []]);
      assert.equal(
        (await c.ok('vpc', 'DescribeSecurityGroups', { SecurityGroupIds: [g.SecurityGroupId] })).TotalCount,
        1,
      );
    });
  });
}
