import type { Client } from './harness.ts';

// Builders for the resources most tests need. Each returns ids and fails loudly if the server
// refuses, so a test's own assertions stay about the case it is testing.

export async function vpcWithSubnet(
  c: Client,
  o: { cidr?: string; subnetCidr?: string; zone?: string } = {},
): Promise<{ vpcId: string; subnetId: string }> {
  const vpc = await c.call('CreateVpc', {
    vpcName: 'test-vpc',
    cidrBlock: o.cidr ?? '10.0.0.0/16',
    subnetSet: [{ subnetName: 'test-subnet', cidrBlock: o.subnetCidr ?? '10.0.1.0/24', zoneId: o.zone ?? '100003' }],
  });
  if (vpc.code !== 0) throw new Error(`CreateVpc: ${JSON.stringify(vpc)}`);
  return { vpcId: vpc.unVpcId, subnetId: vpc.subnetSet[0].unSubnetId };
}

export async function instance(
  c: Client,
  net: { vpcId: string; subnetId: string } | null,
  o: { cpu?: number; mem?: number; zone?: string } = {},
): Promise<string> {
  const r = await c.run('RunInstances', {
    zoneId: o.zone ?? '100003',
    cpu: o.cpu ?? 2,
    mem: o.mem ?? 4,
    ...(net && { vpcId: net.vpcId, subnetId: net.subnetId }),
  });
  if (r.task.data.status !== 0) throw new Error(`RunInstances task: ${JSON.stringify(r.task)}`);
  return r.data.instanceIds[0];
}

export async function eni(
  c: Client,
  net: { vpcId: string; subnetId: string },
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await c.run('CreateNetworkInterface', {
    vpcId: net.vpcId,
    subnetId: net.subnetId,
    eniName: 'test-eni',
    ...extra,
  });
  if (r.task.data.status !== 0) throw new Error(`CreateNetworkInterface task: ${JSON.stringify(r.task)}`);
  return r.data.networkInterfaceId;
}

export async function describeEni(c: Client, vpcId: string, eniId: string): Promise<Record<string, any>> {
  const r = await c.call('DescribeNetworkInterfaces', { vpcId, networkInterfaceId: eniId });
  if (r.code !== 0 || r.data.data.length !== 1) throw new Error(`DescribeNetworkInterfaces: ${JSON.stringify(r)}`);
  return r.data.data[0];
}
