import { removeVpc } from '../../../../domain/vpc.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'DeleteVpc',
  summary: 'Delete a VPC that holds no instance or ENI (its empty subnets go with it)',
  async: false,
  params: { VpcId: id('vpc').required() },
  codes: ['ResourceInUse', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    await removeVpc(deps, caller, p.VpcId);
    return {};
  },
});
