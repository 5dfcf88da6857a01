import type { Api } from './actions.ts';

// One worked example per action, as `vpc-eni call` command lines: two scenarios (API 3.0, v2),
// each a session on a fresh server in which every step may use what an earlier one saved
// (`$VPC`). `vpc-eni call <Action> --help` prints an action's example; `npm run docs` runs both
// scenarios against a fresh in-process server and puts each command with its real answer into
// docs/api3-actions.md and docs/actions.md (scripts/examples.ts). An action's example is its first
// step not marked `setup`; test/unit/actions-doc.test.ts checks that every action has one.

export interface Step {
  action: string;
  /** name=value arguments as typed on the command line; `$NAME` is a value saved earlier. */
  args: string[];
  /** --wait: the answer then also shows the finished task. */
  wait?: boolean;
  /** Saves fields of the answer (`Vpc.VpcId`) under a name for the steps after this one. */
  save?: Record<string, string>;
  /** Prepares a later step; not the example of its action. */
  setup?: boolean;
}

const ZONE = 'Zone=ap-guangzhou-3';

export const SCENARIO_V3: readonly Step[] = [
  { action: 'DescribeRegions', args: [] },
  { action: 'DescribeZones', args: [] },
  {
    action: 'DescribeInstanceTypeConfigs',
    args: ['Filters.0.Name=instance-type', 'Filters.0.Values.0=S5.MEDIUM4'],
  },
  { action: 'CreateVpc', args: ['VpcName=demo', 'CidrBlock=10.0.0.0/16'], save: { VPC: 'Vpc.VpcId' } },
  { action: 'DescribeVpcs', args: ['VpcIds.0=$VPC'] },
  { action: 'ModifyVpcAttribute', args: ['VpcId=$VPC', 'DomainName=demo.internal'] },
  {
    action: 'ModifyResourceTags',
    args: ['Resource=qcs::vpc:ap-guangzhou:uin/:vpc/$VPC', 'ReplaceTags.0.TagKey=team', 'ReplaceTags.0.TagValue=web'],
  },
  {
    action: 'DescribeResourceTagsByResourceIds',
    args: ['ServiceType=vpc', 'ResourcePrefix=vpc', 'ResourceIds.0=$VPC', 'ResourceRegion=ap-guangzhou'],
  },
  { action: 'DescribeRouteTables', args: ['Filters.0.Name=vpc-id', 'Filters.0.Values.0=$VPC'] },
  { action: 'DescribeVpcLimits', args: ['LimitTypes.0=appid-max-vpcs', 'LimitTypes.1=vpc-max-enis'] },
  {
    action: 'CreateSubnet',
    args: ['VpcId=$VPC', 'SubnetName=web', 'CidrBlock=10.0.1.0/24', ZONE],
    save: { SUBNET: 'Subnet.SubnetId' },
  },
  { action: 'ModifySubnetAttribute', args: ['SubnetId=$SUBNET', 'SubnetName=web-tier'] },
  {
    action: 'CreateSubnets',
    args: ['VpcId=$VPC', 'Subnets.0.SubnetName=db', 'Subnets.0.CidrBlock=10.0.2.0/24', `Subnets.0.${ZONE}`],
    save: { DB_SUBNET: 'SubnetSet.0.SubnetId' },
  },
  { action: 'DescribeSubnets', args: ['Filters.0.Name=vpc-id', 'Filters.0.Values.0=$VPC', 'Limit=1'] },
  {
    action: 'CreateSecurityGroup',
    args: ['GroupName=backend', 'GroupDescription=backend servers'],
    save: { SG: 'SecurityGroup.SecurityGroupId' },
  },
  { action: 'DescribeSecurityGroups', args: ['SecurityGroupIds.0=$SG'] },
  {
    action: 'ModifySecurityGroupAttribute',
    args: ['SecurityGroupId=$SG', 'GroupDescription=backend servers, port 8080'],
  },
  {
    action: 'RunInstances',
    args: [
      `Placement.${ZONE}`,
      'ImageId=img-00000000',
      'InstanceType=S5.MEDIUM4',
      'VirtualPrivateCloud.VpcId=$VPC',
      'VirtualPrivateCloud.SubnetId=$SUBNET',
      'InstanceName=web-1',
    ],
    wait: true,
    save: { INSTANCE: 'InstanceIdSet.0' },
  },
  {
    action: 'RunInstances',
    args: [
      `Placement.${ZONE}`,
      'ImageId=img-00000000',
      'InstanceType=S5.MEDIUM4',
      'VirtualPrivateCloud.VpcId=$VPC',
      'VirtualPrivateCloud.SubnetId=$SUBNET',
      'InstanceName=web-2',
    ],
    wait: true,
    save: { INSTANCE2: 'InstanceIdSet.0' },
    setup: true,
  },
  { action: 'DescribeInstances', args: ['InstanceIds.0=$INSTANCE'] },
  { action: 'DescribeInstancesStatus', args: ['InstanceIds.0=$INSTANCE'] },
  { action: 'DescribeNetworkInterfaceLimit', args: ['InstanceId=$INSTANCE'] },
  {
    action: 'CreateNetworkInterface',
    args: ['VpcId=$VPC', 'SubnetId=$SUBNET', 'NetworkInterfaceName=backend', 'SecondaryPrivateIpAddressCount=1'],
    wait: true,
    save: { ENI: 'NetworkInterface.NetworkInterfaceId' },
  },
  { action: 'DescribeNetworkInterfaces', args: ['NetworkInterfaceIds.0=$ENI'] },
  { action: 'DescribeUsedIpAddress', args: ['VpcId=$VPC', 'SubnetId=$SUBNET'] },
  {
    action: 'ModifyNetworkInterfaceAttribute',
    args: ['NetworkInterfaceId=$ENI', 'NetworkInterfaceDescription=backend traffic'],
  },
  { action: 'AssociateNetworkInterfaceSecurityGroups', args: ['NetworkInterfaceIds.0=$ENI', 'SecurityGroupIds.0=$SG'] },
  { action: 'DescribeSecurityGroupAssociationStatistics', args: ['SecurityGroupIds.0=$SG'] },
  {
    action: 'DisassociateNetworkInterfaceSecurityGroups',
    args: ['NetworkInterfaceIds.0=$ENI', 'SecurityGroupIds.0=$SG'],
  },
  { action: 'ModifyNetworkInterfaceQos', args: ['NetworkInterfaceIds.0=$ENI', 'QosLevel=AU'] },
  {
    action: 'AttachNetworkInterface',
    args: ['NetworkInterfaceId=$ENI', 'InstanceId=$INSTANCE'],
    wait: true,
    save: { TASK: 'RequestId' },
  },
  { action: 'DescribeVpcTaskResult', args: ['TaskId=$TASK'] },
  {
    action: 'AssignPrivateIpAddresses',
    args: ['NetworkInterfaceId=$ENI', 'PrivateIpAddresses.0.PrivateIpAddress=10.0.1.20'],
    wait: true,
  },
  {
    action: 'ModifyPrivateIpAddressesAttribute',
    args: [
      'NetworkInterfaceId=$ENI',
      'PrivateIpAddresses.0.PrivateIpAddress=10.0.1.20',
      'PrivateIpAddresses.0.Description=service address',
    ],
  },
  {
    action: 'MigrateNetworkInterface',
    args: ['NetworkInterfaceId=$ENI', 'SourceInstanceId=$INSTANCE', 'DestinationInstanceId=$INSTANCE2'],
    wait: true,
  },
  {
    action: 'CreateAndAttachNetworkInterface',
    args: ['VpcId=$VPC', 'SubnetId=$SUBNET', 'NetworkInterfaceName=sidecar', 'InstanceId=$INSTANCE'],
    wait: true,
    save: { SIDECAR: 'NetworkInterface.NetworkInterfaceId' },
  },
  {
    action: 'MigratePrivateIpAddress',
    args: ['SourceNetworkInterfaceId=$ENI', 'DestinationNetworkInterfaceId=$SIDECAR', 'PrivateIpAddress=10.0.1.20'],
    wait: true,
  },
  {
    action: 'UnassignPrivateIpAddresses',
    args: ['NetworkInterfaceId=$SIDECAR', 'PrivateIpAddresses.0.PrivateIpAddress=10.0.1.20'],
    wait: true,
  },
  { action: 'DetachNetworkInterface', args: ['NetworkInterfaceId=$ENI', 'InstanceId=$INSTANCE2'], wait: true },
  { action: 'DeleteNetworkInterface', args: ['NetworkInterfaceId=$ENI'], wait: true },
  { action: 'StopInstances', args: ['InstanceIds.0=$INSTANCE2'], wait: true },
  { action: 'StartInstances', args: ['InstanceIds.0=$INSTANCE2'], wait: true },
  { action: 'RebootInstances', args: ['InstanceIds.0=$INSTANCE2'], wait: true },
  { action: 'TerminateInstances', args: ['InstanceIds.0=$INSTANCE2'], wait: true },
  { action: 'DeleteSecurityGroup', args: ['SecurityGroupId=$SG'] },
  { action: 'DeleteSubnet', args: ['SubnetId=$DB_SUBNET'] },
  {
    action: 'CreateVpc',
    args: ['VpcName=scratch', 'CidrBlock=172.16.0.0/16'],
    save: { SCRATCH: 'Vpc.VpcId' },
    setup: true,
  },
  { action: 'DeleteVpc', args: ['VpcId=$SCRATCH'] },
];

