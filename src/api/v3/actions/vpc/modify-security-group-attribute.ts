import { modifySecurityGroup } from '../../../../domain/security-group.service.ts';
import { defineAction } from '../../action.ts';
import { id, str } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'ModifySecurityGroupAttribute',
  summary: 'Rename a security group or change its description; absent fields stay, UpdateTime moves',
  async: false,
  params: {
    SecurityGroupId: id('sg').required(),
    GroupName: str({ min: 1, max: 60 }),
    GroupDescription: str({ max: 100 }),
  },
  codes: ['InvalidParameterValue.TooLong', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    await modifySecurityGroup(deps, caller, { sgId: p.SecurityGroupId, name: p.GroupName, remark: p.GroupDescription });
    return {};
  },
});
