import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sign, sourceString } from '../../src/api/v2/signature.ts';
import { canonicalRequest, sha256Hex, signTc3, tc3Signature } from '../../src/api/v3/signature.ts';

// TC3-HMAC-SHA256 against the official vectors and vectors captured from tencentcloud-sdk-nodejs
// 4.1.313 (docs/api3.md, "Signature").

const OFFICIAL_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
const OFFICIAL_BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';

describe('TC3-HMAC-SHA256', () => {
  it('matches the official example (content-type;host)', () => {
    assert.equal(sha256Hex(OFFICIAL_BODY), '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', 'application/json; charset=utf-8'],
        ['host', 'cvm.tencentcloudapi.com'],
      ],
      payloadHash: sha256Hex(OFFICIAL_BODY),
    });
    assert.equal(sha256Hex(canonical), '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    assert.equal(
      tc3Signature(OFFICIAL_KEY, 1551113065, 'cvm', canonical),
      '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('matches the current official example (x-tc-action signed too)', () => {
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', 'application/json; charset=utf-8'],
        ['host', 'cvm.tencentcloudapi.com'],
        ['x-tc-action', 'describeinstances'],
      ],
      payloadHash: sha256Hex(OFFICIAL_BODY),
    });
    assert.equal(sha256Hex(canonical), '7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    assert.equal(
      tc3Signature(OFFICIAL_KEY, 1551113065, 'cvm', canonical),
      '644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26',
    );
  });

  const key = 'exampleSecretKey0000000000000001';
  const secretId = 'AKIDexampleSecretId0000000000000001';
  const body = '{"NetworkInterfaceId":"eni-abc12345","InstanceId":"ins-abc12345"}';
  const sig = (h: Record<string, string>) => /Signature=(\w+)/.exec(h.authorization!)![1];
  const base = {
    secretId,
    secretKey: key,
    action: 'AttachNetworkInterface',
    version: '2017-03-12',
    timestampS: 1795633265,
  };

  it('matches what the Node SDK sends aimed at 127.0.0.1:PORT (host without port, scope 127)', () => {
    assert.equal(sha256Hex(body), '9bc97e77f8001b501509e49969552c896d34d04b7cd7ef2d42acb05acb1deb4a');
    const h = signTc3({ ...base, host: '127.0.0.1', service: '127', body });
    assert.equal(sig(h), 'd1b987344a0d2dc7609b27efdf95437bd75a525b4feab4aa81093e18e5dfbe1b');
    assert.match(h.authorization!, /Credential=AKIDexampleSecretId0000000000000001\/2026-11-25\/127\/tc3_request/);
  });

  it('matches the Go/Python reading (host with port, scope vpc) and the real host', () => {
    assert.equal(
      sig(signTc3({ ...base, host: '127.0.0.1:18091', service: 'vpc', body })),
      '1391016c843794204170d5d1c999b5f8b72a1f43c63b8490b2bfa08bf9347e66',
    );
    assert.equal(
      sig(signTc3({ ...base, host: 'vpc.tencentcloudapi.com', service: 'vpc', body })),
      'be4e66feca70246aefeb04b355fe01d4ac9e8befb96f225a36e1f74ce7b58e40',
    );
  });

  it('matches a GET: raw query signed as sent, empty payload', () => {
    const h = signTc3({
      ...base,
      action: 'DescribeNetworkInterfaces',
      host: '127.0.0.1',
      service: '127',
      query: 'Filters.0.Name=vpc-id&Filters.0.Values.0=vpc-abc12345&Offset=0&Limit=20',
    });
    assert.equal(sig(h), '7407134d550c5a271a1d311e1c5927c6f286dd5b221f7f76e9d1d201c57a3bb2');
  });

  it('signs v1 on the 3.0 path as the Node SDK does (path /, host with port)', () => {
    const params: Array<[string, string]> = [
      ['Action', 'DescribeVpcTaskResult'],
      ['Nonce', '62049'],
      ['Region', 'ap-guangzhou'],
      ['RequestClient', 'SDK_NODEJS_4.1.313'],
      ['SecretId', secretId],
      ['SignatureMethod', 'HmacSHA256'],
      ['TaskId', '481e9b6e-81d1-4859-b8cf-a673e010b388'],
      ['Timestamp', '1795633265'],
      ['Version', '2017-03-12'],
    ];
    const source = sourceString('POST', '127.0.0.1:18091', '/', params);
    assert.equal(sign(key, 'HmacSHA256', source), 'giey/+00hOdmgBNJYJtXNvEvBWYu2rKnQLFCnpvhEY8=');
  });
});