const ZONE_ID = '100003'; // ap-guangzhou-3

export const SCENARIO_V2: readonly Step[] = [
  {
    action: 'CreateVpc',
    args: [
      'vpcName=demo',
      'cidrBlock=10.0.0.0/16',
      'subnetSet.0.subnetName=web',
      'subnetSet.0.cidrBlock=10.0.1.0/24',
      `subnetSet.0.zoneId=${ZONE_ID}`,
    ],
    save: { VPC: 'unVpcId', SUBNET: 'subnetSet.0.unSubnetId' },
  },
  { action: 'DescribeVpcEx', args: ['vpcId=$VPC'] },
  {
    action: 'CreateSubnet',
    args: [
      'vpcId=$VPC',
      'subnetSet.0.subnetName=db',
      'subnetSet.0.cidrBlock=10.0.2.0/24',
      `subnetSet.0.zoneId=${ZONE_ID}`,
    ],
    save: { DB_SUBNET: 'subnetSet.0.unSubnetId' },
  },
  { action: 'DescribeSubnetEx', args: ['vpcId=$VPC', 'subnetId=$SUBNET'] },
  {
    action: 'CreateSecurityGroup',
    args: ['sgName=backend', 'sgRemark=backend servers'],
    save: { SG: 'data.sgId' },
  },
  { action: 'DescribeSecurityGroupEx', args: ['sgId=$SG'] },
  {
    action: 'RunInstances',
    args: [`zoneId=${ZONE_ID}`, 'cpu=2', 'mem=4', 'vpcId=$VPC', 'subnetId=$SUBNET', 'instanceName=web-1'],
    wait: true,
    save: { INSTANCE: 'data.instanceIds.0' },
  },
  {
    action: 'RunInstances',
    args: [`zoneId=${ZONE_ID}`, 'cpu=2', 'mem=4', 'vpcId=$VPC', 'subnetId=$SUBNET', 'instanceName=web-2'],
    wait: true,
    save: { INSTANCE2: 'data.instanceIds.0' },
    setup: true,
  },
  { action: 'DescribeInstances', args: ['instanceIds.0=$INSTANCE'] },
  {
    action: 'CreateNetworkInterface',
    args: ['vpcId=$VPC', 'subnetId=$SUBNET', 'eniName=backend', 'secondaryPrivateIpAddressCount=1', 'sgIds.0=$SG'],
    wait: true,
    save: { ENI: 'data.networkInterfaceId' },
  },
  { action: 'DescribeNetworkInterfaces', args: ['vpcId=$VPC', 'networkInterfaceId=$ENI'] },
  {
    action: 'ModifyNetworkInterface',
    args: ['vpcId=$VPC', 'networkInterfaceId=$ENI', 'eniDescription=backend traffic'],
  },
  {
    action: 'AttachNetworkInterface',
    args: ['vpcId=$VPC', 'networkInterfaceId=$ENI', 'instanceId=$INSTANCE'],
    wait: true,
    save: { TASK: 'taskId' },
  },
  { action: 'DescribeVpcTaskResult', args: ['taskId=$TASK'] },
  {
    action: 'AssignPrivateIpAddresses',
    args: ['vpcId=$VPC', 'networkInterfaceId=$ENI', 'privateIpAddressSet.0.privateIpAddress=10.0.1.20'],
    wait: true,
  },
  {
    action: 'MigrateNetworkInterface',
    args: ['vpcId=$VPC', 'networkInterfaceId=$ENI', 'oldInstanceId=$INSTANCE', 'newInstanceId=$INSTANCE2'],
    wait: true,
  },
  {
    action: 'CreateNetworkInterface',
    args: ['vpcId=$VPC', 'subnetId=$SUBNET', 'eniName=sidecar'],
    wait: true,
    save: { SIDECAR: 'data.networkInterfaceId' },
    setup: true,
  },
  {
    action: 'MigratePrivateIpAddress',
    args: ['vpcId=$VPC', 'privateIpAddress=10.0.1.20', 'oldNetworkInterfaceId=$ENI', 'newNetworkInterfaceId=$SIDECAR'],
    wait: true,
  },
  {
    action: 'UnassignPrivateIpAddresses',
    args: ['vpcId=$VPC', 'networkInterfaceId=$SIDECAR', 'privateIpAddress.0=10.0.1.20'],
    wait: true,
  },
  {
    action: 'DetachNetworkInterface',
    args: ['vpcId=$VPC', 'networkInterfaceId=$ENI', 'instanceId=$INSTANCE2'],
    wait: true,
  },
  { action: 'DeleteNetworkInterface', args: ['vpcId=$VPC', 'networkInterfaceId=$ENI'], wait: true },
  { action: 'StopInstances', args: ['instanceIds.0=$INSTANCE2'], wait: true },
  { action: 'StartInstances', args: ['instanceIds.0=$INSTANCE2'], wait: true },
  { action: 'TerminateInstances', args: ['instanceIds.0=$INSTANCE2'], wait: true },
  { action: 'DeleteNetworkInterface', args: ['vpcId=$VPC', 'networkInterfaceId=$SIDECAR'], wait: true, setup: true },
  { action: 'TerminateInstances', args: ['instanceIds.0=$INSTANCE'], wait: true, setup: true },
  { action: 'DeleteSecurityGroup', args: ['sgId=$SG'] },
  { action: 'DeleteSubnet', args: ['vpcId=$VPC', 'subnetId=$DB_SUBNET'] },
  { action: 'DeleteVpc', args: ['vpcId=$VPC'] },
];

