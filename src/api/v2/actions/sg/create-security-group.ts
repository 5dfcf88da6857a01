import { createSecurityGroup } from '../../../../domain/security-group.service.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { defineAction } from '../../action.ts';
import { int, str } from '../../schema.ts';

export default defineAction({
  name: 'CreateSecurityGroup',
  summary: 'Create a security group (no rules: it exists to be named in sgIds.N)',
  async: false,
  params: {
    sgName: str({ max: 60 }).required(),
    sgRemark: str({ max: 100, nonEmpty: false }).default(''),
    projectId: int({ min: 0 }).default(0),
  },
  async handle({ deps, caller }, p) {
    const sg = await createSecurityGroup(deps, caller, { name: p.sgName, remark: p.sgRemark, projectId: p.projectId });
    return {
      data: {
        sgId: sg.id,
        sgName: sg.name,
        sgRemark: sg.remark,
        projectId: sg.projectId,
        createTime: beijingTime(sg.createdAt),
      },
    };
  },
});
