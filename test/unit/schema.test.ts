import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bool, id, int, ip, list, object, oneOf, readSchema, str, type Schema } from '../../src/api/v2/schema.ts';
import { codeOf, v2CodeDesc } from '../../src/api/v2/errors.ts';
import { DomainError } from '../../src/domain/errors.ts';

// The parameter declarations are the only input validation, so every way they can refuse input
// is pinned here: the codeDesc, and that the message names the parameter as the client spelled it.

const params = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

function refuses(schema: Schema, input: Record<string, string>, codeDesc: string, names: string): void {
  assert.throws(
    () => readSchema(schema, params(input)),
    (err: unknown) => {
      assert.ok(err instanceof DomainError, `not a DomainError: ${String(err)}`);
      assert.equal(v2CodeDesc(err), codeDesc);
      assert.equal(codeOf(v2CodeDesc(err)), 4000);
      assert.ok(err.message.includes(names), `message ${JSON.stringify(err.message)} does not name ${names}`);
      return true;
    },
  );
}

describe('required, optional and default', () => {
  const schema = { vpcId: id().required(), vpcName: str(), limit: int().default(20) };

  it('reads what is given', () => {
    assert.deepEqual(readSchema(schema, params({ vpcId: 'vpc-1', vpcName: 'n', limit: '5' })), {
      vpcId: 'vpc-1',
      vpcName: 'n',
      limit: 5,
    });
  });

  it('leaves an absent optional undefined and fills in a default', () => {
    assert.deepEqual(readSchema(schema, params({ vpcId: 'vpc-1' })), { vpcId: 'vpc-1', vpcName: undefined, limit: 20 });
  });

  it('refuses a missing required parameter with InvalidParameter naming it', () => {
    refuses(schema, {}, 'InvalidParameter', 'vpcId');
  });

  it('still validates a value given for a defaulted parameter', () => {
    refuses(schema, { vpcId: 'vpc-1', limit: 'ten' }, 'InvalidParameter', 'limit');
  });

  it('ignores parameters it does not declare', () => {
    assert.deepEqual(readSchema({ a: str() }, params({ a: 'x', RequestClient: 'SDK_NODEJS_0.2.1' })), { a: 'x' });
  });

  it('reads nested names under a prefix', () => {
    assert.deepEqual(readSchema({ a: str() }, params({ 'p.a': 'x', a: 'y' }), 'p.'), { a: 'x' });
  });
});

describe('int', () => {
  const schema = { n: int({ min: 1, max: 50 }) };
  it('reads decimal integers within the bounds, both ends included', () => {
    assert.equal(readSchema(schema, params({ n: '1' })).n, 1);
    assert.equal(readSchema(schema, params({ n: '50' })).n, 50);
    assert.equal(readSchema(schema, params({ n: '007' })).n, 7);
  });

  for (const bad of ['', 'ten', '1.5', '1e1', '0x10', ' 5', '5 ', '+5', '--5', '5-', 'NaN', 'Infinity', '１']) {
    it(`refuses ${JSON.stringify(bad)} as not an integer (InvalidParameter)`, () => {
      refuses(schema, { n: bad }, 'InvalidParameter', 'n');
    });
  }

  it('refuses out-of-range integers with InvalidParameterValue', () => {
    refuses(schema, { n: '0' }, 'InvalidParameterValue', 'n');
    refuses(schema, { n: '51' }, 'InvalidParameterValue', 'n');
    refuses(schema, { n: '-1' }, 'InvalidParameterValue', 'n');
  });

  it('defaults to 0 .. 2^31-1', () => {
    const s = { n: int() };
    assert.equal(readSchema(s, params({ n: '2147483647' })).n, 2147483647);
    refuses(s, { n: '2147483648' }, 'InvalidParameterValue', 'n');
    refuses(s, { n: '-1' }, 'InvalidParameterValue', 'n');
  });

  it('refuses absurdly long digit strings instead of losing precision', () => {
    refuses({ n: int() }, { n: '9'.repeat(40) }, 'InvalidParameter', 'n');
  });
});

