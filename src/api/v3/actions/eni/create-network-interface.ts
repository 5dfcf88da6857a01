import { createNetworkInterface } from '../../../../domain/eni.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { oneOf } from '../../schema.ts';
import { CREATE_CODES, CREATE_FIELDS, createEniParams, createInput } from './eni.params.ts';
import { eniToWire } from './eni.wire.ts';

export default defineAction({
  product: 'vpc',
  name: 'CreateNetworkInterface',
  summary: 'Create a secondary ENI in a subnet, with chosen and/or system-picked private IPs and security groups',
  async: true,
  params: {
    ...createEniParams,
    TrunkingFlag: oneOf(['Enable', 'Disable']),
  },
  fields: CREATE_FIELDS,
  codes: CREATE_CODES,
  async handle({ deps, caller }, p) {
    if (p.TrunkingFlag === 'Enable') fail('unsupported', 'parameter TrunkingFlag: trunking ENIs are not offered');
    if (p.IsRdma) fail('unsupported', 'parameter IsRdma: RDMA ENIs are not offered');
    const { view } = await createNetworkInterface(deps, caller, createInput(p));
    // The ENI as it is now: PENDING, its addresses reserved and PENDING, no attachment.
    return { NetworkInterface: eniToWire(view, deps.catalogue) };
  },
});
