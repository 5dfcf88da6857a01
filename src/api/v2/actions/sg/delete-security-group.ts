import { removeSecurityGroup } from '../../../../domain/security-group.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';

export default defineAction({
  name: 'DeleteSecurityGroup',
  summary: 'Delete a security group that no ENI is bound to',
  async: false,
  params: { sgId: id().required() },
  async handle({ deps, caller }, p) {
    await removeSecurityGroup(deps, caller, p.sgId);
    return {};
  },
});
