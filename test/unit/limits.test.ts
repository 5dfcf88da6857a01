import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instanceLimits, MAX_IPS_UNATTACHED_ENI } from '../../src/domain/limits.ts';

// docs/contract.md, "Limits per instance": ENIs per instance / private IPs per ENI, both counting the primary. Core counts
// the table skips (3, 5-7) take the row below them in the table, i.e. the next larger row.

describe('instanceLimits: every row of the table', () => {
  const rows: Array<[cpu: number, memGb: number, enis: number, ipsPerEni: number, row: string]> = [
    [1, 1, 2, 2, '1 core, 1 GB'],
    [1, 2, 2, 6, '1 core, >1 GB'],
    [1, 4, 2, 6, '1 core, >1 GB'],
    [2, 2, 2, 10, '2 cores'],
    [2, 4, 2, 10, '2 cores'],
    [2, 16, 2, 10, '2 cores'],
    [4, 8, 4, 10, '4 cores, <=16 GB'],
    [4, 16, 4, 10, '4 cores, exactly 16 GB (the zh table: <=16 GB)'],
    [4, 17, 4, 20, '4 cores, >16 GB'],
    [4, 32, 4, 20, '4 cores, >16 GB'],
    [8, 16, 6, 20, '8-12 cores'],
    [10, 32, 6, 20, '8-12 cores'],
    [12, 48, 6, 20, '8-12 cores'],
    [13, 16, 8, 30, '>12 cores'],
    [16, 64, 8, 30, '>12 cores'],
    [64, 256, 8, 30, '>12 cores'],
  ];
  for (const [cpu, mem, enis, ipsPerEni, row] of rows) {
    it(`${cpu} cores ${mem} GB → ${enis} ENIs, ${ipsPerEni} IPs per ENI (${row})`, () => {
      assert.deepEqual(instanceLimits(cpu, mem), { enis, ipsPerEni });
    });
  }
});

describe('instanceLimits: core counts between rows', () => {
  it('3 cores take the 4-core rows, split by memory at 16 GB', () => {
    assert.deepEqual(instanceLimits(3, 4), { enis: 4, ipsPerEni: 10 });
    assert.deepEqual(instanceLimits(3, 16), { enis: 4, ipsPerEni: 10 });
    assert.deepEqual(instanceLimits(3, 24), { enis: 4, ipsPerEni: 20 });
  });

  for (const cpu of [5, 6, 7]) {
    it(`${cpu} cores take the 8-12 core row whatever the memory`, () => {
      assert.deepEqual(instanceLimits(cpu, 8), { enis: 6, ipsPerEni: 20 });
      assert.deepEqual(instanceLimits(cpu, 64), { enis: 6, ipsPerEni: 20 });
    });
  }

  it('never decreases as cores or memory grow (1-64 cores, 1-256 GB)', () => {
    for (let cpu = 1; cpu <= 64; cpu++) {
      for (let mem = 1; mem <= 256; mem++) {
        const here = instanceLimits(cpu, mem);
        const moreCpu = instanceLimits(cpu + 1, mem);
        const moreMem = instanceLimits(cpu, mem + 1);
        assert.ok(moreCpu.enis >= here.enis && moreCpu.ipsPerEni >= here.ipsPerEni, `cpu ${cpu}→${cpu + 1}, ${mem} GB`);
        assert.ok(
          moreMem.enis >= here.enis && moreMem.ipsPerEni >= here.ipsPerEni,
          `${cpu} cores, ${mem}→${mem + 1} GB`,
        );
      }
    }
  });
});

describe('unattached ENIs', () => {
  it('may hold up to 30 private IPs, as many as the largest instance allows', () => {
    assert.equal(MAX_IPS_UNATTACHED_ENI, 30);
    assert.equal(instanceLimits(64, 256).ipsPerEni, MAX_IPS_UNATTACHED_ENI);
  });
});
