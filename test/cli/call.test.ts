import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ACCOUNT_A, startServer, type TestServer } from '../support/harness.ts';
import { runCliAsync as runCli } from '../support/process.ts';

// `vpc-eni call` against a real server: what a script can rely on (--get prints one field, or
// nothing on stdout and the whole answer on stderr with exit status 1), where the key and the
// endpoint come from, and what a connection failure or a bad setting says.

const KEY = { VPC_ENI_SECRET_ID: ACCOUNT_A.secretId, VPC_ENI_SECRET_KEY: ACCOUNT_A.secretKey };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

for (const backend of backends()) {
  describe(`vpc-eni call [${backend.name}]`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    before(async () => {
      server = await startServer(backend);
      env = { VPC_ENI_ENDPOINT: `http://${server.host}`, ...KEY };
    });
    after(() => server.close());

    it('--get prints one field of a success (v2 and 3.0)', async () => {
      const v2 = await runCli(['call', 'CreateVpc', 'vpcName=cli', 'cidrBlock=10.0.0.0/16', '--get', 'unVpcId'], env);
      assert.equal(v2.status, 0, v2.stderr);
      assert.match(v2.stdout, /^vpc-[a-z0-9]{8}\n$/);
      const v3 = await runCli(
        ['call', '--api', '3', 'DescribeVpcs', 'VpcIds.0=' + v2.stdout.trim(), '--get', 'TotalCount'],
        env,
      );
      assert.equal(v3.status, 0, v3.stderr);
      assert.equal(v3.stdout, '1\n');
    });

    it('--get of an error answer prints nothing on stdout, the answer on stderr, and exits 1', async () => {
      const v2 = await runCli(['call', 'DeleteVpc', 'vpcId=vpc-00000000', '--get', 'code'], env);
      assert.equal(v2.status, 1);
      assert.equal(v2.stdout, '');
      assert.match(v2.stderr, /DeleteVpc answered an error/);
      assert.match(v2.stderr, /"codeDesc": "InvalidVpc.NotFound"/);
      const v3 = await runCli(['call', '--api', '3', 'DeleteVpc', 'VpcId=vpc-00000000', '--get', 'RequestId'], env);
      assert.equal(v3.status, 1);
      assert.equal(v3.stdout, '');
      assert.match(v3.stderr, /"Code": "ResourceNotFound"/);
    });

    it('an error answer without --get is printed on stdout, with exit status 1', async () => {
      const r = await runCli(['call', '--api', '3', 'DeleteVpc', 'VpcId=vpc-00000000'], env);
      assert.equal(r.status, 1);
      assert.equal(JSON.parse(r.stdout).Error.Code, 'ResourceNotFound');
    });

    it('--get of a field the answer lacks exits 1 and shows the answer', async () => {
      const r = await runCli(['call', 'DescribeVpcEx', '--get', 'data.nothing'], env);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /no field data.nothing in the answer/);
    });

    it('a stale key: 4104 on stderr with a hint, exit 1, and --get prints no "undefined"', async () => {
      const r = await runCli(['call', 'CreateVpc', 'vpcName=x', 'cidrBlock=10.0.0.0/16', '--get', 'unVpcId'], {
        ...env,
        VPC_ENI_SECRET_ID: 'AKIDstale000000000000000000000000000',
        VPC_ENI_SECRET_KEY: 'stale',
      });
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /"code": 4104/);
      assert.match(r.stderr, /does not know the key from VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY/);
      assert.match(r.stderr, /vpc-eni credentials/);
    });

    it('takes the key of the first account of VPC_ENI_ACCOUNTS, as the replicas are given it', async () => {
      const r = await runCli(['call', 'DescribeVpcEx', '--get', 'code'], {
        VPC_ENI_ENDPOINT: env.VPC_ENI_ENDPOINT!,
        VPC_ENI_ACCOUNTS: `${ACCOUNT_A.appId}:${ACCOUNT_A.secretId}:${ACCOUNT_A.secretKey}`,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '0\n');
    });

    it('takes the endpoint from HOST and PORT when VPC_ENI_ENDPOINT is not set', async () => {
      const r = await runCli(['call', 'DescribeVpcEx', '--get', 'code'], { ...KEY, PORT: String(server.port) });
      assert.equal(r.status, 0, r.stderr);
    });

    it('one JSON object works for v2 too (flattened) and API 3.0', async () => {
      const v2 = await runCli(
        [
          'call',
          'CreateVpc',
          '{"vpcName": "json", "cidrBlock": "10.1.0.0/16", "subnetSet": [{"subnetName": "a", "cidrBlock": "10.1.1.0/24", "zoneId": "100003"}]}',
          '--get',
          'subnetSet.0.cidrBlock',
        ],
        env,
      );
      assert.equal(v2.status, 0, v2.stderr);
      assert.equal(v2.stdout, '10.1.1.0/24\n');
      const v3 = await runCli(['call', '--api', '3', 'DescribeVpcs', '{"Limit": 1}', '--get', 'VpcSet.0.VpcId'], env);
      assert.equal(v3.status, 0, v3.stderr);
    });

    it('a parameter the Action does not declare is warned about, with the likely name', async () => {
      const r = await runCli(['call', 'DescribeVpcEx', 'vpcname=demo', '--get', 'code'], env);
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stderr,
        /DescribeVpcEx has no parameter vpcname \(did you mean vpcName\?\); the server ignores it/,
      );
    });

    it('--wait returns once the task has finished, with its result', async () => {
      const vpc = (
        await runCli(
          ['call', '--api', '3', 'CreateVpc', 'VpcName=w', 'CidrBlock=10.2.0.0/16', '--get', 'Vpc.VpcId'],
          env,
        )
      ).stdout.trim();
      const subnet = (
        await runCli(
          [
            'call',
            '--api',
            '3',
            'CreateSubnet',
            `VpcId=${vpc}`,
            'SubnetName=s',
            'CidrBlock=10.2.1.0/24',
            'Zone=ap-guangzhou-3',
            '--get',
            'Subnet.SubnetId',
          ],
          env,
        )
      ).stdout.trim();
      const r = await runCli(
        [
          'call',
          '--api',
          '3',
          'CreateNetworkInterface',
          `VpcId=${vpc}`,
          `SubnetId=${subnet}`,
          'NetworkInterfaceName=n',
          '--wait',
          '--get',
          'Task.Status',
        ],
        env,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'SUCCESS\n');
    });
  });
}