export function scenario(api: Api): readonly Step[] {
  return api === '3' ? SCENARIO_V3 : SCENARIO_V2;
}

/** The step that is `action`'s example. */
export function exampleOf(api: Api, action: string): Step | undefined {
  return scenario(api).find((s) => s.action === action && !s.setup);
}

/** Quotes an argument for a POSIX shell only when it needs it ($NAME stays expandable). */
const quote = (arg: string) => (/^[\w.,:/@$=+-]*$/.test(arg) ? arg : `"${arg.replace(/["\\`]/g, '\\$&')}"`);

/** `vpc-eni call --api 3 CreateVpc VpcName=demo ...`, as the docs and the help show it. */
export function commandLine(api: Api, step: Step): string {
  const parts = ['vpc-eni call', ...(api === '3' ? ['--api 3'] : []), step.action, ...step.args.map(quote)];
  if (step.wait) parts.push('--wait');
  return parts.join(' ');
}

/** The example `vpc-eni call <Action> --help` shows (empty when there is none). */
export function exampleCommand(api: Api, action: string): string {
  const step = exampleOf(api, action);
  if (!step) return '';
  const used = [...new Set(step.args.flatMap((a) => [...a.matchAll(/\$([A-Z0-9_]+)/g)].map((m) => `$${m[1]}`)))];
  return [
    '',
    `Example${used.length ? ` (${used.join(', ')}: ids made by earlier calls)` : ''}:`,
    `  ${commandLine(api, step)}`,
    '',
  ].join('\n');
}
