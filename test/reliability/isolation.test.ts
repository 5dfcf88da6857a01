import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/api/v2/registry.ts';
import type { Field } from '../../src/api/v2/schema.ts';
import { backends } from '../support/backends.ts';
import { ACCOUNT_B, startServer, type Answer, type Client, type TestServer } from '../support/harness.ts';

// Two accounts (issue 6): no action of account B can see, attach, detach, migrate or delete account
// A's resources, and every answer about one of A's resources is exactly the answer about a resource
// that does not exist — same code, same codeDesc, same message apart from the id. The cases are
// derived from the action declarations, so an action added later is covered without a new line here.

type Role = 'vpc' | 'subnet' | 'eni' | 'eni2' | 'ins' | 'ins2' | 'sg' | 'task';

/** Which kind of resource a parameter names, by its name (list items and object fields included). */
const ROLES: Record<string, Role> = {
  vpcId: 'vpc',
  subnetId: 'subnet',
  networkInterfaceId: 'eni',
  oldNetworkInterfaceId: 'eni',
  sourceNetworkInterfaceId: 'eni',
  newNetworkInterfaceId: 'eni2',
  destinationNetworkInterfaceId: 'eni2',
  instanceId: 'ins',
  instanceIds: 'ins',
  oldInstanceId: 'ins',
  newInstanceId: 'ins2',
  sgId: 'sg',
  sgIds: 'sg',
  taskId: 'task',
};

/** Values for the other required parameters, so that requests get as far as the id checks. */
const FILLERS: Record<string, string> = {
  eniName: 'iso',
  sgName: 'iso',
  vpcName: 'iso',
  zoneId: '100003',
  subnetName: 'iso',
  cidrBlock: '10.0.200.0/24',
  privateIpAddress: '10.0.1.100',
};

type Ids = Record<Role, string>;

/** Ids of the right shape that name nothing. */
const MISSING: Ids = {
  vpc: 'vpc-00000000',
  subnet: 'subnet-00000000',
  eni: 'eni-00000000',
  eni2: 'eni-00000001',
  ins: 'ins-00000000',
  ins2: 'ins-00000001',
  sg: 'sg-00000000',
  task: '987654321',
};

/** Every parameter an action declares, spelled as sent: `name`, `name.0`, `name.0.field`. */
function wireNames(params: Record<string, Field<unknown>>): Array<{ wire: string; leaf: string; required: boolean }> {
  return Object.entries(params).flatMap(([name, field]) => {
    const objectList = /^list of object \{([^}]*)\}/.exec(field.type);
    if (objectList) {
      return objectList[1]!
        .split(',')
        .map((f) => ({ wire: `${name}.0.${f.trim()}`, leaf: f.trim(), required: field.isRequired }));
    }
    const wire = field.type.startsWith('list of') ? `${name}.0` : name;
    return [{ wire, leaf: name, required: field.isRequired }];
  });
}

/** Ids become `<vpc>`, `<eni>`...: two answers that differ only in the id compare equal. */
function normalise(answer: Answer, ids: Ids[]): string {
  let text = JSON.stringify(answer);
  const known = ids.flatMap((set) => Object.entries(set)).sort((x, y) => y[1].length - x[1].length);
  for (const [role, id] of known) {
    // Whole ids only: task 4 must not rewrite the 4 inside 987654321.
    text = text.replace(new RegExp(`(?<![\\w-])${id}(?![\\w-])`, 'g'), `<${role.replace(/2$/, '')}>`);
  }
  return text.replace(/\b(vpc|subnet|eni|ins|sg)-[a-z0-9]{8}\b/g, '<$1>');
}

async function build(c: Client, cidr: string): Promise<Ids> {
  const vpc = await c.call('CreateVpc', {
    vpcName: 'iso',
    cidrBlock: cidr,
    subnetSet: [{ subnetName: 'iso', cidrBlock: cidr.replace('0.0/16', '1.0/24'), zoneId: '100003' }],
  });
  assert.equal(vpc.code, 0, JSON.stringify(vpc));
  const net = { vpcId: vpc.unVpcId as string, subnetId: vpc.subnetSet[0].unSubnetId as string };
  const run = await c.run('RunInstances', { zoneId: '100003', cpu: 2, mem: 4, goodsNum: 2, ...net });
  assert.equal(run.task.data.status, 0);
  const [ins, ins2] = run.data.instanceIds as string[];
  const sg = ACTIONS.some((a) => a.name === 'CreateSecurityGroup')
    ? ((await c.call('CreateSecurityGroup', { sgName: 'iso' })).data.sgId as string)
    : MISSING.sg;
  const eni = (await c.run('CreateNetworkInterface', { ...net, eniName: 'iso', secondaryPrivateIpAddressCount: 1 }))
    .data.networkInterfaceId as string;
  const eni2 = (await c.run('CreateNetworkInterface', { ...net, eniName: 'iso2' })).data.networkInterfaceId as string;
  const attach = await c.run('AttachNetworkInterface', { vpcId: net.vpcId, networkInterfaceId: eni, instanceId: ins });
  assert.equal(attach.task.data.status, 0);
  return { vpc: net.vpcId, subnet: net.subnetId, eni, eni2, ins: ins!, ins2: ins2!, sg, task: String(attach.taskId) };
}

