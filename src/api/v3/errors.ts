import type { DomainError, ErrorKind, Reason, Resource } from '../../domain/errors.ts';

// How API 3.0 answers each domain error kind: its `Error.Code`, which depends on the product (VPC,
// CVM and the tag service name the same condition differently) and on the reason inside a kind (docs/api3.md,
// "Errors"). The `Record<ErrorKind, …>` makes a new kind fail to compile until 3.0 says how to
// answer it.

export type Product = 'vpc' | 'cvm' | 'tag';

/** What any 3.0 request can be answered before or around its action: the door's own checks. */
export const COMMON_CODES = [
  'AuthFailure.InvalidAuthorization',
  'AuthFailure.SecretIdNotFound',
  'AuthFailure.SignatureFailure',
  'AuthFailure.SignatureExpire',
  'NoSuchVersion',
  'InvalidAction',
  'UnsupportedRegion',
  'UnsupportedProtocol',
  'RequestSizeLimitExceeded',
  'MissingParameter',
  'InvalidParameter',
  'InvalidParameterValue',
  'InvalidParameterValue.Malformed',
  'InternalError',
] as const;

export interface RenderContext {
  product: Product;
  action: string;
}

type Render = (e: DomainError, ctx: RenderContext) => string;

const VALUE_CODES: Partial<Record<Reason, string>> = {
  malformed: 'InvalidParameterValue.Malformed',
  range: 'InvalidParameterValue.Range',
  tooLong: 'InvalidParameterValue.TooLong',
  tooMany: 'InvalidParameterValue.LimitExceeded',
  reserved: 'InvalidParameterValue.Reserved',
  duplicate: 'InvalidParameterValue.DuplicatePara',
};

const CVM_MALFORMED: Partial<Record<Resource, string>> = {
  instance: 'InvalidInstanceId.Malformed',
  vpc: 'InvalidParameterValue.VpcIdMalformed',
  subnet: 'InvalidParameterValue.SubnetIdMalformed',
  securityGroup: 'InvalidSgId.Malformed',
  image: 'InvalidImageId.Malformed',
};

/**
 * CVM names some refusals after the parameter refused (`InvalidInstanceName.TooLong`): by its wire
 * name (list indices as `*`), then by the reason. Filter values are named `Filters.<filter name>`.
 */
const CVM_PARAM_CODES: Readonly<Record<string, Partial<Record<Reason, string>>>> = {
  InstanceCount: { range: 'InvalidParameterValue.Range' },
  Limit: { range: 'InvalidParameterValue.LimitExceeded' },
  'Filters.*.Values': { tooMany: 'InvalidFilterValue.LimitExceeded' },
  InstanceName: { tooLong: 'InvalidInstanceName.TooLong' },
  ClientToken: { tooLong: 'InvalidClientToken.TooLong' },
  InstanceType: { malformed: 'InvalidInstanceType.Malformed', range: 'InvalidParameterValue.InstanceTypeNotFound' },
  'VirtualPrivateCloud.PrivateIpAddresses': { tooMany: 'InvalidParameterValue' },
  'VirtualPrivateCloud.PrivateIpAddresses.*': { malformed: 'InvalidParameter.InvalidIpFormat' },
  'Filters.instance-type': { malformed: 'InvalidInstanceType.Malformed' },
  'Filters.private-ip-address': { malformed: 'InvalidParameterValue.IPAddressMalformed' },
  'Filters.creation-start-time': { malformed: 'InvalidParameterValue.InvalidTimeFormat' },
  'Filters.creation-end-time': { malformed: 'InvalidParameterValue.InvalidTimeFormat' },
};

