import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  contains,
  containsIp,
  formatCidr,
  formatIp,
  isUsable,
  isValidSubnetCidr,
  isValidVpcCidr,
  overlaps,
  parseCidr,
  parseIp,
  usableRange,
  type Cidr,
} from '../../src/domain/cidr.ts';

const cidr = (text: string): Cidr => {
  const c = parseCidr(text);
  assert.ok(c, `${text} should parse`);
  return c;
};

// Any aligned block: a random address with its host bits cleared.
const anyCidr = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
  .map(([ip, prefix]) => {
    const size = 2 ** (32 - prefix);
    return { network: ip - (ip % size), prefix, size };
  });

describe('parseIp / formatIp', () => {
  it('reads dotted quads as unsigned 32-bit numbers', () => {
    assert.equal(parseIp('0.0.0.0'), 0);
    assert.equal(parseIp('0.0.0.1'), 1);
    assert.equal(parseIp('0.0.1.0'), 256);
    assert.equal(parseIp('10.0.0.1'), 0x0a000001);
    assert.equal(parseIp('192.168.255.254'), 0xc0a8fffe);
    assert.equal(parseIp('255.255.255.255'), 2 ** 32 - 1);
  });

  it('refuses anything but four decimal octets 0-255 without leading zeros', () => {
    for (const bad of [
      '',
      '10',
      '10.0.0',
      '10.0.0.0.0',
      '256.0.0.1',
      '10.0.0.-1',
      '010.0.0.1',
      '10.00.0.1',
      '1e1.0.0.1',
      '0x0a.0.0.1',
      ' 10.0.0.1',
      '10.0.0.1 ',
      '10.0.0.1\n',
      '10..0.1',
      '١٠.0.0.1',
      '10.0.0.1/32',
    ]) {
      assert.equal(parseIp(bad), null, JSON.stringify(bad));
    }
  });

  it('formats every octet position, including the top bit', () => {
    assert.equal(formatIp(0), '0.0.0.0');
    assert.equal(formatIp(2 ** 32 - 1), '255.255.255.255');
    assert.equal(formatIp(0x80000000), '128.0.0.0');
    assert.equal(formatIp(0xac100a05), '172.16.10.5');
  });

  it('round-trips every address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => parseIp(formatIp(n)) === n),
      { numRuns: 2000 },
    );
  });
});

