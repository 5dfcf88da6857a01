import { removeSecurityGroup } from '../../../../domain/security-group.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'DeleteSecurityGroup',
  summary: 'Delete a security group that no ENI is bound to (primary ENIs and ENIs being created count)',
  async: false,
  params: { SecurityGroupId: id('sg').required() },
  codes: ['ResourceInUse', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    await removeSecurityGroup(deps, caller, p.SecurityGroupId);
    return {};
  },
});
