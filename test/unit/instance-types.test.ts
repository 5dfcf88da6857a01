import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_TYPE,
  MAX_CPU,
  MAX_MEM,
  parseInstanceType,
  TYPE_CATALOGUE,
  typeNameOf,
  typeNameOfInstance,
} from '../../src/domain/instance-types.ts';
import { instanceLimits } from '../../src/domain/limits.ts';

// Instance type names (api3-vpc-cvm.md §5.1, api3-mapping.md §3.4 and D9): <FAMILY>.<SIZE><GiB> with
// SMALL 1, MEDIUM 2, LARGE 4 and <n>XLARGE 4·n cores; v2 instances (cores and memory only) are named
// S5.<SIZE><mem>, or CUSTOM.<cpu>C<mem>G where no size fits.

describe('parseInstanceType: names that follow the pattern', () => {
  it('reads the documented examples', () => {
    assert.deepEqual(parseInstanceType('S5.SMALL1'), { name: 'S5.SMALL1', family: 'S5', cpu: 1, mem: 1 });
    assert.deepEqual(parseInstanceType('S5.MEDIUM4'), { name: 'S5.MEDIUM4', family: 'S5', cpu: 2, mem: 4 });
    assert.deepEqual(parseInstanceType('S6.LARGE8'), { name: 'S6.LARGE8', family: 'S6', cpu: 4, mem: 8 });
    assert.deepEqual(parseInstanceType('S6.2XLARGE16'), { name: 'S6.2XLARGE16', family: 'S6', cpu: 8, mem: 16 });
    assert.deepEqual(parseInstanceType('S5.16XLARGE256'), {
      name: 'S5.16XLARGE256',
      family: 'S5',
      cpu: 64,
      mem: 256,
    });
  });

  it('reads every size word and multiplier', () => {
    const sizes: Array<[string, number]> = [
      ['SMALL', 1],
      ['MEDIUM', 2],
      ['LARGE', 4],
      ['2XLARGE', 8],
      ['3XLARGE', 12],
      ['8XLARGE', 32],
      ['64XLARGE', 256],
    ];
    for (const [size, cpu] of sizes) {
      const t = parseInstanceType(`M5.${size}32`);
      assert.ok(typeof t === 'object', size);
      assert.deepEqual([t.cpu, t.mem, t.family], [cpu, 32, 'M5']);
    }
  });

  it('takes any family of capitals and digits, and memory from 1 to 4096 GiB', () => {
    for (const family of ['S5', 'SA2', 'IT5', 'GN7', 'BMS5', 'X', 'ABCDEFGH']) {
      assert.equal((parseInstanceType(`${family}.SMALL2`) as { family: string }).family, family);
    }
    assert.equal((parseInstanceType('S5.SMALL1') as { mem: number }).mem, 1);
    assert.equal((parseInstanceType(`S5.SMALL${MAX_MEM}`) as { mem: number }).mem, MAX_MEM);
  });

  it('reads back the CUSTOM names it gives v2 instances', () => {
    assert.deepEqual(parseInstanceType('CUSTOM.3C6G'), { name: 'CUSTOM.3C6G', family: 'CUSTOM', cpu: 3, mem: 6 });
    assert.deepEqual(parseInstanceType('CUSTOM.256C4096G'), {
      name: 'CUSTOM.256C4096G',
      family: 'CUSTOM',
      cpu: 256,
      mem: 4096,
    });
  });
});

describe('parseInstanceType: refusals', () => {
  it('malformed: anything off the pattern', () => {
    const bad = [
      '',
      'big',
      's5.small1',
      'S5.small1',
      's5.SMALL1',
      'S5.SMALL',
      'S5.HUGE4',
      'S5-SMALL1',
      'S5_SMALL1',
      'S5.SMALL1 ',
      ' S5.SMALL1',
      '.SMALL1',
      'S5.',
      'S5.XLARGE8',
      'S5.XLARGE8x',
      'S5.0XLARGE8',
      'S5.02XLARGE16',
      'S5.SMALL01',
      'S5.SMALL1.5',
      'S5.SMALL-1',
      '5S.SMALL1',
      'ABCDEFGHI.SMALL1',
      'S5.SMALL123456',
      'S5..SMALL1',
      'CUSTOM.3C6',
      'CUSTOM.C6G',
      'CUSTOM.03C6G',
      'custom.3C6G',
    ];
    for (const name of bad) assert.equal(parseInstanceType(name), 'malformed', JSON.stringify(name));
  });

  it('unknown: the pattern holds but no such size is offered', () => {
    const unknown = [
      'S5.SMALL0',
      `S5.SMALL${MAX_MEM + 1}`,
      'S5.SMALL99999',
      'S5.1XLARGE8',
      `S5.${MAX_CPU / 4 + 1}XLARGE8`,
      'S5.100XLARGE8',
      'CUSTOM.0C6G',
      'CUSTOM.3C0G',
      `CUSTOM.${MAX_CPU + 1}C8G`,
      `CUSTOM.8C${MAX_MEM + 1}G`,
    ];
    for (const name of unknown) assert.equal(parseInstanceType(name), 'unknown', name);
  });
});

