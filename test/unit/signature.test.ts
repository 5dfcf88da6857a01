import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForm } from '../../src/api/v2/params.ts';
import { algorithmOf, sign, signatureMatches, sourceString, V2_PATH } from '../../src/api/v2/signature.ts';

// Every test vector of v2-common.md §2.3 (Tencent's documents, the Python SDK's unit tests) and
// §2.4 (examples A-D). The source strings are checked as text too, so a failure says which step of
// the algorithm broke rather than only that the digest differs.

type Params = Array<[string, string]>;

const signed = (key: string, method: string, host: string, params: Params): string =>
  sign(key, algorithmOf(new Map(params).get('SignatureMethod')), sourceString(method, host, V2_PATH, params));

describe('v2 signature: Tencent documentation vectors (§2.3)', () => {
  const KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
  const ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';

  it('HmacSHA1, legacy DescribeInstances with lower-case parameters', () => {
    const params: Params = [
      ['Action', 'DescribeInstances'],
      ['SecretId', ID],
      ['Region', 'gz'],
      ['Timestamp', '1465185768'],
      ['Nonce', '11886'],
      ['instanceIds.0', 'ins-09dx96dg'],
      ['offset', '0'],
      ['limit', '20'],
    ];
    const source = sourceString('GET', 'cvm.api.qcloud.com', V2_PATH, params);
    assert.equal(
      source,
      `GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz&SecretId=${ID}` +
        '&Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0',
    );
    assert.equal(sign(KEY, 'HmacSHA1', source), 'NSI3UqqD99b/UJb4tbG/xZpRW64=');
    assert.equal(signed(KEY, 'GET', 'cvm.api.qcloud.com', params), 'NSI3UqqD99b/UJb4tbG/xZpRW64=');
  });

  const v3Style = (method: string): Params => [
    ['Action', 'DescribeInstances'],
    ['InstanceIds.0', 'ins-09dx96dg'],
    ['Nonce', '11886'],
    ['Region', 'ap-guangzhou'],
    ['SecretId', ID],
    ['SignatureMethod', method],
    ['Timestamp', '1465185768'],
  ];

  it('HmacSHA256 when SignatureMethod=HmacSHA256', () => {
    const source = sourceString('GET', 'cvm.api.qcloud.com', V2_PATH, v3Style('HmacSHA256'));
    assert.equal(
      source,
      `GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886` +
        `&Region=ap-guangzhou&SecretId=${ID}&SignatureMethod=HmacSHA256&Timestamp=1465185768`,
    );
    assert.equal(
      signed(KEY, 'GET', 'cvm.api.qcloud.com', v3Style('HmacSHA256')),
      '0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=',
    );
  });

  it('HmacSHA1 when SignatureMethod=HmacSHA1 is given explicitly', () => {
    assert.equal(signed(KEY, 'GET', 'cvm.api.qcloud.com', v3Style('HmacSHA1')), 'nPVnY6njQmwQ8ciqbPl5Qe+Oru4=');
  });
});

describe('v2 signature: Python SDK unit-test vectors (§2.3)', () => {
  const params = (alg: string): Params => [
    ['Action', 'DescribeInstances'],
    ['Nonce', '1290303896666895346'],
    ['Region', 'ap-guangzhou'],
    ['SecretId', 'secretIdFoo'],
    ['SignatureMethod', alg],
    ['Timestamp', '1512393162'],
    ['Version', '2017-03-12'],
  ];
  const cases: Array<[string, string, string]> = [
    ['POST', 'HmacSHA1', 'p3n+pxBqF5JGZtDSxoVn5tGngf0='],
    ['GET', 'HmacSHA1', '5HAq1BOKNLEE2/uauWnp6Zv9Z3c='],
    ['POST', 'HmacSHA256', 'B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4='],
  ];
  for (const [method, alg, expected] of cases) {
    it(`${method} + ${alg}`, () => {
      assert.equal(signed('secretKeyBar', method, 'cvm.api.qcloud.com', params(alg)), expected);
    });
  }
});

