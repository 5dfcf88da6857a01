import { describeSecurityGroups } from '../../../../domain/security-group.service.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { defineAction, one, paging } from '../../action.ts';
import { id, str } from '../../schema.ts';

export default defineAction({
  name: 'DescribeSecurityGroupEx',
  summary: 'List security groups, newest first, filtered by id or name (case-insensitive substring), paged',
  async: false,
  params: {
    sgId: id(),
    sgName: str({ max: 60 }),
    ...paging(50),
  },
  async handle({ deps, caller }, p) {
    const page = await describeSecurityGroups(deps, caller, {
      filter: { sgIds: one(p.sgId), names: one(p.sgName) },
      page: p,
      mustExist: one(p.sgId),
    });
    return {
      data: {
        totalNum: page.total,
        detail: page.items.map((sg) => ({
          sgId: sg.id,
          sgName: sg.name,
          sgRemark: sg.remark,
          projectId: sg.projectId,
          createTime: beijingTime(sg.createdAt),
        })),
      },
    };
  },
});