/** The tag service names its refusals after the parameter, too. */
const TAG_PARAM_CODES: Readonly<Record<string, Partial<Record<Reason, string>>>> = {
  ServiceType: { range: 'InvalidParameterValue.ServiceTypeInvalid' },
  ResourcePrefix: { range: 'InvalidParameterValue.ResourcePrefixInvalid' },
  ResourceRegion: { range: 'InvalidParameterValue.RegionInvalid' },
  'ResourceIds.*': { malformed: 'InvalidParameterValue.ResourceIdInvalid' },
  Resource: { malformed: 'InvalidParameterValue.ResourceDescriptionError' },
  ReplaceTags: { tooMany: 'InvalidParameter.Tag', empty: 'InvalidParameter.Tag' },
  DeleteTags: { tooMany: 'InvalidParameter.Tag', empty: 'InvalidParameter.Tag' },
};

function paramCode(table: typeof CVM_PARAM_CODES, e: DomainError): string | undefined {
  const { param, reason } = e.detail;
  if (param === undefined || reason === undefined) return undefined;
  return table[param.replace(/\.\d+(?=\.|$)/g, '.*')]?.[reason];
}

type TagRule =
  | 'keyEmpty'
  | 'keyTooLong'
  | 'keyChars'
  | 'valueTooLong'
  | 'valueChars'
  | 'duplicate'
  | 'reserved'
  | 'tooMany'
  | 'both';

/** How each product names a broken tag rule (src/domain/tag.service.ts). */
export const TAG_CODES: Record<Product, Record<TagRule, string>> = {
  vpc: {
    keyEmpty: 'InvalidParameterValue.TagInvalidKey',
    keyTooLong: 'InvalidParameterValue.TagInvalidKeyLen',
    keyChars: 'InvalidParameterValue.TagInvalidKey',
    valueTooLong: 'InvalidParameterValue.TagInvalidVal',
    valueChars: 'InvalidParameterValue.TagInvalidVal',
    duplicate: 'InvalidParameterValue.TagDuplicateKey',
    reserved: 'UnsupportedOperation.TagSystemReservedTagKey',
    tooMany: 'LimitExceeded.TagKeyPerResourceExceeded',
    both: 'InvalidParameterValue',
  },
  cvm: {
    keyEmpty: 'FailedOperation.IllegalTagKey',
    keyTooLong: 'FailedOperation.IllegalTagKey',
    keyChars: 'FailedOperation.IllegalTagKey',
    valueTooLong: 'FailedOperation.IllegalTagValue',
    valueChars: 'FailedOperation.IllegalTagValue',
    duplicate: 'InvalidParameterValue.DuplicateTags',
    reserved: 'FailedOperation.TagKeyReserved',
    tooMany: 'InvalidParameterValue.TagQuotaLimitExceeded',
    both: 'InvalidParameterValue',
  },
  tag: {
    keyEmpty: 'InvalidParameterValue.TagKeyEmpty',
    keyTooLong: 'InvalidParameterValue.TagKeyLengthExceeded',
    keyChars: 'InvalidParameterValue.TagKeyCharacterIllegal',
    valueTooLong: 'InvalidParameterValue.TagValueLengthExceeded',
    valueChars: 'InvalidParameterValue.TagValueCharacterIllegal',
    duplicate: 'InvalidParameter.Tag',
    reserved: 'InvalidParameter.ReservedTagKey',
    tooMany: 'LimitExceeded.ResourceAttachedTags',
    both: 'InvalidParameterValue.DeleteTagsParamError',
  },
};

/** The tag rule a refusal is about: the domain names tag lists `tags`, `replace` and `remove`. */
function tagRule(e: DomainError): TagRule | undefined {
  const m = /^(tags|replace|remove)(\.\d+(\.(key|value))?)?$/.exec(e.detail.field ?? '');
  if (!m) return undefined;
  const ofValue = m[4] === 'value';
  switch (e.detail.reason) {
    case 'empty':
      return 'keyEmpty';
    case 'tooLong':
      return ofValue ? 'valueTooLong' : 'keyTooLong';
    case 'malformed':
      return ofValue ? 'valueChars' : 'keyChars';
    case 'duplicate':
      return 'duplicate';
    case 'reserved':
      return 'reserved';
    case 'tooMany':
      return 'tooMany';
    case 'combination':
      return 'both';
    default:
      return undefined;
  }
}

