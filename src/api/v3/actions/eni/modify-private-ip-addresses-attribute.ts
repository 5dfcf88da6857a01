import { modifyPrivateIpAddresses } from '../../../../domain/private-ip.service.ts';
import { defineAction } from '../../action.ts';
import { id, ip, list, object, str } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'ModifyPrivateIpAddressesAttribute',
  summary: "Change the descriptions of an ENI's private IPs (the primary one too); allowed while the ENI is busy",
  async: false,
  params: {
    NetworkInterfaceId: id('eni').required(),
    PrivateIpAddresses: list(
      // An absent Description keeps the address's value; "" clears it.
      object({ PrivateIpAddress: ip().required(), Description: str({ max: 60 }) }).required(),
      { max: 30 },
    ).required(),
  },
  fields: {
    ips: 'PrivateIpAddresses',
    'ips.*.ip': 'PrivateIpAddresses.*.PrivateIpAddress',
  },
  codes: [
    'InvalidParameterValue.LimitExceeded',
    'InvalidParameterValue.TooLong',
    'ResourceNotFound',
    'UnsupportedOperation.InvalidState',
  ],
  async handle({ deps, caller }, p) {
    await modifyPrivateIpAddresses(deps, caller, {
      eniId: p.NetworkInterfaceId,
      ips: p.PrivateIpAddresses.map((i) => ({ ip: i.PrivateIpAddress, description: i.Description })),
    });
    return {};
  },
});
