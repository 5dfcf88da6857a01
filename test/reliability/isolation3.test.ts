import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ActionDef } from '../../src/api/v3/action.ts';
import { ACTIONS_V3 } from '../../src/api/v3/registry.ts';
import type { Field } from '../../src/api/v3/schema.ts';
import { backends } from '../support/backends.ts';
import { eni, instance, vpcWithSubnet } from '../support/fixtures.ts';
import { ACCOUNT_B, startServer, type TestServer } from '../support/harness.ts';
import { tc3 } from '../support/raw3.ts';

// Two accounts over API 3.0: for every action and every id it takes (derived from the registry),
// account B naming account A's resource gets exactly the answer B gets for an id that names
// nothing (same code, same message apart from the id), and B's listings show nothing of A's.

type Kind = 'vpc' | 'subnet' | 'eni' | 'ins' | 'sg' | 'task';
const MISSING: Record<Kind, string> = {
  vpc: 'vpc-00000000',
  subnet: 'subnet-00000000',
  eni: 'eni-00000000',
  ins: 'ins-00000000',
  sg: 'sg-00000000',
  task: '00000000-0000-4000-8000-000000000000',
};

const kindOf = (name: string, field: Field<unknown>): Kind | undefined => {
  const id = /^(vpc|subnet|eni|ins|sg)-xxxxxxxx$/.exec(field.type)?.[1] as Kind | undefined;
  return id ?? (name === 'TaskId' ? 'task' : undefined);
};

/** Whether the parameter is an id, or a list of ids. */
const takesId = (name: string, f: Field<unknown>) =>
  (kindOf(name, f) ?? (f.item ? kindOf(name, f.item) : undefined)) !== undefined;

/** A value that passes the declaration, so that the request gets as far as the lookups. */
function filler(name: string, field: Field<unknown>, id: (k: Kind) => string): unknown {
  const kind = kindOf(name, field) ?? (field.item ? kindOf(name, field.item) : undefined);
  if (kind) return field.item ? [id(kind)] : id(kind);
  if (field.type === 'img-xxxxxxxx') return 'img-00000000';
  if (field.item) return [filler(name, field.item, id)];
  if (field.fields) return fill(field.fields, (k) => id(k), true);
  if (field.type.startsWith('integer from')) return Number(/from (-?\d+)/.exec(field.type)![1]) + 1;
  if (field.type.startsWith('true or false')) return false;
  if (field.type.startsWith('IPv4')) return '10.0.1.100';
  if (field.type.startsWith('one of ')) return field.type.slice(7).split(', ')[0];
  if (/Cidr/i.test(name)) return '10.0.200.0/24';
  if (/Zone/.test(name)) return 'ap-guangzhou-3';
  return 'iso';
}

function fill(params: Record<string, Field<unknown>>, id: (k: Kind, n: number) => string, requiredOnly: boolean) {
  // A second id of a kind (MigratePrivateIpAddress's destination ENI) is another id, not the same.
  const seen = new Map<Kind, number>();
  const next = (k: Kind) => {
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return id(k, n);
  };
  return Object.fromEntries(
    Object.entries(params)
      .filter(([name, f]) => !requiredOnly || f.isRequired || takesId(name, f))
      .map(([name, f]) => [name, filler(name, f, next)]),
  );
}

/** Every id-taking parameter of an action: top level, list items, object fields one level down. */
function idParams(action: ActionDef): Array<{ path: string[]; kind: Kind }> {
  const out: Array<{ path: string[]; kind: Kind }> = [];
  for (const [name, f] of Object.entries(action.params)) {
    const kind = kindOf(name, f) ?? (f.item ? kindOf(name, f.item) : undefined);
    if (kind) out.push({ path: [name], kind });
    for (const [sub, g] of Object.entries(f.fields ?? {})) {
      const k = kindOf(sub, g) ?? (g.item ? kindOf(sub, g.item) : undefined);
      if (k) out.push({ path: [name, sub], kind: k });
    }
  }
  return out;
}

for (const backend of backends()) {
  describe(`API 3.0 account isolation [${backend.name}]`, () => {
    let server: TestServer;
    const a = {} as Record<Kind, string>;
    before(async () => {
      server = await startServer(backend);
      const v2 = server.client();
      const net = await vpcWithSubnet(v2);
      Object.assign(a, { vpc: net.vpcId, subnet: net.subnetId, ins: await instance(v2, net) });
      const created = await v2.call('CreateNetworkInterface', {
        vpcId: net.vpcId,
        subnetId: net.subnetId,
        eniName: 'a',
      });
      a.eni = created.data.networkInterfaceId;
      await v2.waitTask(created.taskId);
      a.sg = (await v2.call('CreateSecurityGroup', { sgName: 'a' })).data.sgId;
      // A task of A's, by RequestId: the attach just accepted.
      const other = await eni(v2, net);
      const attach = await tc3(server.port, {
        action: 'AttachNetworkInterface',
        params: { NetworkInterfaceId: other, InstanceId: a.ins },
      });
      a.task = attach.json.Response.RequestId;
    });
    after(() => server.close());

    const asB = (action: ActionDef, params: Record<string, unknown>) =>
      tc3(server.port, { action: action.name, service: action.product, params, account: ACCOUNT_B });
    const normalise = (json: any): string => {
      let text = JSON.stringify({ ...json.Response, RequestId: undefined });
      for (const [kind, id] of [...Object.entries(a), ...Object.entries(MISSING)])
        text = text.replaceAll(id, `<${kind}>`);
      return text;
    };

    for (const action of ACTIONS_V3) {
      for (const { path, kind } of idParams(action)) {
        it(`${action.name} ${path.join('.')}: A's ${kind} is, to B, an id that names nothing`, async () => {
          const build = (own: boolean) => {
            const params = fill(
              action.params,
              (k, n) => (n === 0 ? MISSING[k] : MISSING[k].replace(/0$/, String(n))),
              true,
            ) as Record<string, any>;
            const target = path.length === 1 ? params : (params[path[0]!] ??= {});
            const leaf = path.at(-1)!;
            // The filled placeholder already names nothing; A's id takes its place to compare.
            if (own) target[leaf] = Array.isArray(target[leaf]) ? [a[kind]] : a[kind];
            return params;
          };
          const foreign = await asB(action, build(true));
          const missing = await asB(action, build(false));
          assert.equal(normalise(foreign.json), normalise(missing.json));
          // If it got past validation, B must not have succeeded on A's resource.
          if (!foreign.json.Response.Error) assert.ok(!JSON.stringify(foreign.json).includes(a[kind]), 'B sees A');
        });
      }
    }

    it("B's listings show nothing of A's", async () => {
      for (const action of ACTIONS_V3.filter((x) => x.name.startsWith('Describe'))) {
        const required = Object.values(action.params).some((f) => f.isRequired);
        if (required) continue;
        const r = await asB(action, {});
        const text = JSON.stringify(r.json);
        for (const id of Object.values(a)) assert.ok(!text.includes(id), `${action.name} shows B ${id} of A`);
      }
    });
  });
}
