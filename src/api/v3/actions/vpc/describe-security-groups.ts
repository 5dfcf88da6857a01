import { describeSecurityGroups } from '../../../../domain/security-group.service.ts';
import type { SecurityGroupFilter } from '../../../../store/sg.repo.ts';
import { defineAction, pageOf } from '../../action.ts';
import { filters, id, list, oneOf, type Filters } from '../../schema.ts';
import { DESCRIBE_CODES, refuseCoexist, tagConditions, textPaging } from './params.wire.ts';
import { securityGroupToWire } from './vpc.wire.ts';

const FILTERS = ['security-group-id', 'project-id', 'security-group-name', 'tag-key'] as const;

/** The filters in domain terms. */
function groupFilter(f: Filters): SecurityGroupFilter {
  const projects = f.get('project-id');
  return {
    sgIds: f.get('security-group-id'),
    names: f.get('security-group-name'),
    // Project ids are integers; a value that is not one matches no group.
    projectIds: projects?.flatMap((v) => (/^\d{1,10}$/.test(v.trim()) ? [Number(v)] : [])),
    tags: tagConditions(f),
  };
}

export default defineAction({
  product: 'vpc',
  name: 'DescribeSecurityGroups',
  summary:
    'List security groups by id or by filters (security-group-id, project-id, security-group-name, tag-key, tag:<key>), ordered',
  async: false,
  params: {
    SecurityGroupIds: list(id('sg').required(), { max: 100 }),
    Filters: filters({ names: FILTERS, tagPrefix: true, maxFilters: 10, maxValues: 100 }),
    ...textPaging(),
    OrderField: oneOf(['CreatedTime', 'UpdateTime'] as const),
    OrderDirection: oneOf(['ASC', 'DESC'] as const),
  },
  codes: DESCRIBE_CODES,
  async handle({ deps, caller }, p) {
    refuseCoexist(p.SecurityGroupIds, 'SecurityGroupIds', p.Filters);
    const ids = p.SecurityGroupIds?.length ? p.SecurityGroupIds : undefined;
    // No order asked for: newest first. An order field alone sorts ascending, as documented; a
    // direction alone applies to the creation time.
    const order =
      p.OrderField === undefined && p.OrderDirection === undefined
        ? undefined
        : {
            field: p.OrderField === 'UpdateTime' ? ('updatedAt' as const) : ('createdAt' as const),
            direction: p.OrderDirection === 'DESC' ? ('desc' as const) : ('asc' as const),
          };
    const page = await describeSecurityGroups(deps, caller, {
      filter: ids ? { sgIds: ids } : groupFilter(p.Filters ?? new Map()),
      order,
      page: pageOf(p),
      mustExist: ids,
    });
    return {
      SecurityGroupSet: page.items.map((g) => securityGroupToWire(g, page.tags.get(g.id) ?? [])),
      TotalCount: page.total,
    };
  },
});
