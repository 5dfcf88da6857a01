// The one error catalogue, in domain words. The core raises a *kind* with structured detail (which
// field, which resource, why); each front door renders it into its own answer (api/v2/errors.ts:
// `code`/`codeDesc`; api/v3/errors.ts: `Error.Code`). Both renderers are `Record<ErrorKind, …>`,
// so adding a kind here does not compile until both protocols say how to answer it.

export const ERROR_KINDS = [
  // Bad input: the request alone shows it is wrong.
  'invalidParameter', // shape: missing, wrong type, not a list...
  'invalidValue', // a well-formed value that is not allowed (see `reason`)
  'invalidVpcName',
  'invalidVpcCidr',
  'invalidSubnetName',
  'invalidSubnetCidr',
  'subnetConflict',
  'invalidEniName',
  'ipNotInSubnet',
  // Admission.
  'signatureMismatch',
  'unknownKey',
  'rateLimited',
  'expired', // timestamp outside the window, or a signature used before
  'unknownAction',
  'unknownRegion',
  // Existence.
  'notFound', // detail.resource says what
  // Rules and states.
  'busy', // a task holds the ENI (or an ENI of the instance)
  'eniIsPrimary',
  'eniAlreadyAttached',
  'eniNotAttached',
  'eniAttached', // cannot delete: still attached
  'instanceState', // detail.state: the instance's state
  'vpcMismatch',
  'zoneMismatch',
  'subnetMismatch',
  'instanceEniLimit',
  'eniIpLimit',
  'ipInUse',
  'subnetFull',
  'ipIsPrimary',
  'eniQuota',
  'vpcQuota',
  'subnetQuota',
  'inUse', // cannot delete: detail.resource still holds or is bound to something
  'unsupported', // an option this service does not offer
  'instanceProtected', // termination refused: the instance is protected from it
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export type Resource =
  'vpc' | 'subnet' | 'zone' | 'eni' | 'instance' | 'securityGroup' | 'task' | 'privateIp' | 'image';

/** Why a value was refused; renderers that distinguish more than the kind read it. */
export type Reason =
  | 'missing'
  | 'type'
  | 'malformed'
  | 'range'
  | 'empty'
  | 'tooLong'
  | 'tooMany'
  | 'duplicate'
  | 'reserved'
  | 'combination'
  | 'notOnEni'
  // Describe filters
  | 'unknownFilter'
  | 'filterNotObject'
  | 'filterValuesNotList';

export interface ErrorDetail {
  /** The domain field the error is about, as a path: `ips.2.ip`, `sgIds.1`, `cidr`. Front doors
   *  turn it into their own parameter name and put it at the front of the message. */
  readonly field?: string;
  readonly resource?: Resource;
  readonly reason?: Reason;
  /** A front door's own parameter (its wire name, e.g. `Filters.0.Values`), when its validation
   *  refused it: a protocol whose codes differ per parameter reads it. */
  readonly param?: string;
  /** instanceState: the state the instance is in (a domain InstanceState name). */
  readonly state?: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail: ErrorDetail = {},
  ) {
    super(message);
  }
}

export function fail(kind: ErrorKind, message: string, detail?: ErrorDetail): never {
  throw new DomainError(kind, message, detail);
}

export function notFound(resource: Resource, message: string): never {
  throw new DomainError('notFound', message, { resource });
}

/**
 * The message with its field named the way a front door calls it: `parameter <name>: <message>`.
 * `wireName` maps a domain path to the protocol's name, or returns undefined to keep the path.
 */
export function messageOf(err: DomainError, wireName: (field: string) => string | undefined): string {
  const field = err.detail.field;
  if (field === undefined) return err.message;
  return `parameter ${wireName(field) ?? field}: ${err.message}`;
}

/**
 * A field map's lookup: patterns use `*` for a list index, e.g. `{ 'ips.*.ip':
 * 'privateIpAddressSet.*.privateIpAddress' }`; the indices of the path fill the stars in order.
 */
export function fieldNamer(map: Readonly<Record<string, string>>): (field: string) => string | undefined {
  return (field) => {
    const parts = field.split('.');
    const indices = parts.filter((p) => /^\d+$/.test(p));
    const pattern = parts.map((p) => (/^\d+$/.test(p) ? '*' : p)).join('.');
    const wire = map[pattern];
    if (wire === undefined) return undefined;
    let n = 0;
    return wire.replace(/\*/g, () => indices[n++] ?? '*');
  };
}
