import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForm, FormParams, printable } from '../../src/api/v2/params.ts';
import { codeOf, v2CodeDesc } from '../../src/api/v2/errors.ts';
import { DomainError } from '../../src/domain/errors.ts';

// Form decoding: exactly one decoding pass, `+` as space, and malformed percent-encoding as a
// 4000 naming the parameter (never a URIError escaping as a 6000).

function rejects(fn: () => unknown, codeDesc: string, mentions: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DomainError, `not a DomainError: ${String(err)}`);
    assert.equal(codeOf(v2CodeDesc(err)), 4000);
    assert.equal(v2CodeDesc(err), codeDesc);
    assert.ok(err.message.includes(mentions), `message ${JSON.stringify(err.message)} does not name ${mentions}`);
    return true;
  });
}

describe('decodeForm', () => {
  it('decodes names and values once, in order', () => {
    assert.deepEqual(decodeForm('b=2&a=1&c=%2541'), [
      ['b', '2'],
      ['a', '1'],
      ['c', '%41'],
    ]);
  });

  it('reads + as a space and %2B as a plus', () => {
    assert.deepEqual(decodeForm('name=web+tier&sig=a%2Bb%3D'), [
      ['name', 'web tier'],
      ['sig', 'a+b='],
    ]);
  });

  it('decodes percent-encoded UTF-8', () => {
    assert.deepEqual(decodeForm('n=%E5%AD%90%E7%BD%91%2F%F0%9F%98%80'), [['n', '子网/😀']]);
  });

  it('decodes names too', () => {
    assert.deepEqual(decodeForm('subnetSet%2E0%2EsubnetName=x'), [['subnetSet.0.subnetName', 'x']]);
  });

  it('keeps = inside a value, reads a bare name as empty, skips empty parts', () => {
    assert.deepEqual(decodeForm('Signature=abc==&flag&&x='), [
      ['Signature', 'abc=='],
      ['flag', ''],
      ['x', ''],
    ]);
  });

  it('gives nothing for an empty string', () => {
    assert.deepEqual(decodeForm(''), []);
  });

  it('keeps duplicates for the caller to judge', () => {
    assert.deepEqual(decodeForm('a=1&a=2'), [
      ['a', '1'],
      ['a', '2'],
    ]);
  });

  for (const [label, raw, name] of [
    ['a bad hex digit', 'vpcName=%zz', 'vpcName'],
    ['a lone %', 'vpcName=100%', 'vpcName'],
    ['a truncated escape', 'vpcName=%4', 'vpcName'],
    ['a truncated UTF-8 sequence', 'vpcName=%E5%AD', 'vpcName'],
    ['an overlong UTF-8 encoding', 'vpcName=%C0%AF', 'vpcName'],
    ['an encoded UTF-16 surrogate', 'vpcName=%ED%A0%80', 'vpcName'],
    ['a stray continuation byte', 'vpcName=%80', 'vpcName'],
    ['a malformed name', 'vpc%ZZName=x', 'vpc%ZZName'],
  ] as const) {
    it(`refuses ${label} with InvalidParameter naming the parameter`, () => {
      rejects(() => decodeForm(`Action=CreateVpc&${raw}`), 'InvalidParameter', name);
    });
  }
});

describe('FormParams', () => {
  it('reads _ in names as .', () => {
    const params = new FormParams([
      ['subnetSet_0_subnetName', 'a'],
      ['Action', 'CreateVpc'],
    ]);
    assert.equal(params.get('subnetSet.0.subnetName'), 'a');
    assert.equal(params.get('Action'), 'CreateVpc');
    assert.equal(params.size, 2);
  });

  it('refuses to read a name given twice, and only when it is read', () => {
    const params = new FormParams([
      ['vpcId', 'a'],
      ['vpcId', 'b'],
      ['Action', 'DescribeVpcEx'],
    ]);
    assert.equal(params.get('Action'), 'DescribeVpcEx');
    rejects(() => params.get('vpcId'), 'InvalidParameter', 'vpcId');
  });

  it('refuses the same name given once with _ and once with .', () => {
    const params = new FormParams([
      ['ids.0', 'a'],
      ['ids_0', 'b'],
    ]);
    rejects(() => params.get('ids.0'), 'InvalidParameter', 'ids.0');
  });

  it('refuses a duplicate even when both values are equal (the signature could not tell them apart)', () => {
    const params = new FormParams([
      ['Nonce', '1'],
      ['Nonce', '1'],
    ]);
    rejects(() => params.get('Nonce'), 'InvalidParameter', 'Nonce');
  });
});

describe('printable', () => {
  it('quotes names and cuts long ones so error messages stay readable', () => {
    assert.equal(printable('vpcId'), '"vpcId"');
    const long = printable('x'.repeat(1000));
    assert.ok(long.length < 80, long);
    assert.ok(long.endsWith('…"'));
  });

  it('escapes control characters', () => {
    assert.equal(printable('a\nb'), '"a\\nb"');
  });
});
