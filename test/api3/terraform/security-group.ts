import type { Answer3 } from '../../support/sdk3.ts';
import { ApiError, arr, int, obj, READ_S, str, WRITE_S, type Provider } from './provider.ts';

// tencentcloud_security_group: create, read (ProjectId must parse as an integer; the tag service
// asked every time), update, and a delete that first waits until nothing is bound to the group.

export async function create(
  tf: Provider,
  cfg: {
    name: string;
    description?: string;
    projectId?: number;
    tags?: Record<string, string>;
  },
) {
  const params: Record<string, unknown> = { GroupName: cfg.name, GroupDescription: cfg.description ?? '' };
  if (cfg.projectId !== undefined) params.ProjectId = String(cfg.projectId);
  if (cfg.tags && Object.keys(cfg.tags).length) {
    params.Tags = Object.entries(cfg.tags).map(([Key, Value]) => ({ Key, Value }));
  }
  const r = await tf.call('vpc', 'CreateSecurityGroup', params, { timeoutS: WRITE_S });
  const id = str(obj(r.SecurityGroup, 'SecurityGroup').SecurityGroupId, 'SecurityGroup.SecurityGroupId');
  if (cfg.tags && Object.keys(cfg.tags).length) await tf.modifyTags('cvm', 'sg', id, cfg.tags);
  return id;
}

export async function read(tf: Provider, id: string) {
  let r: Answer3;
  try {
    r = await tf.call(
      'vpc',
      'DescribeSecurityGroups',
      { SecurityGroupIds: [id] },
      { timeoutS: READ_S, also: ['InternalError'] },
    );
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ResourceNotFound') return null;
    throw err;
  }
  const set = arr(r.SecurityGroupSet, 'SecurityGroupSet');
  if (set.length === 0) return null;
  const g = set[0];
  const project = str(g.ProjectId, 'ProjectId');
  if (!/^\d+$/.test(project)) throw new Error(`ProjectId ${project} does not parse as an integer`);
  return {
    id,
    name: str(g.SecurityGroupName, 'SecurityGroupName'),
    description: str(g.SecurityGroupDesc, 'SecurityGroupDesc'),
    project_id: Number(project),
    tags: await tf.describeTags('cvm', 'sg', id),
  };
}

export async function update(tf: Provider, id: string, cfg: { name?: string; description?: string }) {
  const params: Record<string, unknown> = { SecurityGroupId: id };
  if (cfg.name !== undefined) params.GroupName = cfg.name;
  if (cfg.description !== undefined) params.GroupDescription = cfg.description;
  await tf.call('vpc', 'ModifySecurityGroupAttribute', params, { timeoutS: WRITE_S });
}

/** Delete: wait until nothing is bound to the group (any error retried), then delete (any error retried). */
export async function destroy(tf: Provider, id: string) {
  await tf.poll(
    READ_S,
    `security group ${id} still has bindings`,
    async () => {
      const r = await tf.api('vpc', 'DescribeSecurityGroupAssociationStatistics', { SecurityGroupIds: [id] });
      const set = arr(r.SecurityGroupAssociationStatisticsSet, 'SecurityGroupAssociationStatisticsSet');
      if (set.length === 0) return true;
      const s = set[0];
      const busy = (['CVM', 'CLB', 'CDB', 'ENI', 'SG'] as const).some((k) => int(s[k], k) !== 0);
      return busy ? undefined : true;
    },
    true,
  );
  await tf.call('vpc', 'DeleteSecurityGroup', { SecurityGroupId: id }, { timeoutS: WRITE_S, also: 'any' });
}