function invalidValue(e: DomainError, ctx: RenderContext): string {
  const reason = e.detail.reason;
  const rule = tagRule(e);
  if (rule) return TAG_CODES[ctx.product][rule];
  if (ctx.product === 'tag') return paramCode(TAG_PARAM_CODES, e) ?? 'InvalidParameterValue';
  if (ctx.product === 'cvm') {
    const own = paramCode(CVM_PARAM_CODES, e);
    if (own) return own;
    if (reason === 'malformed')
      return (e.detail.resource && CVM_MALFORMED[e.detail.resource]) ?? 'InvalidParameterValue';
    if (reason === 'tooMany') return 'InvalidParameterValue.LimitExceeded';
    return 'InvalidParameterValue';
  }
  // 3.0 VPC lists a duplicated security group as a plain invalid value, an address as DuplicatePara.
  if (reason === 'duplicate' && e.detail.field?.startsWith('sgIds')) return 'InvalidParameterValue';
  // An ENI bound to more security groups than allowed is a quota (a list too long is not).
  if (reason === 'tooMany' && e.detail.resource === 'securityGroup') return 'LimitExceeded';
  return (reason && VALUE_CODES[reason]) ?? 'InvalidParameterValue';
}

function invalidParameter(e: DomainError, ctx: RenderContext): string {
  switch (e.detail.reason) {
    case 'missing':
      return 'MissingParameter';
    case 'unknownFilter':
      return ctx.product === 'cvm' ? 'InvalidFilter' : 'InvalidParameter.FilterInvalidKey';
    case 'filterNotObject':
      return ctx.product === 'cvm' ? 'InvalidFilter' : 'InvalidParameter.FilterNotDict';
    case 'filterValuesNotList':
      return ctx.product === 'cvm' ? 'InvalidFilter' : 'InvalidParameter.FilterValuesNotList';
    case 'combination':
      return ctx.product === 'cvm' ? 'InvalidParameterCombination' : 'InvalidParameter.Coexist';
    default:
      return 'InvalidParameter';
  }
}

const CVM_NOT_FOUND: Partial<Record<Resource, string>> = {
  vpc: 'InvalidParameterValue.VpcIdNotExist',
  subnet: 'InvalidParameterValue.SubnetNotExist',
  zone: 'InvalidZone.MismatchRegion',
  instance: 'InvalidInstanceId.NotFound',
  securityGroup: 'InvalidSecurityGroupId.NotFound',
};

function notFound(e: DomainError, ctx: RenderContext): string {
  const resource = e.detail.resource;
  if (ctx.product === 'cvm') {
    // A subnet that exists, but in another VPC than the one named with it.
    if (resource === 'subnet' && e.detail.reason === 'combination')
      return 'InvalidParameterValue.VpcIdSubnetIdNotMatch';
    return (resource && CVM_NOT_FOUND[resource]) ?? 'ResourceNotFound';
  }
  if (resource === 'zone') return 'InvalidParameterValue';
  if (resource === 'instance' && ctx.action === 'DescribeNetworkInterfaceLimit') return 'InvalidInstanceId.NotFound';
  return 'ResourceNotFound';
}

/** `RUNNING` → `UnsupportedOperation.InstanceStateRunning` (CVM lifecycle refusals). */
function cvmInstanceState(state: string | undefined): string {
  const name = state === 'CREATING' ? 'PENDING' : (state ?? 'PENDING');
  const camel = name
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return `UnsupportedOperation.InstanceState${camel}`;
}

const byProduct =
  (vpc: string, cvm: string): Render =>
  (_e, ctx) =>
    ctx.product === 'cvm' ? cvm : vpc;

