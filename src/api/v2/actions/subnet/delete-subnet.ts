import { removeSubnet } from '../../../../domain/subnet.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  name: 'DeleteSubnet',
  summary: 'Delete a subnet that holds no instance or ENI',
  async: false,
  params: { vpcId: id().required(), subnetId: id().required() },
  async handle({ deps, caller }, p) {
    await removeSubnet(deps, caller, p);
    return {};
  },
});
