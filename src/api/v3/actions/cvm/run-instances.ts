import { fail } from '../../../../domain/errors.ts';
import { runInstances } from '../../../../domain/instance.service.ts';
import { DEFAULT_TYPE, parseInstanceType, type InstanceType } from '../../../../domain/instance-types.ts';
import { defineAction } from '../../action.ts';
import { bool, id, int, ip, list, object, oneOf, str } from '../../schema.ts';
import { fromWire, tagCodes, tags } from '../tag/tag.params.ts';
import { instanceType, networkId } from './cvm.params.ts';

const disk = object({ DiskType: str({ max: 64 }), DiskSize: int({ min: 1, max: 32000 }) });
const DEFAULT = parseInstanceType(DEFAULT_TYPE) as InstanceType;

/** Charge types: the first three are accepted and echoed (all behave as pay-as-you-go, D14). */
const CHARGE_TYPES = ['POSTPAID_BY_HOUR', 'PREPAID', 'SPOTPAID', 'CDHPAID', 'CDCPAID'] as const;

export default defineAction({
  product: 'cvm',
  name: 'RunInstances',
  summary:
    'Create 1-100 instances (all or nothing); a VPC instance gets its primary ENI in the subnet. PENDING until its task ends, then RUNNING or LAUNCH_FAILED',
  async: true,
  params: {
    Placement: object({ Zone: str({ max: 64 }).required(), ProjectId: int({ min: 0 }).default(0) }).required(),
    InstanceType: instanceType().default(DEFAULT),
    ImageId: id('img').required(),
    InstanceChargeType: oneOf(CHARGE_TYPES).default('POSTPAID_BY_HOUR'),
    InstanceChargePrepaid: object({ Period: int({ min: 1, max: 120 }), RenewFlag: str({ max: 64 }) }),
    VirtualPrivateCloud: object({
      VpcId: networkId('vpc'),
      SubnetId: networkId('subnet'),
      AsVpcGateway: bool().default(false),
      // One primary address per instance, at most 20 (more is a plain InvalidParameterValue).
      PrivateIpAddresses: list(ip().required(), { max: 20 }),
    }),
    SecurityGroupIds: list(id('sg').required(), { max: 5 }),
    InstanceCount: int({ min: 1, max: 100 }).default(1),
    InstanceName: str({ max: 128 }).default('未命名'),
    SystemDisk: disk,
    DataDisks: list(disk.required(), { max: 20 }),
    InternetAccessible: object({
      InternetChargeType: str({ max: 64 }),
      InternetMaxBandwidthOut: int({ min: 0, max: 65535 }),
      PublicIpAssigned: bool(),
    }),
    LoginSettings: object({ KeyIds: list(str({ max: 64 }).required(), { max: 100 }) }),
    DisableApiTermination: bool().default(false),
    // The tags of each resource type; only instances are resources here, other types' are ignored.
    TagSpecification: list(object({ ResourceType: str({ min: 1, max: 64 }).required(), Tags: tags() }).required(), {
      max: 10,
    }),
    // A retry with the same token gets the first answer (idempotency.ts).
    ClientToken: str({ max: 64 }),
    DryRun: bool().default(false),
  },
  fields: {
    subnetId: 'VirtualPrivateCloud.SubnetId',
    privateIps: 'VirtualPrivateCloud.PrivateIpAddresses',
    'privateIps.*': 'VirtualPrivateCloud.PrivateIpAddresses.*',
    sgIds: 'SecurityGroupIds',
    'sgIds.*': 'SecurityGroupIds.*',
    // The instance's entry of TagSpecification (one entry, or their tags in order when several).
    tags: 'TagSpecification.Tags',
    'tags.*.key': 'TagSpecification.Tags.*.Key',
    'tags.*.value': 'TagSpecification.Tags.*.Value',
  },
  codes: [
    'MutexOperation.TaskRunning',
    'InvalidZone.MismatchRegion',
    'InvalidInstanceType.Malformed',
    'InvalidParameterValue.InstanceTypeNotFound',
    'InvalidImageId.Malformed',
    'InvalidParameterValue.VpcIdMalformed',
    'InvalidParameterValue.SubnetIdMalformed',
    'InvalidParameterValue.VpcIdNotExist',
    'InvalidParameterValue.SubnetNotExist',
    'InvalidParameterValue.VpcIdSubnetIdNotMatch',
    'InvalidParameterValue.SubnetIdZoneIdNotMatch',
    'InvalidParameter.InvalidIpFormat',
    'VpcAddrNotInSubNet',
    'VpcIpIsUsed',
    'FailedOperation.NoAvailableIpAddressCountInSubnet',
    'InvalidSecurityGroupId.NotFound',
    'InvalidSgId.Malformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.Range',
    'InvalidInstanceName.TooLong',
    'LimitExceeded.InstanceQuota',
    'InvalidClientToken.TooLong',
    'InvalidParameterCombination',
    'UnsupportedOperation',
    ...tagCodes('cvm'),
  ],
  async handle({ deps, caller }, p) {
    if (p.InstanceChargeType === 'CDHPAID' || p.InstanceChargeType === 'CDCPAID') {
      fail('unsupported', `parameter InstanceChargeType: ${p.InstanceChargeType} instances are not offered here`);
    }
    const vpc = p.VirtualPrivateCloud;
    if (vpc?.VpcId === 'DEFAULT' || vpc?.SubnetId === 'DEFAULT') {
      fail('unsupported', 'parameter VirtualPrivateCloud: there is no default VPC here; name a VPC and a subnet');
    }
    const type = p.InstanceType;
    const { instanceIds } = await runInstances(deps, caller, {
      zone: p.Placement.Zone,
      cpu: type.cpu,
      mem: type.mem,
      instanceType: type.name,
      imageId: p.ImageId,
      // Echoed back by DescribeInstances, with no rule attached (but disableApiTermination).
      attributes: {
        projectId: p.Placement.ProjectId,
        chargeType: p.InstanceChargeType,
        renewFlag: p.InstanceChargePrepaid?.RenewFlag,
        systemDisk: p.SystemDisk && { diskType: p.SystemDisk.DiskType, diskSize: p.SystemDisk.DiskSize },
        dataDisks: p.DataDisks?.map((d) => ({ diskType: d.DiskType, diskSize: d.DiskSize })),
        // Nested names differ from the top-level ones (chargeType…), which the filters look up.
        internet: p.InternetAccessible && {
          internetChargeType: p.InternetAccessible.InternetChargeType,
          maxBandwidthOut: p.InternetAccessible.InternetMaxBandwidthOut,
        },
        keyIds: p.LoginSettings?.KeyIds,
        asVpcGateway: vpc?.AsVpcGateway ?? false,
        disableApiTermination: p.DisableApiTermination,
      },
      vpcId: vpc?.VpcId,
      subnetId: vpc?.SubnetId,
      name: p.InstanceName,
      count: p.InstanceCount,
      privateIps: vpc?.PrivateIpAddresses ?? [],
      sgIds: p.SecurityGroupIds ?? [],
      dryRun: p.DryRun,
      tags: (p.TagSpecification ?? []).filter((s) => s.ResourceType === 'instance').flatMap((s) => fromWire(s.Tags)),
    });
    return { InstanceIdSet: instanceIds };
  },
});