describe('v2 signature: worked examples A-D (§2.4)', () => {
  const KEY = 'exampleSecretKey0000000000000001';
  const ID = 'AKIDexampleSecretId0000000000000001';

  it('A: GET, default HmacSHA1, from the wire URL', () => {
    const query =
      `Action=DescribeVpcEx&Region=gz&Timestamp=1507645389&Nonce=59485&SecretId=${ID}&vpcId=vpc-2ari9m7h` +
      '&offset=0&limit=1&orderDirection=desc&Signature=R2UKvadyMDhjHyvpP6WywgMAgk4%3D';
    const pairs = decodeForm(query);
    assert.equal(
      sourceString('GET', 'vpc.api.qcloud.com', V2_PATH, pairs),
      `GETvpc.api.qcloud.com/v2/index.php?Action=DescribeVpcEx&Nonce=59485&Region=gz&SecretId=${ID}` +
        '&Timestamp=1507645389&limit=1&offset=0&orderDirection=desc&vpcId=vpc-2ari9m7h',
    );
    assert.equal(new Map(pairs).get('Signature'), 'R2UKvadyMDhjHyvpP6WywgMAgk4=');
    assert.equal(signed(KEY, 'GET', 'vpc.api.qcloud.com', pairs), 'R2UKvadyMDhjHyvpP6WywgMAgk4=');
  });

  const exampleB: Params = [
    ['Action', 'CreateSubnet'],
    ['Region', 'ap-guangzhou'],
    ['Timestamp', '1507645389'],
    ['Nonce', '1234567890123'],
    ['SecretId', ID],
    ['SignatureMethod', 'HmacSHA256'],
    ['vpcId', 'vpc-2ari9m7h'],
    ['subnetSet.0.subnetName', 'web tier/子网'],
    ['subnetSet.0.cidrBlock', '10.0.1.0/24'],
    ['subnetSet.0.zoneId', '100003'],
    ['subnetSet.1.subnetName', 'db'],
    ['subnetSet.1.cidrBlock', '10.0.2.0/24'],
    ['subnetSet.1.zoneId', '100003'],
  ];

  it('B: POST, HmacSHA256, arrays, raw non-ASCII/space/slash values', () => {
    assert.equal(
      sourceString('POST', 'vpc.api.qcloud.com', V2_PATH, exampleB),
      'POSTvpc.api.qcloud.com/v2/index.php?Action=CreateSubnet&Nonce=1234567890123&Region=ap-guangzhou' +
        `&SecretId=${ID}&SignatureMethod=HmacSHA256&Timestamp=1507645389&subnetSet.0.cidrBlock=10.0.1.0/24` +
        '&subnetSet.0.subnetName=web tier/子网&subnetSet.0.zoneId=100003&subnetSet.1.cidrBlock=10.0.2.0/24' +
        '&subnetSet.1.subnetName=db&subnetSet.1.zoneId=100003&vpcId=vpc-2ari9m7h',
    );
    assert.equal(signed(KEY, 'POST', 'vpc.api.qcloud.com', exampleB), 'g5NcaCIO5WXdt8IrfO2GkQGSUsYBE2AtRn1+xL4fHAY=');
  });

  it('B: the form body as python urlencode writes it decodes to the same signature', () => {
    const body =
      `Action=CreateSubnet&Region=ap-guangzhou&Timestamp=1507645389&Nonce=1234567890123&SecretId=${ID}` +
      '&SignatureMethod=HmacSHA256&vpcId=vpc-2ari9m7h&subnetSet.0.subnetName=web+tier%2F%E5%AD%90%E7%BD%91' +
      '&subnetSet.0.cidrBlock=10.0.1.0%2F24&subnetSet.0.zoneId=100003&subnetSet.1.subnetName=db' +
      '&subnetSet.1.cidrBlock=10.0.2.0%2F24&subnetSet.1.zoneId=100003' +
      '&Signature=g5NcaCIO5WXdt8IrfO2GkQGSUsYBE2AtRn1%2BxL4fHAY%3D';
    const pairs = decodeForm(body);
    const supplied = new Map(pairs).get('Signature')!;
    assert.equal(supplied, 'g5NcaCIO5WXdt8IrfO2GkQGSUsYBE2AtRn1+xL4fHAY=');
    assert.ok(signatureMatches(signed(KEY, 'POST', 'vpc.api.qcloud.com', pairs), supplied));
  });

  it('B: names spelled with _ (subnetSet_0_subnetName) sign the same', () => {
    const underscored = exampleB.map(([k, v]): [string, string] => [k.replaceAll('.', '_'), v]);
    assert.ok(underscored.some(([k]) => k === 'subnetSet_0_subnetName'));
    assert.equal(
      signed(KEY, 'POST', 'vpc.api.qcloud.com', underscored),
      'g5NcaCIO5WXdt8IrfO2GkQGSUsYBE2AtRn1+xL4fHAY=',
    );
  });

  it('B: the same parameters signed for GET give another signature (the method is signed)', () => {
    assert.equal(signed(KEY, 'GET', 'vpc.api.qcloud.com', exampleB), 'FHUKPXUpU+e50eTN5MDY3D+sYx38esjU6qwaiZKFJVk=');
  });

  it('C: GET, HmacSHA256 with Token', () => {
    const params: Params = [
      ['Action', 'DescribeInstances'],
      ['Nonce', '7'],
      ['Region', 'gz'],
      ['SecretId', ID],
      ['SignatureMethod', 'HmacSHA256'],
      ['Timestamp', '1507645389'],
      ['Token', 'exampleTemporaryToken'],
      ['instanceIds.0', 'ins-0hm4gvho'],
      ['instanceIds.1', 'ins-8oby8q00'],
      ['limit', '20'],
      ['offset', '0'],
    ];
    assert.equal(signed(KEY, 'GET', 'cvm.api.qcloud.com', params), 'OQfrG9oqG9PzDjyj4w5jiG5QGuR4s5VvtdgkCc9hCGI=');
  });

  const exampleD: Params = [
    ['Action', 'ModifyVpcAttribute'],
    ['Region', 'gz'],
    ['Timestamp', '1507645389'],
    ['Nonce', '8'],
    ['SecretId', ID],
    ['vpcId', 'vpc-2ari9m7h'],
    ['vpcName', '@prod'],
  ];

  it('D: POST leaves @-values out of the source string', () => {
    const source = sourceString('POST', 'vpc.api.qcloud.com', V2_PATH, exampleD);
    assert.equal(
      source,
      `POSTvpc.api.qcloud.com/v2/index.php?Action=ModifyVpcAttribute&Nonce=8&Region=gz&SecretId=${ID}` +
        '&Timestamp=1507645389&vpcId=vpc-2ari9m7h',
    );
    assert.equal(sign(KEY, 'HmacSHA1', source), '3hAmvIBUmmq8BNMeIWDKJpH4pLw=');
  });

  it('D: GET keeps @-values', () => {
    const source = sourceString('GET', 'vpc.api.qcloud.com', V2_PATH, exampleD);
    assert.ok(source.endsWith('&vpcId=vpc-2ari9m7h&vpcName=@prod'), source);
    assert.equal(sign(KEY, 'HmacSHA1', source), 'yZquGDijKdmE55PtYhOuVZaqlM0=');
  });
});

