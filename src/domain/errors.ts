// The one error catalogue. Each codeDesc is declared once with its numeric class (DECISIONS.md §3);
// the v2 renderer turns an ApiError into `{code, message, codeDesc}`.

const CATALOGUE = {
  // 4000: bad input
  InvalidParameter: 4000,
  InvalidParameterValue: 4000,
  InvalidVpcName: 4000,
  InvalidVpcCidr: 4000,
  InvalidSubnetName: 4000,
  InvalidSubnetCidr: 4000,
  'InvalidSubnet.Conflict': 4000,
  InvalidNetworkInterfaceName: 4000,
  'InvalidPrivateIpAddress.NotInSubnet': 4000,
  // 41xx/44xx/45xx: authentication and request admission
  'AuthFailure.SignatureFailure': 4100,
  'AuthFailure.SecretIdNotFound': 4104,
  RequestLimitExceeded: 4400,
  'InvalidRequest.ReplayAttack': 4500,
  // 5000: not found
  'InvalidVpc.NotFound': 5000,
  'InvalidSubnet.NotFound': 5000,
  'InvalidZone.NotFound': 5000,
  'InvalidNetworkInterface.NotFound': 5000,
  'InvalidInstance.NotFound': 5000,
  'InvalidSecurityGroup.NotFound': 5000,
  'InvalidTask.NotFound': 5000,
  // 5100: rule or state conflict
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
  // 6000 and 6100
  InternalError: 6000,
  'InvalidAction.NotFound': 6100,
} as const;

export type CodeDesc = keyof typeof CATALOGUE;

export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly codeDesc: CodeDesc,
    message: string,
  ) {
    super(message);
    this.code = CATALOGUE[codeDesc];
  }
}

export function fail(codeDesc: CodeDesc, message: string): never {
  throw new ApiError(codeDesc, message);
}

export function codeOf(codeDesc: CodeDesc): number {
  return CATALOGUE[codeDesc];
}

export const ALL_CODE_DESCS = Object.keys(CATALOGUE) as CodeDesc[];