/** What account A sees of its own resources: must not change whatever B tries. */
async function stateOf(c: Client, ids: Ids): Promise<unknown> {
  const enis = await c.call('DescribeNetworkInterfaces', { vpcId: ids.vpc, limit: 50 });
  const instances = await c.call('DescribeInstances', { 'instanceIds.0': ids.ins, 'instanceIds.1': ids.ins2 });
  const vpcs = await c.call('DescribeVpcEx', { vpcId: ids.vpc });
  const subnets = await c.call('DescribeSubnetEx', { vpcId: ids.vpc });
  return { enis, instances, vpcs, subnets };
}

for (const backend of backends()) {
  describe(`isolation between accounts [${backend.name}]`, () => {
    let server: TestServer;
    let a: Client;
    let b: Client;
    let mine: Ids; // account A's resources, which B must not reach
    let theirs: Ids; // account B's own, so that B's requests pass every check but the one under test
    let before_: unknown;

    before(async () => {
      server = await startServer(backend);
      a = server.client();
      b = server.client({ account: ACCOUNT_B });
      // The same CIDRs on both sides: nothing but the account tells the resources apart.
      mine = await build(a, '10.0.0.0/16');
      theirs = await build(b, '10.0.0.0/16');
      before_ = await stateOf(a, mine);
    });
    after(() => server.close());

    it("lists of account B show nothing of account A's", async () => {
      const answers = await Promise.all([
        b.call('DescribeVpcEx', { limit: 100 }),
        b.call('DescribeSubnetEx', { limit: 100 }),
        b.call('DescribeNetworkInterfaces', { limit: 50 }),
        b.call('DescribeInstances', { limit: 100 }),
        ...(ACTIONS.some((x) => x.name === 'DescribeSecurityGroupEx')
          ? [b.call('DescribeSecurityGroupEx', { limit: 50 })]
          : []),
      ]);
      for (const r of answers) {
        assert.equal(r.code, 0, JSON.stringify(r));
        const text = JSON.stringify(r);
        for (const id of Object.values(mine).filter((x) => !/^\d+$/.test(x))) {
          assert.ok(!text.includes(id), `account B sees ${id}: ${text.slice(0, 300)}`);
        }
        assert.ok(text.includes(theirs.vpc) || text.includes(theirs.sg), 'and does see its own');
      }
    });

    const cases: Array<{ action: string; roles: Role[] }> = [];
    for (const action of ACTIONS) {
      const roles = [...new Set(wireNames(action.params).flatMap((p) => (ROLES[p.leaf] ? [ROLES[p.leaf]!] : [])))];
      if (roles.length === 0) continue;
      // Each id alone from the other account, then all of them at once.
      for (const role of roles) cases.push({ action: action.name, roles: [role] });
      if (roles.length > 1) cases.push({ action: action.name, roles });
    }

    it(`every action with an id (${cases.length} cases): A's resource answers as a missing one`, async () => {
      let notFound = 0;
      for (const { action, roles } of cases) {
        const def = ACTIONS.find((x) => x.name === action)!;
        const request = (swap: Ids) => {
          const params: Record<string, string> = {};
          for (const p of wireNames(def.params)) {
            const role = ROLES[p.leaf];
            if (role) params[p.wire] = roles.includes(role) ? swap[role] : theirs[role];
            else if (p.required && FILLERS[p.leaf] !== undefined) params[p.wire] = FILLERS[p.leaf]!;
            else if (p.leaf === 'secondaryPrivateIpAddressCount') params[p.wire] = '1'; // Assign needs one of two
          }
          return params;
        };
        const foreign = await b.call(action, request(mine));
        const missing = await b.call(action, request(MISSING));
        const what = `${action} with account A's ${roles.join(', ')}`;
        assert.deepEqual(
          { code: foreign.code, codeDesc: foreign.codeDesc },
          { code: missing.code, codeDesc: missing.codeDesc },
          `${what}: ${JSON.stringify(foreign)} vs ${JSON.stringify(missing)}`,
        );
        assert.equal(normalise(foreign, [mine, MISSING]), normalise(missing, [mine, MISSING]), what);
        assert.notEqual(foreign.code, 4000, `${what} never reached the id checks: ${foreign.message}`);
        if (foreign.code === 5000) notFound++;
        else assert.equal(foreign.code, 0, `${what}: ${JSON.stringify(foreign)}`); // a list filtered to nothing
      }
      assert.ok(notFound >= cases.length / 2, `only ${notFound} of ${cases.length} answers were *.NotFound`);
    });

    it("account A's resources are exactly as they were", async () => {
      await server.app.worker.idle();
      assert.deepEqual(await stateOf(a, mine), before_);
    });
  });
}
