import {
  deleteSecurityGroup,
  findSecurityGroup,
  insertSecurityGroup,
  listSecurityGroups,
  securityGroupInUse,
} from '../store/sg.repo.ts';
import type { Deps } from './deps.ts';
import { fail } from './errors.ts';
import type { Caller, Page, SecurityGroup } from './model.ts';

// The security-group subset (DECISIONS.md §7): groups exist so that ENIs and instances can name
// them in sgIds.N; rules are not modelled. Synchronous, like the real DFW API.

export async function createSecurityGroup(
  deps: Deps,
  caller: Caller,
  input: { name: string; remark: string; projectId: number },
): Promise<SecurityGroup> {
  const sg: SecurityGroup = {
    id: deps.ids.id('sg'),
    appId: caller.appId,
    region: caller.region,
    name: input.name,
    remark: input.remark,
    projectId: input.projectId,
    createdAt: deps.now(),
  };
  await deps.db.tx((tx) => insertSecurityGroup(tx, sg));
  return sg;
}

export async function describeSecurityGroups(
  deps: Deps,
  caller: Caller,
  input: { sgId?: string; name?: string } & Page,
): Promise<{ total: number; items: SecurityGroup[] }> {
  const page = await listSecurityGroups(deps.db, caller, { sgId: input.sgId, name: input.name }, input);
  // Like the other Describe actions: an id filter naming nothing is NotFound, not an empty page.
  if (input.sgId !== undefined && page.total === 0) {
    fail('InvalidSecurityGroup.NotFound', `security group ${input.sgId} does not exist`);
  }
  return page;
}

export async function removeSecurityGroup(deps: Deps, caller: Caller, sgId: string): Promise<void> {
  await deps.db.tx(async (tx) => {
    // The row lock orders this against CreateNetworkInterface/RunInstances binding the group.
    const sg = await findSecurityGroup(tx, caller, sgId, true);
    if (!sg) fail('InvalidSecurityGroup.NotFound', `security group ${sgId} does not exist`);
    if (await securityGroupInUse(tx, sg.id)) {
      fail(
        'InvalidSecurityGroup.InUse',
        `security group ${sg.id} is still bound to an ENI (delete the ENI, or terminate its instance, first)`,
      );
    }
    await deleteSecurityGroup(tx, sg.id);
  });
}
