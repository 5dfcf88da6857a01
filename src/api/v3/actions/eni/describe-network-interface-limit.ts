import { networkInterfaceLimit } from '../../../../domain/eni.service.ts';
import { DomainError } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { Param } from '../../schema.ts';

/** `InstanceId` here names an instance or an ENI. */
function instanceOrEniId(): Param<string> {
  return new Param('ins-xxxxxxxx or eni-xxxxxxxx', (value, name) => {
    if (typeof value !== 'string') {
      throw new DomainError('invalidParameter', `parameter ${name} must be a string`, { reason: 'type' });
    }
    if (!/^(ins|eni)-[a-z0-9]{8}$/.test(value)) {
      const shown = JSON.stringify(value.slice(0, 64));
      throw new DomainError('invalidValue', `parameter ${name} is not an ins- or eni- id: ${shown}`, {
        reason: 'malformed',
        resource: 'instance',
      });
    }
    return value;
  });
}

export default defineAction({
  product: 'vpc',
  name: 'DescribeNetworkInterfaceLimit',
  summary: 'ENIs an instance may hold and private IPs per ENI (CPU/memory table), or the IP ceiling of one ENI',
  async: false,
  params: { InstanceId: instanceOrEniId().required() },
  codes: ['InvalidInstanceId.NotFound', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    const limit = await networkInterfaceLimit(
      deps,
      caller,
      p.InstanceId.startsWith('eni-') ? { eniId: p.InstanceId } : { instanceId: p.InstanceId },
    );
    // Extended and trunk ENIs are not offered: their quotas are 0.
    return {
      EniQuantity: limit.enis,
      EniPrivateIpAddressQuantity: limit.ipsPerEni,
      ExtendEniQuantity: 0,
      ExtendEniPrivateIpAddressQuantity: 0,
      SubEniQuantity: 0,
      SubEniPrivateIpAddressQuantity: 0,
    };
  },
});
