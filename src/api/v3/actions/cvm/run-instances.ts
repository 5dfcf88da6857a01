import { runInstances } from '../../../../domain/instance.service.ts';
import { DEFAULT_TYPE, parseInstanceType } from '../../../../domain/instance-types.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { ProtocolError } from '../../handler.ts';
import { bool, id, int, ip, list, object, oneOf, str } from '../../schema.ts';

const disk = object({ DiskType: str({ max: 64 }), DiskSize: int({ min: 1, max: 32000 }) });

export default defineAction({
  product: 'cvm',
  name: 'RunInstances',
  summary: 'Create instances; a VPC instance gets its primary ENI in the subnet (PENDING until its task ends)',
  async: true,
  params: {
    Placement: object({ Zone: str({ max: 64 }), ProjectId: int({ min: 0 }) }).required(),
    InstanceType: str({ max: 64 }).default(DEFAULT_TYPE),
    ImageId: id('img').required(),
    InstanceChargeType: oneOf(['POSTPAID_BY_HOUR', 'PREPAID', 'SPOTPAID', 'CDHPAID', 'CDCPAID']).default(
      'POSTPAID_BY_HOUR',
    ),
    InstanceChargePrepaid: object({ Period: int({ min: 1, max: 120 }), RenewFlag: str({ max: 64 }) }),
    VirtualPrivateCloud: object({
      VpcId: str({ max: 64 }),
      SubnetId: str({ max: 64 }),
      AsVpcGateway: bool(),
      PrivateIpAddresses: list(str({ max: 64 }).required(), { max: 20 }),
    }),
    SecurityGroupIds: list(id('sg').required(), { max: 5 }),
    InstanceCount: int({ min: 1, max: 100 }).default(1),
    InstanceName: str({ max: 1000 }).default('未命名'),
    SystemDisk: disk,
    DataDisks: list(disk.required(), { max: 20 }),
    InternetAccessible: object({
      InternetChargeType: str({ max: 64 }),
      InternetMaxBandwidthOut: int({ min: 0, max: 65535 }),
      PublicIpAssigned: bool(),
    }),
    LoginSettings: object({ KeyIds: list(str({ max: 64 }).required(), { max: 100 }) }),
    DisableApiTermination: bool().default(false),
    ClientToken: str({ max: 1000 }),
    DryRun: bool().default(false),
  },
  fields: {
    subnetId: 'VirtualPrivateCloud.SubnetId',
    privateIps: 'VirtualPrivateCloud.PrivateIpAddresses',
    'privateIps.*': 'VirtualPrivateCloud.PrivateIpAddresses.*',
    sgIds: 'SecurityGroupIds',
    'sgIds.*': 'SecurityGroupIds.*',
  },
  codes: [
    'InvalidZone.MismatchRegion',
    'InvalidInstanceType.Malformed',
    'InvalidParameterValue.InstanceTypeNotFound',
    'InvalidImageId.Malformed',
    'InvalidParameterValue.VpcIdMalformed',
    'InvalidParameterValue.SubnetIdMalformed',
    'InvalidParameterValue.VpcIdNotExist',
    'InvalidParameterValue.SubnetNotExist',
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
    'UnsupportedOperation',
    'InvalidParameterCombination',
  ],
  async handle({ deps, caller }, p) {
    // Codes CVM gives these parameters of its own, before any rule.
    if (p.ClientToken !== undefined && p.ClientToken.length > 64) {
      throw new ProtocolError('InvalidClientToken.TooLong', 'parameter ClientToken is longer than 64 characters');
    }
    if ([...p.InstanceName].length > 128) {
      throw new ProtocolError('InvalidInstanceName.TooLong', 'parameter InstanceName is longer than 128 characters');
    }
    const type = parseInstanceType(p.InstanceType);
    if (type === 'malformed') {
      throw new ProtocolError(
        'InvalidInstanceType.Malformed',
        `parameter InstanceType: ${JSON.stringify(p.InstanceType)} is not <FAMILY>.<SIZE><GiB>`,
      );
    }
    if (type === 'unknown') {
      throw new ProtocolError(
        'InvalidParameterValue.InstanceTypeNotFound',
        `parameter InstanceType: ${p.InstanceType} is not offered`,
      );
    }
    if (p.Placement.Zone === undefined)
      fail('invalidParameter', 'parameter Placement.Zone is required', { reason: 'missing' });
    if (p.InstanceChargeType === 'CDHPAID' || p.InstanceChargeType === 'CDCPAID') {
      fail('unsupported', `parameter InstanceChargeType: ${p.InstanceChargeType} instances are not offered`);
    }
    const vpc = p.VirtualPrivateCloud;
    if (vpc?.VpcId === 'DEFAULT' || vpc?.SubnetId === 'DEFAULT') {
      fail('unsupported', 'parameter VirtualPrivateCloud: there is no default VPC here; name a VPC and a subnet');
    }
    const vpcId =
      vpc?.VpcId === undefined ? undefined : id('vpc').required().read(vpc.VpcId, 'VirtualPrivateCloud.VpcId');
    const subnetId =
      vpc?.SubnetId === undefined
        ? undefined
        : id('subnet').required().read(vpc.SubnetId, 'VirtualPrivateCloud.SubnetId');
    const privateIps = vpc?.PrivateIpAddresses ?? [];
    for (const [n, address] of privateIps.entries()) {
      try {
        ip().required().read(address, `VirtualPrivateCloud.PrivateIpAddresses.${n}`);
      } catch {
        throw new ProtocolError(
          'InvalidParameter.InvalidIpFormat',
          `parameter VirtualPrivateCloud.PrivateIpAddresses.${n} is not an IPv4 address`,
        );
      }
    }
    const { instanceIds } = await runInstances(deps, caller, {
      zone: p.Placement.Zone,
      cpu: type.cpu,
      mem: type.mem,
      instanceType: type.name,
      imageId: p.ImageId,
      attributes: {
        projectId: p.Placement.ProjectId ?? 0,
        chargeType: p.InstanceChargeType,
        renewFlag: p.InstanceChargePrepaid?.RenewFlag,
        systemDisk: p.SystemDisk,
        dataDisks: p.DataDisks,
        internet: p.InternetAccessible,
        keyIds: p.LoginSettings?.KeyIds,
        asVpcGateway: vpc?.AsVpcGateway,
        disableApiTermination: p.DisableApiTermination,
      },
      vpcId,
      subnetId,
      name: p.InstanceName,
      count: p.InstanceCount,
      privateIps,
      sgIds: p.SecurityGroupIds ?? [],
      dryRun: p.DryRun,
    });
    return { InstanceIdSet: instanceIds };
  },
});
