import {
  deleteSecurityGroup,
  findSecurityGroup,
  insertSecurityGroup,
  listSecurityGroups,
  securityGroupInUse,
  securityGroupUsage,
  updateSecurityGroup,
  type SecurityGroupFilter,
} from '../store/sg.repo.ts';
import { putTags, tagsOf } from '../store/tag.repo.ts';
import type { Deps } from './deps.ts';
import { fail, notFound } from './errors.ts';
import { requireSecurityGroups } from './lookup.ts';
import type { Caller, OrderDirection, Page, SecurityGroup, Tag } from './model.ts';
import { checkTags } from './tag.service.ts';

// The security-group subset: groups exist so that ENIs and instances can name them; rules are not
// modelled. Synchronous, like the real API.

export async function createSecurityGroup(
  deps: Deps,
  caller: Caller,
  input: { name: string; remark: string; projectId: number; tags?: Tag[] },
): Promise<SecurityGroup> {
  checkTags(input.tags ?? []);
  const now = deps.now();
  const sg: SecurityGroup = {
    id: deps.ids.id('sg'),
    appId: caller.appId,
    region: caller.region,
    name: input.name,
    remark: input.remark,
    projectId: input.projectId,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.tx(async (tx) => {
    await insertSecurityGroup(tx, sg);
    await putTags(
      tx,
      { appId: caller.appId, region: caller.region, type: 'securityGroup', id: sg.id },
      input.tags ?? [],
    );
  });
  return sg;
}

export async function describeSecurityGroups(
  deps: Deps,
  caller: Caller,
  input: {
    filter: SecurityGroupFilter;
    order?: { field: 'createdAt' | 'updatedAt'; direction: OrderDirection };
    page: Page;
    /** Ids that must name groups of the caller, else not found. */
    mustExist?: readonly string[];
  },
): Promise<{ total: number; items: SecurityGroup[]; tags: ReadonlyMap<string, Tag[]> }> {
  const order = input.order ?? { field: 'createdAt', direction: 'desc' };
  const page = await listSecurityGroups(deps.db, caller, input.filter, order, input.page);
  const missing = (input.mustExist ?? []).filter((id) => !page.items.some((g) => g.id === id));
  if (missing.length > 0) await requireSecurityGroups(deps.db, caller, missing);
  const tags = await tagsOf(
    deps.db,
    page.items.map((g) => g.id),
  );
  return { ...page, tags };
}

export async function removeSecurityGroup(deps: Deps, caller: Caller, sgId: string): Promise<void> {
  await deps.db.tx(async (tx) => {
    // The row lock orders this against CreateNetworkInterface/RunInstances binding the group.
    const sg = await findSecurityGroup(tx, caller, sgId, true);
    if (!sg) notFound('securityGroup', `security group ${sgId} does not exist`);
    if (await securityGroupInUse(tx, sg.id)) {
      fail(
        'inUse',
        `security group ${sg.id} is still bound to an ENI (delete the ENI, or terminate its instance, first)`,
        { resource: 'securityGroup' },
      );
    }
    await deleteSecurityGroup(tx, sg.id);
  });
}

/** Renames or re-describes a security group; absent fields keep their value. */
export async function modifySecurityGroup(
  deps: Deps,
  caller: Caller,
  input: { sgId: string; name?: string; remark?: string },
): Promise<void> {
  await deps.db.tx(async (tx) => {
    const sg = await findSecurityGroup(tx, caller, input.sgId, true);
    if (!sg) notFound('securityGroup', `security group ${input.sgId} does not exist`);
    await updateSecurityGroup(tx, sg.id, { name: input.name, remark: input.remark, updatedAt: deps.now() });
  });
}

export interface SecurityGroupUsage {
  sgId: string;
  /** Instances whose primary ENI is bound to the group. */
  instances: number;
  /** Secondary ENIs bound to the group. */
  enis: number;
}

/**
 * What each group is bound to, in the order asked (repeats once); every id must name a group of
 * the caller. All counts are 0 exactly when DeleteSecurityGroup would succeed.
 */
export async function securityGroupStatistics(
  deps: Deps,
  caller: Caller,
  sgIds: readonly string[],
): Promise<SecurityGroupUsage[]> {
  const unique = [...new Set(sgIds)];
  for (const id of unique) {
    if (!(await findSecurityGroup(deps.db, caller, id)))
      notFound('securityGroup', `security group ${id} does not exist`);
  }
  const usage = await securityGroupUsage(deps.db, unique);
  return unique.map((sgId) => ({ sgId, instances: 0, enis: 0, ...usage.get(sgId) }));
}
