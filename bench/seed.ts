import type { Caller } from '../src/domain/model.ts';
import type { Queryable } from '../src/store/db.ts';
import { openDb } from '../src/store/db.ts';
import { insertEni } from '../src/store/eni.repo.ts';
import { insertInstance } from '../src/store/instance.repo.ts';
import { insertIp } from '../src/store/ip.repo.ts';
import { migrate } from '../src/store/migrate.ts';
import { insertSubnet } from '../src/store/subnet.repo.ts';
import { insertVpc } from '../src/store/vpc.repo.ts';

// Fills a fresh database straight through the store (its repositories, so its SQL and prepared
// statements), in one transaction: no API, no tasks. The layout:
//
// - every ENI belongs to the benchmark account, in one region: the worst case for the indexes that
//   start with (app_id, region);
// - VPCs of at most ENIS_PER_VPC ENIs (a VPC is at most a /16: 65,533 usable addresses), each with
//   one /16 subnet; every ENI holds its primary private IP;
// - VPC 0 holds the pool the load works on: `instances` running 16-core instances (8 ENIs each,
//   primary included), each with its primary ENI, and `poolEnis` detached secondary ENIs;
// - the rest is filler: secondary ENIs, one in four the primary ENI of an instance of its own.

export const ENIS_PER_VPC = 50_000;
export const ZONE_ID = 100001; // ap-guangzhou-1
const REGION = 'ap-guangzhou';

export interface Fleet {
  vpcId: string;
  instanceIds: string[];
  /** Secondary ENIs of VPC 0 and the instance each one cycles on. */
  pool: Array<{ eniId: string; instanceId: string }>;
  enis: number;
  seedMs: number;
}

const id = (prefix: string, n: number) => `${prefix}-${n.toString(36).padStart(8, '0')}`;
const mac = (n: number) =>
  '20:90:6F:' +
  [n >>> 16, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');

export async function seed(
  databaseUrl: string,
  appId: number,
  o: { enis: number; instances: number; poolEnis: number },
): Promise<Fleet> {
  const started = Date.now();
  const caller: Caller = { appId, region: REGION, requestId: 'bench-seed' };
  const total = Math.max(o.enis, o.instances + o.poolEnis);
  const db = await openDb(databaseUrl);
  try {
    await migrate(db);
    const fleet = await db.tx(async (tx) => {
      const w = new Writer(tx, caller, started - total);
      const vpcs = Math.ceil(total / ENIS_PER_VPC);
      for (let v = 0; v < vpcs; v++) await w.vpc(v);
      const fleet: Fleet = { vpcId: id('vpc', 0), instanceIds: [], pool: [], enis: total, seedMs: 0 };
      for (let i = 0; i < o.instances; i++) fleet.instanceIds.push(await w.instance(0, true));
      for (let i = 0; i < o.poolEnis; i++) {
        fleet.pool.push({ eniId: await w.eni(0, null), instanceId: fleet.instanceIds[i % o.instances]! });
      }
      for (let n = o.instances + o.poolEnis; n < total; n++) {
        const v = Math.floor(n / ENIS_PER_VPC);
        if (n % 4 === 0) await w.instance(v, false);
        else await w.eni(v, null);
      }
      return fleet;
    });
    fleet.seedMs = Date.now() - started;
    return fleet;
  } finally {
    await db.close();
  }
}

/** Numbers ids, MACs and addresses as it goes, and backdates creation times one ms apart. */
class Writer {
  private enis = 0;
  private instances = 0;
  private readonly used: number[] = [];

  constructor(
    private readonly tx: Queryable,
    private readonly caller: Caller,
    private time: number,
  ) {}

  async vpc(v: number): Promise<void> {
    const cidr = `10.${v}.0.0/16`;
    const base = { appId: this.caller.appId, region: this.caller.region, cidr, createdAt: this.time, attributes: {} };
    await insertVpc(this.tx, { ...base, id: id('vpc', v), name: `bench-${v}` });
    await insertSubnet(this.tx, {
      ...base,
      id: id('subnet', v),
      vpcId: id('vpc', v),
      zoneId: ZONE_ID,
      name: `bench-${v}`,
    });
    this.used[v] = 0;
  }

  /** A running instance with its primary ENI attached. */
  async instance(v: number, large: boolean): Promise<string> {
    const insId = id('ins', this.instances++);
    await insertInstance(this.tx, {
      id: insId,
      appId: this.caller.appId,
      region: this.caller.region,
      zoneId: ZONE_ID,
      name: `bench-${insId}`,
      cpu: large ? 16 : 2,
      mem: large ? 32 : 4,
      vpcId: id('vpc', v),
      subnetId: id('subnet', v),
      status: 2,
      createdAt: this.time,
      instanceType: '',
      imageId: '',
      attributes: {},
      latestOperation: null,
      latestRequestId: null,
    });
    await this.eni(v, insId);
    return insId;
  }

  async eni(v: number, primaryOf: string | null): Promise<string> {
    const n = this.enis++;
    const eniId = id('eni', n);
    const now = ++this.time;
    await insertEni(this.tx, {
      id: eniId,
      appId: this.caller.appId,
      region: this.caller.region,
      vpcId: id('vpc', v),
      subnetId: id('subnet', v),
      name: `bench-${n}`,
      description: '',
      mac: mac(n),
      primary: primaryOf !== null,
      state: 'AVAILABLE',
      instanceId: primaryOf,
      attachTime: primaryOf === null ? null : now,
      targetInstanceId: null,
      taskId: null,
      deviceIndex: primaryOf === null ? null : 0,
      qosLevel: 'DEFAULT',
      createdAt: now,
    });
    // 10.v.0.0 is the network address and 10.v.0.1 the gateway: addresses start at .2.
    const ip = (10 * 2 ** 24 + v * 2 ** 16 + 2 + this.used[v]!++) as number;
    await insertIp(this.tx, {
      subnetId: id('subnet', v),
      ip,
      eniId,
      primary: true,
      state: 'ASSIGNED',
      description: '',
    });
    return eniId;
  }
}
