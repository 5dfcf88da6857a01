import { assignPrivateIpAddresses } from '../../../../domain/private-ip.service.ts';
import { defineAction } from '../../action.ts';
import { bool, id, int, ip, list, object, str } from '../../schema.ts';
import { clientToken, qosLevel } from './eni.params.ts';
import { ipToWire } from './eni.wire.ts';

export default defineAction({
  product: 'vpc',
  name: 'AssignPrivateIpAddresses',
  summary: 'Add secondary private IPs to an ENI, chosen ones and/or a number picked lowest first; returns them PENDING',
  async: true,
  params: {
    NetworkInterfaceId: id('eni').required(),
    PrivateIpAddresses: list(
      object({
        PrivateIpAddress: ip().required(),
        // Only false is allowed (the ENI keeps its primary); the rules say so, not the schema.
        Primary: bool().default(false),
        Description: str({ max: 60 }),
        // Checked; the address then follows the ENI's level (levels are kept per ENI).
        QosLevel: qosLevel(),
      }).required(),
      { max: 10 },
    ),
    // No ceiling of its own: the total of addresses is a quota (LimitExceeded), checked by the rules.
    SecondaryPrivateIpAddressCount: int({ min: 0 }).default(0),
    QosLevel: qosLevel(),
    ClientToken: clientToken(),
  },
  fields: {
    ipsOrCount: 'PrivateIpAddresses or SecondaryPrivateIpAddressCount',
    'ips.*.ip': 'PrivateIpAddresses.*.PrivateIpAddress',
    'ips.*.primary': 'PrivateIpAddresses.*.Primary',
  },
  codes: [
    'UnsupportedOperation.IdempotentParameterMismatch',
    'UnsupportedOperation.IdempotentProcessing',
    'InvalidParameterValue.DuplicatePara',
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.Range',
    'InvalidParameterValue.Reserved',
    'InvalidParameterValue.TooLong',
    'LimitExceeded',
    'ResourceInUse',
    'ResourceInsufficient.Subnet',
    'ResourceNotFound',
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.MutexOperationTaskRunning',
  ],
  async handle({ deps, caller }, p) {
    const { ips, qosLevel: level } = await assignPrivateIpAddresses(deps, caller, {
      eniId: p.NetworkInterfaceId,
      ips: (p.PrivateIpAddresses ?? []).map((i) => ({
        ip: i.PrivateIpAddress,
        primary: i.Primary,
        description: i.Description,
      })),
      count: p.SecondaryPrivateIpAddressCount,
    });
    // The task id is the RequestId; until it succeeds the new addresses are PENDING.
    return { PrivateIpAddressSet: ips.map((i) => ipToWire(i, level)) };
  },
});
