import { removeSubnet } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'DeleteSubnet',
  summary: 'Delete a subnet that holds no instance or ENI',
  async: false,
  params: { SubnetId: id('subnet').required() },
  codes: ['ResourceInUse', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    await removeSubnet(deps, caller, { subnetId: p.SubnetId });
    return {};
  },
});
