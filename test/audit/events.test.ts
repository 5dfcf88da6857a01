import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { findTask } from '../../src/store/task.repo.ts';
import { backends } from '../support/backends.ts';
import { controlClient, type ControlClient } from '../support/control.ts';
import { vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_A, ACCOUNT_B, startServer, type Client, type TestServer } from '../support/harness.ts';
import { commonParams, sendParams, signParams } from '../support/raw-client.ts';
import { sdk3Client, type Client3, type Error3 } from '../support/sdk3.ts';

// The audit trail (docs/audit.md) through the official clients of both doors: one event per
// admitted write, refused or not, in CloudAudit's field names; none for reads, for a replayed
// signature or a replayed ClientToken; GET /_vpceni/events filters by each of its parameters and
// refuses a bad one with 400 naming it; reset clears the scope's events, a restore keeps them.

type Event = Record<string, any>;
const unique = () => randomBytes(4).toString('hex');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

for (const backend of backends()) {
  describe(`audit events [${backend.name}]`, () => {
    let server: TestServer;
    let v2: Client;
    let v3: Client3;
    let control: ControlClient;
    before(async () => {
      server = await startServer(backend);
      v2 = server.client();
      v3 = sdk3Client(server.port);
      control = controlClient(server.host);
    });
    after(() => server.close());

    async function events(
      query: Record<string, string | number> = {},
    ): Promise<{ events: Event[]; totalCount: number }> {
      const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      const r = await control.get(`events?${qs}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.events.length <= r.body.totalCount);
      return r.body;
    }
    /** The one event of a request: exactly one, or the test fails. */
    async function only(requestId: string): Promise<Event> {
      const found = await events({ requestId });
      assert.equal(found.totalCount, 1, `events of ${requestId}: ${JSON.stringify(found.events)}`);
      return found.events[0]!;
    }
    const resources = (...ids: string[]) =>
      ids.sort().map((id) => ({
        ResourceType: { vpc: 'vpc', subnet: 'subnet', eni: 'eni', ins: 'instance', sg: 'securityGroup' }[
          id.split('-')[0]!
        ],
        ResourceName: id,
      }));
    function assertRecent(e: Event): void {
      assert.match(e.EventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Math.abs(Date.parse(e.EventTime) - Date.now()) < 60_000, `${e.EventTime} is not now`);
      assert.match(e.EventId, UUID);
    }

    it('a 3.0 write is one event: RequestID is the answer’s RequestId, Resources what it named and created', async () => {
      const made = await v3.ok('vpc', 'CreateVpc', { VpcName: 'audit-' + unique(), CidrBlock: '10.0.0.0/16' });
      const vpcId = made.Vpc.VpcId as string;
      const subnet = await v3.ok('vpc', 'CreateSubnet', {
        VpcId: vpcId,
        SubnetName: 'audit',
        CidrBlock: '10.0.1.0/24',
        Zone: 'ap-guangzhou-3',
      });
      const subnetId = subnet.Subnet.SubnetId as string;
      const eni = await v3.ok('vpc', 'CreateNetworkInterface', {
        VpcId: vpcId,
        SubnetId: subnetId,
        NetworkInterfaceName: 'audit',
      });
      const eniId = eni.NetworkInterface.NetworkInterfaceId as string;

      const e = await only(made.RequestId);
      assertRecent(e);
      assert.deepEqual(e, {
        EventId: e.EventId,
        EventTime: e.EventTime,
        EventName: 'CreateVpc',
        RequestID: made.RequestId,
        ErrorCode: 0,
        SecretId: ACCOUNT_A.secretId,
        AccountID: ACCOUNT_A.appId,
        SourceIPAddress: '127.0.0.1',
        Resources: resources(vpcId),
        ActionType: 'Write',
        ApiVersion: '3.0',
        Product: 'vpc',
        EventRegion: 'ap-guangzhou',
      });
      assert.deepEqual((await only(subnet.RequestId)).Resources, resources(vpcId, subnetId));
      // An async action: its RequestId is its task's, and the new ENI (which no parameter named)
      // is among the resources.
      const created = await only(eni.RequestId);
      assert.equal(created.EventName, 'CreateNetworkInterface');
      assert.deepEqual(created.Resources, resources(vpcId, subnetId, eniId));
      assert.ok(await findTask(server.app.db, ACCOUNT_A.appId, eni.RequestId), 'the event’s RequestID is its task’s');
    });

    it('a v2 write is one event: RequestID is the one its task records', async () => {
      const net = await vpcWithSubnet(v2);
      const r = await v2.run('CreateNetworkInterface', { ...net, eniName: 'audit-v2' });
      const eniId = r.data.networkInterfaceId as string;
      const task = await findTask(server.app.db, ACCOUNT_A.appId, r.taskId as number);
      assert.ok(task?.requestId);
      const e = await only(task.requestId);
      assertRecent(e);
      assert.deepEqual(e, {
        EventId: e.EventId,
        EventTime: e.EventTime,
        EventName: 'CreateNetworkInterface',
        RequestID: task.requestId,
        ErrorCode: 0,
        SecretId: ACCOUNT_A.secretId,
        AccountID: ACCOUNT_A.appId,
        SourceIPAddress: '127.0.0.1',
        Resources: resources(net.vpcId, net.subnetId, eniId),
        ActionType: 'Write',
        ApiVersion: 'v2',
        Product: 'vpc',
        EventRegion: 'ap-guangzhou',
      });
      // The VPC made by v2's CreateVpc is found by its id: that event and the ENI's.
      const ofVpc = await events({ resourceId: net.vpcId });
      assert.deepEqual(
        ofVpc.events.map((x) => x.EventName),
        ['CreateNetworkInterface', 'CreateVpc'],
      );
      assert.deepEqual(ofVpc.events[1]!.Resources, resources(net.vpcId, net.subnetId));
    });

    it('a refused write is one event with its ErrorCode, on either door', async () => {
      const missing = 'vpc-' + unique();
      const r3 = (await v3.call('vpc', 'DeleteVpc', { VpcId: missing })) as Error3;
      assert.ok('Error' in r3);
      const e3 = await only(r3.RequestId!);
      assert.equal(e3.ErrorCode, r3.Error.Code);
      assert.equal(e3.EventName, 'DeleteVpc');
      assert.deepEqual(e3.Resources, resources(missing));

      const r2 = await v2.call('DeleteVpc', { vpcId: missing });
      assert.equal(r2.codeDesc, 'InvalidVpc.NotFound');
      const of = await events({ resourceId: missing, eventName: 'DeleteVpc' });
      assert.deepEqual(
        of.events.map((x) => [x.ApiVersion, x.ErrorCode]),
        [
          ['v2', 'InvalidVpc.NotFound'],
          ['3.0', r3.Error.Code],
        ],
      );
      // Refused by the parameter checks, before any lookup: still an event.
      const bad = (await v3.call('vpc', 'CreateVpc', { VpcName: 'x', CidrBlock: 'not-a-cidr' })) as Error3;
      assert.equal((await only(bad.RequestId!)).ErrorCode, bad.Error.Code);
    });

    it('reads are not events, on either door', async () => {
      const before = (await events()).totalCount;
      const r3 = await v3.ok('vpc', 'DescribeVpcs', {});
      const refused = (await v3.call('vpc', 'DescribeVpcs', { VpcIds: ['vpc-00000000'] })) as Error3;
      assert.ok('Error' in refused);
      assert.equal((await v2.call('DescribeVpcEx', {})).code, 0);
      assert.notEqual((await v2.call('DescribeVpcTaskResult', { taskId: 999999 })).code, 0);
      assert.equal((await events({ requestId: r3.RequestId })).totalCount, 0);
      assert.equal((await events({ requestId: refused.RequestId! })).totalCount, 0);
      assert.equal((await events()).totalCount, before);
    });

    it('a replayed ClientToken answers the first call and adds no event', async () => {
      const net = await vpcWithSubnet(v2);
      const params = { VpcId: net.vpcId, SubnetId: net.subnetId, NetworkInterfaceName: 'once', ClientToken: unique() };
      const first = await v3.ok('vpc', 'CreateNetworkInterface', params);
      const again = await v3.ok('vpc', 'CreateNetworkInterface', params);
      assert.equal(again.RequestId, first.RequestId);
      assert.equal((await only(first.RequestId)).ErrorCode, 0);
      assert.equal((await events({ resourceId: first.NetworkInterface.NetworkInterfaceId })).totalCount, 1);
    });

    it('a replayed v2 signature answers 4500, changes nothing and adds no event', async () => {
      const name = 'replay-' + unique();
      const before = (await events()).totalCount;
      const signed = signParams(
        { ...commonParams(), Action: 'CreateVpc', vpcName: name, cidrBlock: '10.0.0.0/16' },
        { method: 'POST', host: server.host },
      );
      const first = JSON.parse((await sendParams(server.port, 'POST', signed)).text);
      assert.equal(first.code, 0, JSON.stringify(first));
      const replay = JSON.parse((await sendParams(server.port, 'POST', signed)).text);
      assert.equal(replay.codeDesc, 'InvalidRequest.ReplayAttack');
      // The replay ran its action, then lost its claim at the end of the transaction: rolled back.
      const listed = await v2.call('DescribeVpcEx', { vpcName: name });
      assert.deepEqual(
        listed.data.map((v: { unVpcId: string }) => v.unVpcId),
        [first.unVpcId],
      );
      assert.equal((await events({ eventName: 'CreateVpc', resourceId: first.unVpcId })).totalCount, 1);
      assert.equal((await events()).totalCount, before + 1, 'the replay left no event, not even a refused one');
    });

    it('GET /_vpceni/events filters by each parameter, newest first, and pages', async () => {
      const b = sdk3Client(server.port, { account: ACCOUNT_B });
      const made: Array<{ requestId: string; vpcId: string }> = [];
      for (let i = 0; i < 3; i++) {
        const r = await b.ok('vpc', 'CreateVpc', { VpcName: `filter-${i}`, CidrBlock: '10.0.0.0/16' });
        made.push({ requestId: r.RequestId, vpcId: r.Vpc.VpcId });
        await new Promise((res) => setTimeout(res, 5)); // distinct milliseconds
      }
      const renamed = await b.ok('vpc', 'ModifyVpcAttribute', { VpcId: made[0]!.vpcId, VpcName: 'renamed' });

      const ofB = await events({ account: ACCOUNT_B.appId });
      assert.equal(ofB.totalCount, 4);
      assert.deepEqual(
        ofB.events.map((e) => e.RequestID),
        [renamed.RequestId, ...made.map((m) => m.requestId).reverse()],
        'newest first',
      );
      assert.ok(ofB.events.every((e) => e.AccountID === ACCOUNT_B.appId && e.SecretId === ACCOUNT_B.secretId));

      assert.deepEqual(
        (await events({ requestId: made[1]!.requestId })).events.map((e) => e.RequestID),
        [made[1]!.requestId],
      );
      const named = await events({ eventName: 'ModifyVpcAttribute', account: ACCOUNT_B.appId });
      assert.deepEqual(
        named.events.map((e) => e.RequestID),
        [renamed.RequestId],
      );
      assert.deepEqual(
        (await events({ resourceId: made[0]!.vpcId })).events.map((e) => e.EventName),
        ['ModifyVpcAttribute', 'CreateVpc'],
      );
      assert.equal((await events({ resourceId: 'eni-zzzzzzzz' })).totalCount, 0);

      // since and until are inclusive; either form of time works.
      const times = ofB.events.map((e) => Date.parse(e.EventTime));
      const middle = ofB.events[2]!;
      const since = await events({ account: ACCOUNT_B.appId, since: middle.EventTime });
      assert.deepEqual(
        since.events.map((e) => e.RequestID),
        ofB.events.filter((_, i) => times[i]! >= times[2]!).map((e) => e.RequestID),
      );
      const until = await events({ account: ACCOUNT_B.appId, until: Date.parse(middle.EventTime) });
      assert.deepEqual(
        until.events.map((e) => e.RequestID),
        ofB.events.filter((_, i) => times[i]! <= times[2]!).map((e) => e.RequestID),
      );
      assert.ok(since.events.some((e) => e.RequestID === middle.RequestID));
      assert.ok(until.events.some((e) => e.RequestID === middle.RequestID));
      const window = await events({ account: ACCOUNT_B.appId, since: middle.EventTime, until: middle.EventTime });
      assert.ok(window.events.every((e) => e.EventTime === middle.EventTime));

      // Pages of 3 tile the list.
      const page1 = await events({ account: ACCOUNT_B.appId, limit: 3 });
      const page2 = await events({ account: ACCOUNT_B.appId, limit: 3, offset: 3 });
      assert.equal(page1.totalCount, 4);
      assert.equal(page2.totalCount, 4);
      assert.deepEqual(
        [...page1.events, ...page2.events].map((e) => e.EventId),
        ofB.events.map((e) => e.EventId),
      );
    });

    it('a bad parameter is 400 naming it', async () => {
      const cases: Array<[string, string]> = [
        ['limit=0', 'limit'],
        ['limit=1001', 'limit'],
        ['limit=ten', 'limit'],
        ['offset=-1', 'offset'],
        ['since=yesterday', 'since'],
        ['until=2026-13-45T99:00:00Z', 'until'],
        ['since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z', 'until'],
        ['resourceId=eni-1', 'resourceId'],
        ['eventName=Create%20Vpc', 'eventName'],
        ['requestId=', 'requestId'],
        ['account=0', 'account'],
        ['resourceID=eni-12345678', 'resourceID'],
        ['limit=1&limit=2', 'limit'],
      ];
      for (const [query, param] of cases) {
        const r = await control.get(`events?${query}`);
        assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
        assert.ok(r.body.error.startsWith(`${param} `), `${query}: "${r.body.error}" should name ${param}`);
      }
      assert.equal((await control.post('events')).status, 405);
      assert.equal((await control.get('events/x')).status, 404);
    });

    it('reset clears the events of its scope; a snapshot restore keeps every event', async () => {
      const b = sdk3Client(server.port, { account: ACCOUNT_B });
      await b.ok('vpc', 'CreateVpc', { VpcName: 'to-reset', CidrBlock: '10.0.0.0/16' });
      const ofA = (await events({ account: ACCOUNT_A.appId })).totalCount;
      assert.ok(ofA > 0);
      const reset = await control.post(`reset?account=${ACCOUNT_B.appId}`);
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.ok(reset.body.removed.audit_events > 0);
      assert.equal((await events({ account: ACCOUNT_B.appId })).totalCount, 0);
      assert.equal((await events({ account: ACCOUNT_A.appId })).totalCount, ofA);

      const snapshot = 'audit-' + unique();
      const saved = await control.post('snapshots', { name: snapshot });
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
      const later = await b.ok('vpc', 'CreateVpc', { VpcName: 'after-snapshot', CidrBlock: '10.0.0.0/16' });
      const restored = await control.post(`snapshots/${snapshot}/restore`);
      assert.equal(restored.status, 200, JSON.stringify(restored.body));
      // The VPC is gone with the restored state; the record that it was made stays.
      const gone = await b.call('vpc', 'DescribeVpcs', { VpcIds: [later.Vpc.VpcId] });
      assert.ok('Error' in gone, JSON.stringify(gone));
      assert.equal((await only(later.RequestId)).EventName, 'CreateVpc');
    });
  });
}
