import { DomainError } from '../../../../domain/errors.ts';
import type { CreateEniInput } from '../../../../domain/eni.service.ts';
import { bool, id, int, ip, list, object, oneOf, Param, str, type Infer } from '../../schema.ts';
import { fromWire, TAG_FIELDS, tagCodes, tags } from '../tag/tag.params.ts';

// Parameters the ENI actions share: QoS levels, ClientToken, the PrivateIpAddressSpecification
// list and the fields of CreateNetworkInterface that CreateAndAttachNetworkInterface repeats.

export const QOS_LEVELS = ['PT', 'AU', 'AG', 'DEFAULT'] as const;

/** `QosLevel` of an ENI or an address: a level outside the list is out of range. */
export const qosLevel = () => oneOf(QOS_LEVELS);

/** `ClientToken`: up to 64 ASCII characters; a retry with it gets the first answer (idempotency.ts). */
export function clientToken(): Param<string> {
  return new Param('up to 64 ASCII characters', (value, name) => {
    if (typeof value !== 'string') {
      throw new DomainError('invalidParameter', `parameter ${name} must be a string`, { reason: 'type' });
    }
    if (value.length > 64 || !/^[\x20-\x7e]*$/.test(value)) {
      throw new DomainError('invalidValue', `parameter ${name} must be at most 64 printable ASCII characters`);
    }
    return value;
  });
}

/** PrivateIpAddressSpecification as Create and CreateAndAttach read it (other fields ignored). */
export const privateIpSpec = () =>
  object({
    PrivateIpAddress: ip().required(),
    Primary: bool().default(false),
    Description: str({ max: 60 }),
    // Levels are kept per ENI: a per-address level is checked and then follows the ENI's.
    QosLevel: qosLevel(),
  });

/** The fields CreateNetworkInterface and CreateAndAttachNetworkInterface have in common. */
export const createEniParams = {
  VpcId: id('vpc').required(),
  NetworkInterfaceName: str({ min: 1, max: 60 }).required(),
  SubnetId: id('subnet').required(),
  NetworkInterfaceDescription: str({ max: 60 }).default(''),
  // No ceiling of its own: the total of addresses is a quota (LimitExceeded), checked by the rules.
  SecondaryPrivateIpAddressCount: int({ min: 0 }).default(0),
  QosLevel: qosLevel(),
  SecurityGroupIds: list(id('sg').required(), { max: 5 }),
  PrivateIpAddresses: list(privateIpSpec().required(), { max: 10 }),
  Tags: tags(),
  IsRdma: bool().default(false),
  ClientToken: clientToken(),
};

/** Domain names of the fields an error of a create can be about. */
export const CREATE_FIELDS = {
  ips: 'PrivateIpAddresses',
  'ips.*.ip': 'PrivateIpAddresses.*.PrivateIpAddress',
  'sgIds.*': 'SecurityGroupIds.*',
  ...TAG_FIELDS,
} as const;

type CreateParams = Infer<typeof createEniParams>;

/** The domain's create request from the shared fields. */
export function createInput(p: CreateParams): CreateEniInput {
  return {
    vpcId: p.VpcId,
    subnetId: p.SubnetId,
    name: p.NetworkInterfaceName,
    description: p.NetworkInterfaceDescription,
    ips: (p.PrivateIpAddresses ?? []).map((i) => ({
      ip: i.PrivateIpAddress,
      primary: i.Primary,
      description: i.Description,
    })),
    secondaryCount: p.SecondaryPrivateIpAddressCount,
    sgIds: p.SecurityGroupIds ?? [],
    qosLevel: p.QosLevel,
    tags: fromWire(p.Tags),
  };
}

/** The codes a create can answer beyond the common ones. */
export const CREATE_CODES = [
  'UnsupportedOperation.IdempotentParameterMismatch',
  'UnsupportedOperation.IdempotentProcessing',
  'InvalidParameterValue.LimitExceeded',
  'InvalidParameterValue.Range',
  'InvalidParameterValue.Reserved',
  'InvalidParameterValue.TooLong',
  'InvalidParameterValue.DuplicatePara',
  'LimitExceeded',
  'LimitExceeded.NetworkInterfaceLimitExceeded',
  'ResourceInUse',
  'ResourceInsufficient.Subnet',
  'ResourceNotFound',
  'UnsupportedOperation',
  ...tagCodes('vpc'),
];
