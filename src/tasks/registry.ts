import { assignPrivateIpAddressesTask } from './assign-private-ip-addresses.task.ts';
import { attachNetworkInterfaceTask } from './attach-network-interface.task.ts';
import { createAndAttachNetworkInterfaceTask, createNetworkInterfaceTask } from './create-network-interface.task.ts';
import { deleteNetworkInterfaceTask } from './delete-network-interface.task.ts';
import { detachNetworkInterfaceTask } from './detach-network-interface.task.ts';
import {
  rebootInstancesTask,
  startInstancesTask,
  stopInstancesTask,
  terminateInstancesTask,
} from './instance-lifecycle.task.ts';
import { migrateNetworkInterfaceTask } from './migrate-network-interface.task.ts';
import { migratePrivateIpAddressTask } from './migrate-private-ip-address.task.ts';
import { runInstancesTask } from './run-instances.task.ts';
import type { TaskDef } from './task.ts';
import { unassignPrivateIpAddressesTask } from './unassign-private-ip-addresses.task.ts';

// Every task type the domain can create. `withTask` takes a key of this object and a payload of
// that definition's type, so a task type without a definition, or a payload of the wrong shape,
// does not compile.
export const TASKS = {
  CreateNetworkInterface: createNetworkInterfaceTask,
  CreateAndAttachNetworkInterface: createAndAttachNetworkInterfaceTask,
  DeleteNetworkInterface: deleteNetworkInterfaceTask,
  AttachNetworkInterface: attachNetworkInterfaceTask,
  DetachNetworkInterface: detachNetworkInterfaceTask,
  MigrateNetworkInterface: migrateNetworkInterfaceTask,
  AssignPrivateIpAddresses: assignPrivateIpAddressesTask,
  UnassignPrivateIpAddresses: unassignPrivateIpAddressesTask,
  MigratePrivateIpAddress: migratePrivateIpAddressTask,
  RunInstances: runInstancesTask,
  StartInstances: startInstancesTask,
  StopInstances: stopInstancesTask,
  RebootInstances: rebootInstancesTask,
  TerminateInstances: terminateInstancesTask,
} as const;

export type TaskType = keyof typeof TASKS;
export type PayloadOf<T extends TaskType> = (typeof TASKS)[T] extends TaskDef<infer P> ? P : never;

export function taskDef(type: string): TaskDef<unknown> | undefined {
  return Object.hasOwn(TASKS, type) ? (TASKS[type as TaskType] as TaskDef<unknown>) : undefined;
}