describe('v2 signature: rules', () => {
  it('only the exact value HmacSHA256 selects SHA-256', () => {
    assert.equal(algorithmOf('HmacSHA256'), 'HmacSHA256');
    for (const other of [undefined, '', 'HmacSHA1', 'hmacsha256', 'HMACSHA256', 'HmacSHA512', 'TC3-HMAC-SHA256']) {
      assert.equal(algorithmOf(other), 'HmacSHA1', String(other));
    }
  });

  it('sorts by code unit: upper case before lower case, 10 before 2', () => {
    const source = sourceString('get', 'h', '/p', [
      ['ids.2', 'b'],
      ['ids.10', 'a'],
      ['action', 'x'],
      ['Zeta', 'z'],
    ]);
    assert.equal(source, 'GETh/p?Zeta=z&action=x&ids.10=a&ids.2=b');
  });

  it('leaves Signature itself out, and keeps empty values', () => {
    assert.equal(
      sourceString('POST', 'h', '/p', [
        ['Signature', 'abc'],
        ['a', ''],
      ]),
      'POSTh/p?a=',
    );
  });

  it('replaces _ in names only, never in values', () => {
    assert.equal(sourceString('GET', 'h', '/p', [['a_b_c', 'x_y']]), 'GETh/p?a.b.c=x_y');
  });

  it('signatures are standard padded Base64 of 20 (SHA-1) or 32 (SHA-256) bytes', () => {
    assert.equal(Buffer.from(sign('k', 'HmacSHA1', 's'), 'base64').length, 20);
    assert.equal(sign('k', 'HmacSHA1', 's').length, 28);
    assert.equal(Buffer.from(sign('k', 'HmacSHA256', 's'), 'base64').length, 32);
    assert.equal(sign('k', 'HmacSHA256', 's').length, 44);
  });

  it('signatureMatches is exact: no prefix, case or padding leniency', () => {
    const s = sign('k', 'HmacSHA1', 's');
    assert.ok(signatureMatches(s, s));
    assert.ok(!signatureMatches(s, s.slice(0, -1)));
    assert.ok(!signatureMatches(s, s.toLowerCase()));
    assert.ok(!signatureMatches(s, s + '='));
    assert.ok(!signatureMatches(s, ''));
  });
});
