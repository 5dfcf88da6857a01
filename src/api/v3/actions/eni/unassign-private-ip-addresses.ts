import { unassignPrivateIpAddresses } from '../../../../domain/private-ip.service.ts';
import { defineAction } from '../../action.ts';
import { id, ip, list, object } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'UnassignPrivateIpAddresses',
  summary: 'Release secondary private IPs of an ENI back to its subnet (the primary IP stays)',
  async: true,
  params: {
    NetworkInterfaceId: id('eni').required(),
    // Only the address of each element is read.
    PrivateIpAddresses: list(object({ PrivateIpAddress: ip().required() }).required(), { max: 10 }).required(),
    // Checked against the ENI's instance, then not used: releasing addresses unbinds nothing here.
    InstanceId: id('ins'),
  },
  fields: {
    ips: 'PrivateIpAddresses',
    'ips.*': 'PrivateIpAddresses.*.PrivateIpAddress',
  },
  codes: [
    'InvalidParameterValue.DuplicatePara',
    'InvalidParameterValue.LimitExceeded',
    'ResourceNotFound',
    'UnsupportedOperation.AttachmentNotFound',
    'UnsupportedOperation.InvalidState',
    'UnsupportedOperation.MutexOperationTaskRunning',
    'UnsupportedOperation.PrimaryIp',
  ],
  async handle({ deps, caller }, p) {
    await unassignPrivateIpAddresses(deps, caller, {
      eniId: p.NetworkInterfaceId,
      ips: p.PrivateIpAddresses.map((i) => i.PrivateIpAddress),
      instanceId: p.InstanceId,
    });
    return {};
  },
});
