import {
  deleteSecurityGroup,
  findSecurityGroup,
  insertSecurityGroup,
  listSecurityGroups,
  securityGroupInUse,
  type SecurityGroupFilter,
} from '../store/sg.repo.ts';
import type { Deps } from './deps.ts';
import { fail, notFound } from './errors.ts';
import { requireSecurityGroups } from './lookup.ts';
import type { Caller, OrderDirection, Page, SecurityGroup } from './model.ts';

// The security-group subset: groups exist so that ENIs and instances can name them; rules are not
// modelled. Synchronous, like the real API.

export async function createSecurityGroup(
  deps: Deps,
  caller: Caller,
  input: { name: string; remark: string; projectId: number },
): Promise<SecurityGroup> {
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
  await deps.db.tx((tx) => insertSecurityGroup(tx, sg));
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
): Promise<{ total: number; items: SecurityGroup[] }> {
  const order = input.order ?? { field: 'createdAt', direction: 'desc' };
  const page = await listSecurityGroups(deps.db, caller, input.filter, order, input.page);
  const missing = (input.mustExist ?? []).filter((id) => !page.items.some((g) => g.id === id));
  if (missing.length > 0) await requireSecurityGroups(deps.db, caller, missing);
  return page;
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
