import type { Queryable } from '../store/db.ts';
import { updateEni } from '../store/eni.repo.ts';
import { findInstance } from '../store/instance.repo.ts';
import { withTask, type Deps } from './deps.ts';
import { requireCanHold, requireIdle, requireSecondary, requireSteadyInstance, type EniRef } from './eni.service.ts';
import { fail, notFound } from './errors.ts';
import { requireEni, requireVpc, subnetOf } from './lookup.ts';
import type { Caller, Instance } from './model.ts';

// MigrateNetworkInterface: a detach from one instance and an attach to another as one task. The
// checks are those of detach (old instance) and attach (new instance), in the documented order.

export async function migrateNetworkInterface(
  deps: Deps,
  caller: Caller,
  input: EniRef & { oldInstanceId: string; newInstanceId: string },
) {
  return withTask(deps, caller, 'MigrateNetworkInterface', async (tx) => {
    if (input.vpcId !== undefined) await requireVpc(tx, caller, input.vpcId);
    const eni = await requireEni(tx, caller, input.eniId, { vpcId: input.vpcId, lock: true });
    const { oldInstance, newInstance } = await lockInstances(tx, caller, input.oldInstanceId, input.newInstanceId);
    requireIdle(eni);
    requireSecondary(eni, 'migrated');
    if (eni.instanceId === newInstance.id) {
      fail('eniAlreadyAttached', `ENI ${eni.id} is already attached to ${newInstance.id}`);
    }
    if (eni.instanceId !== oldInstance.id) {
      fail(
        'eniNotAttached',
        eni.instanceId === null
          ? `ENI ${eni.id} is not attached to any instance`
          : `ENI ${eni.id} is attached to ${eni.instanceId}, not to ${oldInstance.id}`,
      );
    }
    requireSteadyInstance(oldInstance);
    const deviceIndex = await requireCanHold(tx, newInstance, eni, await subnetOf(tx, caller, eni));
    return {
      payload: {
        eniId: eni.id,
        oldInstanceId: oldInstance.id,
        newInstanceId: newInstance.id,
        newDeviceIndex: deviceIndex,
      },
      result: {},
      // The ENI stays on the old instance (committed state) until the task succeeds; meanwhile it
      // counts against the ENI limit of both instances.
      apply: (taskId) => updateEni(tx, eni.id, { state: 'ATTACHING', targetInstanceId: newInstance.id, taskId }),
    };
  });
}

/**
 * Both instances, row-locked in id order (so two migrations between the same pair cannot
 * deadlock); a missing old instance is reported before a missing new one.
 */
async function lockInstances(
  tx: Queryable,
  caller: Caller,
  oldId: string,
  newId: string,
): Promise<{ oldInstance: Instance; newInstance: Instance }> {
  const found = new Map<string, Instance | undefined>();
  for (const id of [...new Set([oldId, newId])].sort()) found.set(id, await findInstance(tx, caller, id, true));
  for (const id of [oldId, newId]) {
    if (!found.get(id)) notFound('instance', `instance ${id} does not exist`);
  }
  const oldInstance = found.get(oldId)!;
  const newInstance = found.get(newId)!;
  return { oldInstance, newInstance };
}
