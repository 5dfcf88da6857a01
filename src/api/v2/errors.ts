import type { DomainError, ErrorKind, Resource } from '../../domain/errors.ts';

// How v2 answers each domain error kind: its `codeDesc`, and the numeric `code` class of that
// codeDesc, as the legacy v2 documents class them (4000 input, 41xx-45xx admission, 5000 not found,
// 5100 rules and states, 6000 internal, 6100 unknown Action). The `Record<ErrorKind, …>` is what makes a new kind fail to
// compile until v2 says how to answer it.

const CODES = {
  InvalidParameter: 4000,
  InvalidParameterValue: 4000,
  InvalidVpcName: 4000,
  InvalidVpcCidr: 4000,
  InvalidSubnetName: 4000,
  InvalidSubnetCidr: 4000,
  'InvalidSubnet.Conflict': 4000,
  InvalidNetworkInterfaceName: 4000,
  'InvalidPrivateIpAddress.NotInSubnet': 4000,
  'AuthFailure.SignatureFailure': 4100,
  'AuthFailure.SecretIdNotFound': 4104,
  RequestLimitExceeded: 4400,
  'InvalidRequest.ReplayAttack': 4500,
  'InvalidVpc.NotFound': 5000,
  'InvalidSubnet.NotFound': 5000,
  'InvalidZone.NotFound': 5000,
  'InvalidNetworkInterface.NotFound': 5000,
  'InvalidInstance.NotFound': 5000,
  'InvalidSecurityGroup.NotFound': 5000,
  'InvalidTask.NotFound': 5000,
  ActionLocked: 5100,
  'InvalidNetworkInterface.IsPrimary': 5100,
  'InvalidNetworkInterface.AlreadyAssociated': 5100,
  'InvalidNetworkInterface.NotAttached': 5100,
  'InvalidNetworkInterface.CanNotDelete': 5100,
  'UnsupportedOperation.InvalidState': 5100,
  'UnsupportedOperation.VpcMismatch': 5100,
  'UnsupportedOperation.ZoneMismatch': 5100,
  'UnsupportedOperation.ResourceMismatch': 5100,
  LimitExceeded: 5100,
  PrivateIpAddressLimitExceeded: 5100,
  'InvalidPrivateIpAddress.InUse': 5100,
  'ResourceInsufficient.Subnet': 5100,
  'InvalidPrivateip.IsPrimary': 5100,
  NetworkInterfaceLimitExceeded: 5100,
  VpcLimitExceeded: 5100,
  SubnetLimitExceeded: 5100,
  'InvalidVpc.CannotDelete': 5100,
  'InvalidSubnet.CannotDelete': 5100,
  'InvalidSecurityGroup.InUse': 5100,
  InternalError: 6000,
  'InvalidAction.NotFound': 6100,
} as const;

export type CodeDesc = keyof typeof CODES;
export const ALL_CODE_DESCS = Object.keys(CODES) as CodeDesc[];

export function codeOf(codeDesc: CodeDesc): number {
  return CODES[codeDesc];
}

const NOT_FOUND: Record<Resource, CodeDesc> = {
  vpc: 'InvalidVpc.NotFound',
  subnet: 'InvalidSubnet.NotFound',
  zone: 'InvalidZone.NotFound',
  eni: 'InvalidNetworkInterface.NotFound',
  instance: 'InvalidInstance.NotFound',
  securityGroup: 'InvalidSecurityGroup.NotFound',
  task: 'InvalidTask.NotFound',
  privateIp: 'InvalidParameterValue',
  image: 'InvalidParameterValue',
};

const IN_USE: Partial<Record<Resource, CodeDesc>> = {
  vpc: 'InvalidVpc.CannotDelete',
  subnet: 'InvalidSubnet.CannotDelete',
  securityGroup: 'InvalidSecurityGroup.InUse',
};

const V2_CODE_DESC: Record<ErrorKind, (e: DomainError) => CodeDesc> = {
  invalidParameter: () => 'InvalidParameter',
  invalidValue: () => 'InvalidParameterValue',
  invalidVpcName: () => 'InvalidVpcName',
  invalidVpcCidr: () => 'InvalidVpcCidr',
  invalidSubnetName: () => 'InvalidSubnetName',
  invalidSubnetCidr: () => 'InvalidSubnetCidr',
  subnetConflict: () => 'InvalidSubnet.Conflict',
  invalidEniName: () => 'InvalidNetworkInterfaceName',
  ipNotInSubnet: () => 'InvalidPrivateIpAddress.NotInSubnet',
  signatureMismatch: () => 'AuthFailure.SignatureFailure',
  unknownKey: () => 'AuthFailure.SecretIdNotFound',
  rateLimited: () => 'RequestLimitExceeded',
  expired: () => 'InvalidRequest.ReplayAttack',
  unknownAction: () => 'InvalidAction.NotFound',
  unknownRegion: () => 'InvalidParameterValue',
  notFound: (e) => NOT_FOUND[e.detail.resource ?? 'vpc'],
  busy: () => 'ActionLocked',
  eniIsPrimary: () => 'InvalidNetworkInterface.IsPrimary',
  eniAlreadyAttached: () => 'InvalidNetworkInterface.AlreadyAssociated',
  eniNotAttached: () => 'InvalidNetworkInterface.NotAttached',
  eniAttached: () => 'InvalidNetworkInterface.CanNotDelete',
  instanceState: () => 'UnsupportedOperation.InvalidState',
  vpcMismatch: () => 'UnsupportedOperation.VpcMismatch',
  zoneMismatch: () => 'UnsupportedOperation.ZoneMismatch',
  subnetMismatch: () => 'UnsupportedOperation.ResourceMismatch',
  instanceEniLimit: () => 'LimitExceeded',
  eniIpLimit: () => 'PrivateIpAddressLimitExceeded',
  ipInUse: () => 'InvalidPrivateIpAddress.InUse',
  subnetFull: () => 'ResourceInsufficient.Subnet',
  ipIsPrimary: () => 'InvalidPrivateip.IsPrimary',
  eniQuota: () => 'NetworkInterfaceLimitExceeded',
  vpcQuota: () => 'VpcLimitExceeded',
  subnetQuota: () => 'SubnetLimitExceeded',
  inUse: (e) => IN_USE[e.detail.resource ?? 'vpc'] ?? 'InvalidVpc.CannotDelete',
  unsupported: () => 'InvalidParameterValue',
  // v2 cannot protect an instance; one protected through 3.0 refuses v2's TerminateInstances too.
  instanceProtected: () => 'UnsupportedOperation.InvalidState',
  internal: () => 'InternalError',
};

export function v2CodeDesc(err: DomainError): CodeDesc {
  return V2_CODE_DESC[err.kind](err);
}
