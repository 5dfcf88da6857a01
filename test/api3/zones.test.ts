import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TYPE_CATALOGUE } from '../../src/domain/instance-types.ts';
import { backends } from '../support/backends.ts';
import { startServer, type TestServer } from '../support/harness.ts';
import { tc3 } from '../support/raw3.ts';
import { isError, sdk3Client } from '../support/sdk3.ts';

// DescribeZones, DescribeRegions and DescribeInstanceTypeConfigs (api3-vpc-cvm.md §5.8, §5.9): the
// region/zone catalogue and the instance-type catalogue, names by X-TC-Language.

const ZONE_FIELDS = ['Zone', 'ZoneName', 'ZoneId', 'ZoneState'];

for (const backend of backends()) {
  describe(`API 3.0 zones, regions, instance types [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());

    it("DescribeZones: the request region's zones, ZoneId a string, names in English or Chinese", async () => {
      const en = await sdk3Client(server.port).ok('cvm', 'DescribeZones', {});
      assert.equal(en.TotalCount, 4);
      assert.deepEqual(en.ZoneSet, [
        { Zone: 'ap-guangzhou-1', ZoneName: 'Guangzhou Zone 1', ZoneId: '100001', ZoneState: 'AVAILABLE' },
        { Zone: 'ap-guangzhou-2', ZoneName: 'Guangzhou Zone 2', ZoneId: '100002', ZoneState: 'AVAILABLE' },
        { Zone: 'ap-guangzhou-3', ZoneName: 'Guangzhou Zone 3', ZoneId: '100003', ZoneState: 'AVAILABLE' },
        { Zone: 'ap-guangzhou-4', ZoneName: 'Guangzhou Zone 4', ZoneId: '100004', ZoneState: 'AVAILABLE' },
      ]);
      for (const z of en.ZoneSet) assert.deepEqual(Object.keys(z), ZONE_FIELDS);
      const zh = await sdk3Client(server.port, { language: 'zh-CN' }).ok('cvm', 'DescribeZones', {});
      assert.deepEqual(
        zh.ZoneSet.map((z: any) => z.ZoneName),
        ['广州一区', '广州二区', '广州三区', '广州四区'],
      );
      const sh = await sdk3Client(server.port, { region: 'ap-shanghai', language: 'zh-CN' }).ok('cvm', 'DescribeZones');
      assert.deepEqual(
        sh.ZoneSet.map((z: any) => [z.Zone, z.ZoneId, z.ZoneName]),
        [
          ['ap-shanghai-1', '200001', '上海一区'],
          ['ap-shanghai-2', '200002', '上海二区'],
          ['ap-shanghai-3', '200003', '上海三区'],
        ],
      );
      // The short region name is accepted (D27); a region is needed.
      const bj = await sdk3Client(server.port, { region: 'bj' }).ok('cvm', 'DescribeZones');
      assert.deepEqual(
        bj.ZoneSet.map((z: any) => z.ZoneName),
        ['Beijing Zone 1', 'Beijing Zone 2', 'Beijing Zone 3'],
      );
      const none = await tc3(server.port, { action: 'DescribeZones', service: 'cvm', region: null });
      assert.equal(none.json.Response.Error.Code, 'MissingParameter');
      isError(await sdk3Client(server.port, { region: 'ap-mars' }).call('cvm', 'DescribeZones'), 'UnsupportedRegion');
    });

    it('DescribeRegions: every region, with no region needed, names in English or Chinese', async () => {
      const en = await sdk3Client(server.port).ok('cvm', 'DescribeRegions', {});
      assert.equal(en.TotalCount, 3);
      assert.deepEqual(en.RegionSet, [
        { Region: 'ap-guangzhou', RegionName: 'South China (Guangzhou)', RegionState: 'AVAILABLE' },
        { Region: 'ap-shanghai', RegionName: 'East China (Shanghai)', RegionState: 'AVAILABLE' },
        { Region: 'ap-beijing', RegionName: 'North China (Beijing)', RegionState: 'AVAILABLE' },
      ]);
      const zh = await sdk3Client(server.port, { language: 'zh-CN' }).ok('cvm', 'DescribeRegions', {});
      assert.deepEqual(
        zh.RegionSet.map((r: any) => r.RegionName),
        ['华南地区(广州)', '华东地区(上海)', '华北地区(北京)'],
      );
      // Global: no X-TC-Region at all, or one not offered, is fine.
      for (const region of [null, 'ap-mars']) {
        const r = await tc3(server.port, { action: 'DescribeRegions', service: 'cvm', region });
        assert.equal(r.json.Response.Error, undefined, JSON.stringify(r.json));
        assert.equal(r.json.Response.TotalCount, 3);
      }
    });

    it('DescribeInstanceTypeConfigs: the catalogue in every zone, filtered by zone, family and type', async () => {
      const c = sdk3Client(server.port);
      const all = await c.ok('cvm', 'DescribeInstanceTypeConfigs', {});
      assert.equal(all.InstanceTypeConfigSet.length, 4 * TYPE_CATALOGUE.length);
      assert.deepEqual([...new Set(all.InstanceTypeConfigSet.map((t: any) => t.InstanceType))], [...TYPE_CATALOGUE]);
      const one = await c.ok('cvm', 'DescribeInstanceTypeConfigs', {
        Filters: [
          { Name: 'zone', Values: ['ap-guangzhou-3'] },
          { Name: 'instance-type', Values: ['S5.MEDIUM4'] },
        ],
      });
      assert.deepEqual(one.InstanceTypeConfigSet, [
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
      const family = await c.ok('cvm', 'DescribeInstanceTypeConfigs', {
        Filters: [{ Name: 'instance-family', Values: ['M5'] }],
      });
      assert.deepEqual(
        family.InstanceTypeConfigSet.map((t: any) => [t.Zone, t.InstanceType, t.CPU, t.Memory]),
        [1, 2, 3, 4].map((n) => [`ap-guangzhou-${n}`, 'M5.LARGE32', 4, 32]),
      );
      // A zone by its numeric id too; filters are AND-ed; a type of no size offered matches nothing.
      const byId = await c.ok('cvm', 'DescribeInstanceTypeConfigs', {
        Filters: [{ Name: 'zone', Values: ['100002'] }],
      });
      assert.equal(byId.InstanceTypeConfigSet.length, TYPE_CATALOGUE.length);
      const contradictory = await c.ok('cvm', 'DescribeInstanceTypeConfigs', {
        Filters: [
          { Name: 'zone', Values: ['ap-guangzhou-1'] },
          { Name: 'zone', Values: ['ap-guangzhou-2'] },
        ],
      });
      assert.deepEqual(contradictory.InstanceTypeConfigSet, []);
      for (const Values of [['S5.SMALL0'], ['S5.SMALL3']]) {
        const r = await c.ok('cvm', 'DescribeInstanceTypeConfigs', { Filters: [{ Name: 'instance-type', Values }] });
        assert.deepEqual(r.InstanceTypeConfigSet, []);
      }
      const refusals: Array<[unknown, string, string?]> = [
        [[{ Name: 'gpu', Values: ['1'] }], 'InvalidFilter', 'gpu'],
        [
          [{ Name: 'zone', Values: ['ap-guangzhou-1', 'ap-guangzhou-2'] }],
          'InvalidFilterValue.LimitExceeded',
          'Filters.0.Values',
        ],
        [[{ Name: 'instance-type', Values: ['big'] }], 'InvalidInstanceType.Malformed', 'instance-type'],
        [[{ Name: 'zone', Values: ['ap-beijing-1'] }], 'InvalidZone.MismatchRegion', 'ap-beijing-1'],
        [
          Array.from({ length: 11 }, () => ({ Name: 'instance-family', Values: ['S5'] })),
          'InvalidParameterValue.LimitExceeded',
          'Filters',
        ],
      ];
      for (const [Filters, code, mentions] of refusals) {
        isError(await c.call('cvm', 'DescribeInstanceTypeConfigs', { Filters }), code, mentions);
      }
    });
  });

  describe(`API 3.0 zones of a configured catalogue [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { VPC_ENI_REGIONS: 'ap-guangzhou:gz:1:1,eu-frankfurt:fra:9:12' });
    });
    after(() => server.close());

    it('names regions it has no text for after their city, and zones past ten in Chinese numerals', async () => {
      const regions = await sdk3Client(server.port).ok('cvm', 'DescribeRegions');
      assert.deepEqual(
        regions.RegionSet.map((r: any) => [r.Region, r.RegionName]),
        [
          ['ap-guangzhou', 'South China (Guangzhou)'],
          ['eu-frankfurt', 'Frankfurt'],
        ],
      );
      const zh = sdk3Client(server.port, { region: 'eu-frankfurt', language: 'zh-CN' });
      const zones = await zh.ok('cvm', 'DescribeZones');
      assert.equal(zones.TotalCount, 12);
      assert.deepEqual(
        [zones.ZoneSet[0], zones.ZoneSet[9], zones.ZoneSet[10], zones.ZoneSet[11]].map((z: any) => [
          z.Zone,
          z.ZoneId,
          z.ZoneName,
        ]),
        [
          ['eu-frankfurt-1', '900001', 'Frankfurt一区'],
          ['eu-frankfurt-10', '900010', 'Frankfurt十区'],
          ['eu-frankfurt-11', '900011', 'Frankfurt十一区'],
          ['eu-frankfurt-12', '900012', 'Frankfurt十二区'],
        ],
      );
      const en = await sdk3Client(server.port, { region: 'eu-frankfurt' }).ok('cvm', 'DescribeZones');
      assert.equal(en.ZoneSet[11].ZoneName, 'Frankfurt Zone 12');
    });
  });
}