describe('vpc-eni call: where the server and the key are, and when they cannot be found', () => {
  it('a connection failure names the URL, where it came from and the reason', async () => {
    const port = await closedPort();
    const viaEndpoint = await runCli(['call', 'DescribeVpcEx'], {
      ...KEY,
      VPC_ENI_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    assert.equal(viaEndpoint.status, 1);
    assert.match(
      viaEndpoint.stderr,
      new RegExp(`cannot reach the server at http://127\\.0\\.0\\.1:${port} \\(from VPC_ENI_ENDPOINT\\): ECONNREFUSED`),
    );
    const viaPort = await runCli(['call', 'DescribeVpcEx'], { ...KEY, PORT: String(port) });
    assert.equal(viaPort.status, 1);
    assert.match(viaPort.stderr, /\(from HOST and PORT\): ECONNREFUSED; is it running \(npm start\)\?/);
  });

  it('VPC_ENI_ENDPOINT that is not a URL is named, with what is expected', async () => {
    const r = await runCli(['call', 'DescribeVpcEx'], { ...KEY, VPC_ENI_ENDPOINT: 'garbage' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /VPC_ENI_ENDPOINT must be a URL like http:\/\/127\.0\.0\.1:8080 \(got "garbage"\)/);
  });

  it('half a key pair names the missing variable', async () => {
    const r = await runCli(['call', 'DescribeVpcEx'], { VPC_ENI_SECRET_ID: 'AKIDonly' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /VPC_ENI_SECRET_KEY is not set/);
  });

  it('no key anywhere: says which database it looked for and every way to give one', async () => {
    const r = await runCli(['call', 'DescribeVpcEx'], {});
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no key for sqlite:\/.*\/data\/vpc-eni\.db: set VPC_ENI_SECRET_ID and VPC_ENI_SECRET_KEY/);
    assert.match(r.stderr, /VPC_ENI_ACCOUNTS/);
    assert.match(r.stderr, /start the server on this DATABASE_URL/);
  });

  it('PORT=0 (a server that picked its port) asks for VPC_ENI_ENDPOINT', async () => {
    const r = await runCli(['call', 'DescribeVpcEx'], { ...KEY, PORT: '0' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /PORT is 0.*VPC_ENI_ENDPOINT/);
  });
});