describe('bool', () => {
  const schema = { b: bool() };
  for (const [raw, value] of [
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['1', true],
    ['false', false],
    ['FALSE', false],
    ['False', false],
    ['0', false],
  ] as const) {
    it(`reads ${raw} as ${value}`, () => {
      assert.equal(readSchema(schema, params({ b: raw })).b, value);
    });
  }
  for (const bad of ['', 'yes', 'no', '2', '-1', 'on', 't', ' true', '01']) {
    it(`refuses ${JSON.stringify(bad)} with InvalidParameter`, () => {
      refuses(schema, { b: bad }, 'InvalidParameter', 'b');
    });
  }
  it('takes its default when absent', () => {
    assert.equal(readSchema({ b: bool().default(false) }, params({})).b, false);
  });
});

describe('oneOf', () => {
  const schema = { orderDirection: oneOf(['asc', 'desc'] as const).default('desc') };
  it('reads a listed value exactly and defaults', () => {
    assert.equal(readSchema(schema, params({ orderDirection: 'asc' })).orderDirection, 'asc');
    assert.equal(readSchema(schema, params({})).orderDirection, 'desc');
  });
  for (const bad of ['ASC', 'ascending', '', ' asc']) {
    it(`refuses ${JSON.stringify(bad)} with InvalidParameterValue`, () => {
      refuses(schema, { orderDirection: bad }, 'InvalidParameterValue', 'orderDirection');
    });
  }
});

describe('str', () => {
  it('counts characters, not bytes or UTF-16 units, against the maximum', () => {
    const s = { name: str({ max: 3 }) };
    assert.equal(readSchema(s, params({ name: '子网名' })).name, '子网名');
    assert.equal(readSchema(s, params({ name: '😀😀😀' })).name, '😀😀😀');
    refuses(s, { name: '子网名字' }, 'InvalidParameterValue', 'name');
  });

  it('accepts exactly the maximum and refuses one more', () => {
    const s = { vpcName: str({ max: 60, invalid: 'invalidVpcName' }).required() };
    assert.equal(readSchema(s, params({ vpcName: 'x'.repeat(60) })).vpcName.length, 60);
    refuses(s, { vpcName: 'x'.repeat(61) }, 'InvalidVpcName', 'vpcName');
  });

  it('uses the documented codeDesc for an empty value too', () => {
    refuses({ vpcName: str({ max: 60, invalid: 'invalidVpcName' }) }, { vpcName: '' }, 'InvalidVpcName', 'vpcName');
  });

  it('without a documented codeDesc, too long or empty is InvalidParameterValue', () => {
    refuses({ s: str({ max: 2 }) }, { s: 'abc' }, 'InvalidParameterValue', 's');
    refuses({ s: str() }, { s: '' }, 'InvalidParameterValue', 's');
  });

  it('accepts an empty value when asked to, and defaults to 255 characters', () => {
    assert.equal(readSchema({ s: str({ nonEmpty: false }) }, params({ s: '' })).s, '');
    assert.equal(readSchema({ s: str() }, params({ s: 'x'.repeat(255) })).s?.length, 255);
    refuses({ s: str() }, { s: 'x'.repeat(256) }, 'InvalidParameterValue', 's');
  });
});

describe('ip', () => {
  it('reads a dotted quad as given', () => {
    assert.equal(readSchema({ a: ip() }, params({ a: '10.0.1.7' })).a, '10.0.1.7');
  });
  for (const bad of ['10.0.1', '10.0.1.256', '10.0.1.7/32', 'localhost', '']) {
    it(`refuses ${JSON.stringify(bad)} with InvalidParameterValue`, () => {
      refuses({ a: ip() }, { a: bad }, 'InvalidParameterValue', 'a');
    });
  }
});