describe('parseCidr / formatCidr', () => {
  it('reads network, prefix and size', () => {
    assert.deepEqual(parseCidr('10.0.0.0/16'), { network: 0x0a000000, prefix: 16, size: 65536 });
    assert.deepEqual(parseCidr('0.0.0.0/0'), { network: 0, prefix: 0, size: 2 ** 32 });
    assert.deepEqual(parseCidr('10.1.2.3/32'), { network: 0x0a010203, prefix: 32, size: 1 });
  });

  it('accepts an address only when it is the network address of its block, for every prefix', () => {
    for (let prefix = 0; prefix <= 32; prefix++) {
      const size = 2 ** (32 - prefix);
      const network = 0xc0a80000 - (0xc0a80000 % size); // 192.168.0.0 aligned down
      assert.ok(parseCidr(`${formatIp(network)}/${prefix}`), `/${prefix} network address`);
      if (size > 1) {
        assert.equal(parseCidr(`${formatIp(network + 1)}/${prefix}`), null, `/${prefix} first host`);
        assert.equal(parseCidr(`${formatIp(network + size - 1)}/${prefix}`), null, `/${prefix} last address`);
      }
    }
  });

  it('refuses the classic mistakes', () => {
    for (const bad of [
      '10.0.0.1/24',
      '10.0.1.0/16',
      '172.16.0.0/11',
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.0',
      '/24',
      '10.0.0.0/-1',
      '10.0.0.0/100',
      '10.0.0.0/24/24',
      '10.0.0/24',
      '10.0.0.0 /24',
      'vpc-abc/24',
    ]) {
      assert.equal(parseCidr(bad), null, bad);
    }
  });

  it('round-trips every aligned block', () => {
    fc.assert(
      fc.property(anyCidr, (c) => {
        const text = formatCidr(c);
        assert.deepEqual(parseCidr(text), c);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('contains / overlaps / containsIp', () => {
  it('contains: the same block, a sub-block, not a super-block, not a neighbour', () => {
    const vpc = cidr('10.0.0.0/16');
    assert.ok(contains(vpc, vpc));
    assert.ok(contains(vpc, cidr('10.0.0.0/24')));
    assert.ok(contains(vpc, cidr('10.0.255.240/28')));
    assert.ok(!contains(vpc, cidr('10.0.0.0/15')));
    assert.ok(!contains(vpc, cidr('10.1.0.0/24')));
    assert.ok(!contains(cidr('10.0.1.0/24'), cidr('10.0.0.0/24')));
  });

  it('overlaps: shared addresses only; adjacent blocks do not overlap', () => {
    assert.ok(overlaps(cidr('10.0.0.0/16'), cidr('10.0.5.0/24')));
    assert.ok(overlaps(cidr('10.0.5.0/24'), cidr('10.0.0.0/16')));
    assert.ok(overlaps(cidr('10.0.1.0/24'), cidr('10.0.1.0/24')));
    assert.ok(!overlaps(cidr('10.0.0.0/24'), cidr('10.0.1.0/24')));
    assert.ok(!overlaps(cidr('10.0.1.0/24'), cidr('10.0.0.0/24')));
    assert.ok(!overlaps(cidr('10.0.0.240/28'), cidr('10.0.1.0/28')));
    assert.ok(overlaps(cidr('0.0.0.0/0'), cidr('255.255.255.255/32')));
  });

  it('for aligned blocks, overlapping means one contains the other (property)', () => {
    fc.assert(
      fc.property(anyCidr, anyCidr, (a, b) => {
        assert.equal(overlaps(a, b), overlaps(b, a));
        assert.equal(overlaps(a, b), contains(a, b) || contains(b, a));
      }),
      { numRuns: 3000 },
    );
  });

  it('containsIp: the block from its network to its broadcast address', () => {
    const c = cidr('10.0.1.0/24');
    assert.ok(containsIp(c, parseIp('10.0.1.0')!));
    assert.ok(containsIp(c, parseIp('10.0.1.255')!));
    assert.ok(!containsIp(c, parseIp('10.0.0.255')!));
    assert.ok(!containsIp(c, parseIp('10.0.2.0')!));
  });
});

describe('usableRange / isUsable', () => {
  it('a /24 has 253 usable addresses: network, gateway and broadcast are reserved', () => {
    const c = cidr('10.0.1.0/24');
    const r = usableRange(c);
    assert.equal(r.count, 253);
    assert.equal(formatIp(r.first), '10.0.1.2');
    assert.equal(formatIp(r.last), '10.0.1.254');
    assert.ok(!isUsable(c, parseIp('10.0.1.0')!));
    assert.ok(!isUsable(c, parseIp('10.0.1.1')!));
    assert.ok(isUsable(c, parseIp('10.0.1.2')!));
    assert.ok(isUsable(c, parseIp('10.0.1.254')!));
    assert.ok(!isUsable(c, parseIp('10.0.1.255')!));
    assert.ok(!isUsable(c, parseIp('10.0.2.2')!));
  });

  it('a /28 has 13', () => {
    const r = usableRange(cidr('192.168.0.16/28'));
    assert.equal(r.count, 13);
    assert.equal(formatIp(r.first), '192.168.0.18');
    assert.equal(formatIp(r.last), '192.168.0.30');
  });

  it('every allowed subnet size /16-/28 has 2^(32-n) - 3 usable addresses, all inside the block', () => {
    for (let prefix = 16; prefix <= 28; prefix++) {
      const c = cidr(`172.16.0.0/${prefix}`);
      const r = usableRange(c);
      assert.equal(r.count, 2 ** (32 - prefix) - 3, `/${prefix}`);
      assert.equal(r.last - r.first + 1, r.count);
      assert.ok(containsIp(c, r.first) && containsIp(c, r.last));
    }
  });

  it('counts every address of a /28 one by one', () => {
    const c = cidr('10.9.8.32/28');
    let usable = 0;
    for (let ip = c.network - 4; ip < c.network + c.size + 4; ip++) if (isUsable(c, ip)) usable++;
    assert.equal(usable, 13);
  });

  it('blocks too small to reserve three addresses have none to give (never a negative count)', () => {
    assert.equal(usableRange(cidr('10.0.0.0/30')).count, 1);
    assert.equal(usableRange(cidr('10.0.0.0/31')).count, 0);
    assert.equal(usableRange(cidr('10.0.0.0/32')).count, 0);
  });
});

describe('isValidVpcCidr', () => {
  it('accepts /16 to /28 inside each RFC 1918 range, at both ends of the range', () => {
    for (const ok of [
      '10.0.0.0/16',
      '10.255.0.0/16',
      '10.255.255.240/28',
      '172.16.0.0/16',
      '172.31.0.0/16',
      '172.31.255.240/28',
      '192.168.0.0/16',
      '192.168.255.240/28',
      '10.1.2.0/24',
    ]) {
      assert.ok(isValidVpcCidr(cidr(ok)), ok);
    }
  });

  it('accepts every mask from /16 to /28 and none outside', () => {
    for (let prefix = 8; prefix <= 32; prefix++) {
      assert.equal(isValidVpcCidr(cidr(`10.0.0.0/${prefix}`)), prefix >= 16 && prefix <= 28, `/${prefix}`);
    }
  });

  it('refuses public space and the edges just outside the private ranges', () => {
    for (const bad of [
      '11.0.0.0/16',
      '9.255.0.0/16',
      '172.15.0.0/16',
      '172.32.0.0/16',
      '192.167.0.0/16',
      '192.169.0.0/16',
      '100.64.0.0/16',
      '8.8.0.0/16',
      '0.0.0.0/16',
      '10.0.0.0/8',
      '172.16.0.0/12',
      '10.0.0.0/15',
      '10.0.0.0/29',
      '10.0.0.0/32',
    ]) {
      assert.ok(!isValidVpcCidr(cidr(bad)), bad);
    }
  });
});

describe('isValidSubnetCidr', () => {
  const vpc = cidr('10.0.0.0/16');
  it('accepts /16 to /28 inside the VPC, including the whole VPC block', () => {
    assert.ok(isValidSubnetCidr(vpc, cidr('10.0.0.0/16')));
    assert.ok(isValidSubnetCidr(vpc, cidr('10.0.1.0/24')));
    assert.ok(isValidSubnetCidr(vpc, cidr('10.0.255.240/28')));
  });
  it('refuses a block outside the VPC, larger than it, or with a mask outside /16-/28', () => {
    assert.ok(!isValidSubnetCidr(vpc, cidr('10.1.0.0/24')));
    assert.ok(!isValidSubnetCidr(vpc, cidr('10.0.0.0/15')));
    assert.ok(!isValidSubnetCidr(vpc, cidr('10.0.0.0/29')));
    assert.ok(!isValidSubnetCidr(cidr('10.0.0.0/24'), cidr('10.0.0.0/16')));
  });
});
