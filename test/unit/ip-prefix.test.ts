import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIp, parseIp } from '../../src/domain/cidr.ts';
import { addressRanges, ipTextPrefixRanges, type IpRange } from '../../src/domain/ip-prefix.ts';

const ip = (t: string) => parseIp(t)!;
const inRanges = (ranges: readonly IpRange[], n: number) => ranges.some(([lo, hi]) => lo <= n && n <= hi);

describe('ipTextPrefixRanges (address-ip text prefix → numeric ranges)', () => {
  it('turns a partial octet into the runs of octets printed with it', () => {
    assert.deepEqual(ipTextPrefixRanges('10.0.1'), [
      [ip('10.0.1.0'), ip('10.0.1.255')],
      [ip('10.0.10.0'), ip('10.0.19.255')],
      [ip('10.0.100.0'), ip('10.0.199.255')],
    ]);
    assert.deepEqual(ipTextPrefixRanges('10.0.1.5'), [
      [ip('10.0.1.5'), ip('10.0.1.5')],
      [ip('10.0.1.50'), ip('10.0.1.59')],
    ]);
    assert.deepEqual(ipTextPrefixRanges('192.168.0.25'), [
      [ip('192.168.0.25'), ip('192.168.0.25')],
      [ip('192.168.0.250'), ip('192.168.0.255')],
    ]);
    assert.deepEqual(ipTextPrefixRanges('2'), [
      [ip('2.0.0.0'), ip('2.255.255.255')],
      [ip('20.0.0.0'), ip('29.255.255.255')],
      [ip('200.0.0.0'), ip('255.255.255.255')],
    ]);
  });

  it('treats a trailing dot as a whole octet, and the empty prefix as everything', () => {
    assert.deepEqual(ipTextPrefixRanges('10.0.1.'), [[ip('10.0.1.0'), ip('10.0.1.255')]]);
    assert.deepEqual(ipTextPrefixRanges('10.'), [[ip('10.0.0.0'), ip('10.255.255.255')]]);
    assert.deepEqual(ipTextPrefixRanges(''), [[0, 2 ** 32 - 1]]);
    assert.deepEqual(ipTextPrefixRanges('10.0.1.7'), [
      [ip('10.0.1.7'), ip('10.0.1.7')],
      [ip('10.0.1.70'), ip('10.0.1.79')],
    ]);
    assert.deepEqual(ipTextPrefixRanges('10.0.1.255'), [[ip('10.0.1.255'), ip('10.0.1.255')]]);
  });

  it('matches nothing for text no address starts with', () => {
    for (const p of [
      '10.0.1.5.',
      '1.2.3.4.5',
      '256.',
      '10.01.',
      '01',
      '10.0.1.256',
      '10.0.1.2555',
      'a',
      '10.x',
      ' 10',
      '-1',
      '10..',
    ]) {
      assert.deepEqual(ipTextPrefixRanges(p), [], p);
    }
    assert.deepEqual(ipTextPrefixRanges('0'), [[0, 2 ** 24 - 1]]);
  });

  it('agrees with a text comparison for any address and any prefix of any address', () => {
    const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(address, address, fc.nat({ max: 15 }), (target, other, cut) => {
        const text = formatIp(other);
        const prefix = text.slice(0, Math.min(cut, text.length));
        const ranges = ipTextPrefixRanges(prefix);
        assert.equal(inRanges(ranges, target), formatIp(target).startsWith(prefix), `${prefix} vs ${formatIp(target)}`);
        assert.ok(inRanges(ranges, other));
        // Ascending, disjoint and merged.
        for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i]![0] > ranges[i - 1]![1] + 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('addressRanges (one value: prefix; several, or exact: each an address)', () => {
  it('is a prefix for one value unless exact', () => {
    assert.deepEqual(addressRanges(['10.0.1.5'], false), ipTextPrefixRanges('10.0.1.5'));
    assert.deepEqual(addressRanges(['10.0.1.5'], true), [[ip('10.0.1.5'), ip('10.0.1.5')]]);
  });

  it('takes several values as exact addresses and drops what is not an address', () => {
    assert.deepEqual(addressRanges(['10.0.1.5', '10.0.1', '10.0.1.6'], false), [
      [ip('10.0.1.5'), ip('10.0.1.5')],
      [ip('10.0.1.6'), ip('10.0.1.6')],
    ]);
    assert.deepEqual(addressRanges(['10.0.1'], true), []);
    assert.deepEqual(addressRanges([], false), []);
  });
});