describe('list', () => {
  const ids = { ids: list(id().required(), { max: 3 }) };

  it('reads name.0, name.1, ... in numeric order, whatever the order of arrival', () => {
    const eleven = { items: list(str().required(), { max: 20 }) };
    const input: Record<string, string> = {};
    for (const i of [10, 2, 0, 9, 1, 3, 8, 4, 7, 5, 6]) input[`items.${i}`] = `v${i}`;
    assert.deepEqual(
      readSchema(eleven, params(input)).items,
      Array.from({ length: 11 }, (_, i) => `v${i}`),
    );
  });

  it('is empty when nobody sent it and it is optional', () => {
    assert.deepEqual(readSchema(ids, params({})).ids, []);
  });

  it('refuses a gap in the indices with InvalidParameter naming the list', () => {
    refuses(ids, { 'ids.0': 'a', 'ids.2': 'c' }, 'InvalidParameter', 'ids');
  });

  it('refuses a list that does not start at 0', () => {
    refuses(ids, { 'ids.1': 'a' }, 'InvalidParameter', 'ids');
  });

  it('refuses an index that is not a number, naming the key', () => {
    refuses(ids, { 'ids.x': 'a' }, 'InvalidParameter', 'ids.x');
    refuses(ids, { 'ids.-1': 'a' }, 'InvalidParameter', 'ids.-1');
    refuses(ids, { 'ids.': 'a' }, 'InvalidParameter', 'ids.');
  });

  it('refuses more than max items with InvalidParameterValue', () => {
    assert.equal(readSchema(ids, params({ 'ids.0': 'a', 'ids.1': 'b', 'ids.2': 'c' })).ids.length, 3);
    refuses(ids, { 'ids.0': 'a', 'ids.1': 'b', 'ids.2': 'c', 'ids.3': 'd' }, 'InvalidParameterValue', 'ids');
  });

  it('refuses fewer than min items with InvalidParameter', () => {
    const required = { instanceIds: list(id().required(), { min: 1, max: 100 }) };
    refuses(required, {}, 'InvalidParameter', 'instanceIds');
    assert.deepEqual(readSchema(required, params({ 'instanceIds.0': 'ins-1' })).instanceIds, ['ins-1']);
  });

  it('validates every item', () => {
    refuses(
      { ips: list(ip().required(), { max: 5 }) },
      { 'ips.0': '10.0.0.1', 'ips.1': 'x' },
      'InvalidParameterValue',
      'ips.1',
    );
  });

  it('does not mistake another parameter sharing a prefix for an item', () => {
    assert.deepEqual(readSchema(ids, params({ idsExtra: 'x', 'idsX.0': 'y' })).ids, []);
  });
});

describe('list of objects', () => {
  const schema = {
    subnetSet: list(
      object({
        subnetName: str({ max: 60, invalid: 'invalidSubnetName' }).required(),
        cidrBlock: str({ max: 18 }).required(),
        primary: bool().default(false),
      }),
      { max: 2 },
    ),
  };

  it('reads name.N.field into objects, defaults included', () => {
    assert.deepEqual(
      readSchema(
        schema,
        params({
          'subnetSet.1.subnetName': 'db',
          'subnetSet.1.cidrBlock': '10.0.2.0/24',
          'subnetSet.1.primary': 'TRUE',
          'subnetSet.0.subnetName': 'web',
          'subnetSet.0.cidrBlock': '10.0.1.0/24',
        }),
      ).subnetSet,
      [
        { subnetName: 'web', cidrBlock: '10.0.1.0/24', primary: false },
        { subnetName: 'db', cidrBlock: '10.0.2.0/24', primary: true },
      ],
    );
  });

  it('names the missing field of an item', () => {
    refuses(schema, { 'subnetSet.0.subnetName': 'web' }, 'InvalidParameter', 'subnetSet.0.cidrBlock');
  });

  it('gives an item field its documented codeDesc', () => {
    refuses(
      schema,
      { 'subnetSet.0.subnetName': 'x'.repeat(61), 'subnetSet.0.cidrBlock': '10.0.1.0/24' },
      'InvalidSubnetName',
      'subnetSet.0.subnetName',
    );
  });

  it('refuses gaps and too many items as for scalars', () => {
    refuses(
      schema,
      { 'subnetSet.0.subnetName': 'a', 'subnetSet.0.cidrBlock': 'c', 'subnetSet.2.subnetName': 'b' },
      'InvalidParameter',
      'subnetSet',
    );
    refuses(
      schema,
      { 'subnetSet.0.subnetName': 'a', 'subnetSet.1.subnetName': 'b', 'subnetSet.2.subnetName': 'c' },
      'InvalidParameterValue',
      'subnetSet',
    );
  });

  it('refuses an item field with a bad boolean', () => {
    refuses(
      schema,
      { 'subnetSet.0.subnetName': 'a', 'subnetSet.0.cidrBlock': 'c', 'subnetSet.0.primary': 'maybe' },
      'InvalidParameter',
      'subnetSet.0.primary',
    );
  });
});