const V3_CODE: Record<ErrorKind, Render> = {
  invalidParameter,
  invalidValue,
  invalidVpcName: (e) => (e.detail.reason === 'tooLong' ? 'InvalidParameterValue.TooLong' : 'InvalidParameterValue'),
  invalidVpcCidr: (e) =>
    e.detail.reason === 'malformed' ? 'InvalidParameterValue.Malformed' : 'InvalidParameterValue',
  invalidSubnetName: (e) => (e.detail.reason === 'tooLong' ? 'InvalidParameterValue.TooLong' : 'InvalidParameterValue'),
  invalidSubnetCidr: (e) =>
    e.detail.reason === 'malformed' ? 'InvalidParameterValue.Malformed' : 'InvalidParameterValue.SubnetRange',
  subnetConflict: () => 'InvalidParameterValue.SubnetConflict',
  invalidEniName: (e) => (e.detail.reason === 'tooLong' ? 'InvalidParameterValue.TooLong' : 'InvalidParameterValue'),
  ipNotInSubnet: byProduct('InvalidParameterValue.Range', 'VpcAddrNotInSubNet'),
  signatureMismatch: () => 'AuthFailure.SignatureFailure',
  unknownKey: () => 'AuthFailure.SecretIdNotFound',
  rateLimited: () => 'RequestLimitExceeded',
  expired: () => 'AuthFailure.SignatureExpire',
  unknownAction: () => 'InvalidAction',
  unknownRegion: () => 'UnsupportedRegion',
  notFound,
  busy: byProduct('UnsupportedOperation.MutexOperationTaskRunning', 'OperationDenied.InstanceOperationInProgress'),
  eniIsPrimary: () => 'UnsupportedOperation',
  eniAlreadyAttached: () => 'UnsupportedOperation.AttachmentAlreadyExists',
  eniNotAttached: () => 'UnsupportedOperation.AttachmentNotFound',
  eniAttached: () => 'ResourceInUse',
  instanceState: (e, ctx) =>
    ctx.product === 'cvm' ? cvmInstanceState(e.detail.state) : 'UnsupportedOperation.InvalidState',
  vpcMismatch: () => 'UnsupportedOperation.VpcMismatch',
  zoneMismatch: byProduct('UnsupportedOperation.ZoneMismatch', 'InvalidParameterValue.SubnetIdZoneIdNotMatch'),
  subnetMismatch: () => 'UnsupportedOperation.ResourceMismatch',
  instanceEniLimit: () => 'LimitExceeded',
  eniIpLimit: () => 'LimitExceeded',
  ipInUse: byProduct('ResourceInUse', 'VpcIpIsUsed'),
  subnetFull: byProduct('ResourceInsufficient.Subnet', 'FailedOperation.NoAvailableIpAddressCountInSubnet'),
  ipIsPrimary: () => 'UnsupportedOperation.PrimaryIp',
  eniQuota: byProduct('LimitExceeded.NetworkInterfaceLimitExceeded', 'LimitExceeded.InstanceQuota'),
  vpcQuota: () => 'LimitExceeded',
  subnetQuota: () => 'LimitExceeded',
  inUse: () => 'ResourceInUse',
  unsupported: () => 'UnsupportedOperation',
  instanceProtected: () => 'UnsupportedOperation.InstancesProtected',
  internal: () => 'InternalError',
};

export function v3Code(err: DomainError, ctx: RenderContext): string {
  // DescribeUsedIpAddress calls an address outside the VPC (or subnet) asked about, and addresses
  // given together with filters, a mismatch of its parameters (its documented code).
  if (
    ctx.action === 'DescribeUsedIpAddress' &&
    (err.kind === 'ipNotInSubnet' || (err.kind === 'invalidParameter' && err.detail.reason === 'combination'))
  ) {
    return 'InvalidParameterValue.ParameterMismatch';
  }
  // An address that is not on the ENI is a missing binding in 3.0 (docs/api3.md, "Errors").
  if (err.kind === 'invalidValue' && err.detail.reason === 'notOnEni') {
    return ctx.action === 'MigratePrivateIpAddress'
      ? 'UnauthorizedOperation.AttachmentNotFound'
      : ctx.action === 'ModifyPrivateIpAddressesAttribute'
        ? 'ResourceNotFound'
        : 'UnsupportedOperation.AttachmentNotFound';
  }
  return V3_CODE[err.kind](err, ctx);
}