describe('the default catalogue', () => {
  it('holds exactly the documented types, with their cores, memory and ENI limits', () => {
    // api3-vpc-cvm.md §5.1: name, cores, GiB, ENIs per instance, IPs per ENI.
    const table: Array<[string, number, number, number, number]> = [
      ['S5.SMALL1', 1, 1, 2, 2],
      ['S5.SMALL2', 1, 2, 2, 6],
      ['S5.SMALL4', 1, 4, 2, 6],
      ['S5.MEDIUM2', 2, 2, 2, 10],
      ['S5.MEDIUM4', 2, 4, 2, 10],
      ['S5.MEDIUM8', 2, 8, 2, 10],
      ['S5.LARGE8', 4, 8, 4, 10],
      ['S5.LARGE16', 4, 16, 4, 10],
      ['M5.LARGE32', 4, 32, 4, 20],
      ['S5.2XLARGE16', 8, 16, 6, 20],
      ['S5.2XLARGE32', 8, 32, 6, 20],
      ['S5.3XLARGE24', 12, 24, 6, 20],
      ['S5.4XLARGE32', 16, 32, 8, 30],
      ['S5.4XLARGE64', 16, 64, 8, 30],
      ['S5.8XLARGE64', 32, 64, 8, 30],
    ];
    assert.deepEqual(
      [...TYPE_CATALOGUE],
      table.map(([name]) => name),
    );
    for (const [name, cpu, mem, enis, ipsPerEni] of table) {
      const t = parseInstanceType(name);
      assert.ok(typeof t === 'object', name);
      assert.deepEqual([t.cpu, t.mem], [cpu, mem], name);
      assert.deepEqual(instanceLimits(t.cpu, t.mem), { enis, ipsPerEni }, name);
    }
  });

  it('defaults to S5.SMALL1, the size of v2 defaults (1 core, 1 GiB)', () => {
    assert.equal(DEFAULT_TYPE, 'S5.SMALL1');
    assert.ok(TYPE_CATALOGUE.includes(DEFAULT_TYPE));
    assert.deepEqual(parseInstanceType(DEFAULT_TYPE), { name: 'S5.SMALL1', family: 'S5', cpu: 1, mem: 1 });
  });
});

describe('typeNameOf: names for v2 instances', () => {
  it('uses the S5 sizes where the cores fit one, CUSTOM otherwise', () => {
    const cases: Array<[number, number, string]> = [
      [1, 1, 'S5.SMALL1'],
      [1, 2, 'S5.SMALL2'],
      [2, 4, 'S5.MEDIUM4'],
      [4, 8, 'S5.LARGE8'],
      [8, 16, 'S5.2XLARGE16'],
      [12, 24, 'S5.3XLARGE24'],
      [64, 256, 'S5.16XLARGE256'],
      [256, 4096, 'S5.64XLARGE4096'],
      [3, 6, 'CUSTOM.3C6G'],
      [5, 10, 'CUSTOM.5C10G'],
      [6, 12, 'CUSTOM.6C12G'],
      [7, 1, 'CUSTOM.7C1G'],
      [10, 20, 'CUSTOM.10C20G'],
      [255, 4096, 'CUSTOM.255C4096G'],
    ];
    for (const [cpu, mem, name] of cases) assert.equal(typeNameOf(cpu, mem), name, `${cpu}/${mem}`);
  });

  it('every size v2 accepts (1–256 cores, 1–4096 GB) gets a name that reads back as itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_CPU }), fc.integer({ min: 1, max: MAX_MEM }), (cpu, mem) => {
        const name = typeNameOf(cpu, mem);
        const parsed = parseInstanceType(name);
        assert.ok(typeof parsed === 'object', name);
        assert.deepEqual([parsed.cpu, parsed.mem, parsed.name], [cpu, mem, name]);
        assert.equal(parsed.family, cpu === 1 || cpu === 2 || cpu % 4 === 0 ? 'S5' : 'CUSTOM', name);
      }),
      { numRuns: 2000 },
    );
  });

  it('every core count, at the memory bounds', () => {
    for (let cpu = 1; cpu <= MAX_CPU; cpu++) {
      for (const mem of [1, MAX_MEM]) {
        const parsed = parseInstanceType(typeNameOf(cpu, mem));
        assert.ok(typeof parsed === 'object' && parsed.cpu === cpu && parsed.mem === mem, `${cpu}/${mem}`);
      }
    }
  });

  it('an instance keeps the type it was created with; one from v2 is named by its size', () => {
    assert.equal(typeNameOfInstance({ instanceType: 'M5.LARGE32', cpu: 4, mem: 32 }), 'M5.LARGE32');
    assert.equal(typeNameOfInstance({ instanceType: '', cpu: 4, mem: 32 }), 'S5.LARGE32');
    assert.equal(typeNameOfInstance({ instanceType: '', cpu: 3, mem: 3 }), 'CUSTOM.3C3G');
  });
});
