import type { TaskType } from '../domain/deps.ts';
import { assignPrivateIpAddressesTask } from './assign-private-ip-addresses.task.ts';
import { attachNetworkInterfaceTask } from './attach-network-interface.task.ts';
import { createNetworkInterfaceTask } from './create-network-interface.task.ts';
import { deleteNetworkInterfaceTask } from './delete-network-interface.task.ts';
import { detachNetworkInterfaceTask } from './detach-network-interface.task.ts';
import type { TaskHandler } from './handler.ts';
import { startInstancesTask, stopInstancesTask, terminateInstancesTask } from './instance-lifecycle.task.ts';
import { migrateNetworkInterfaceTask } from './migrate-network-interface.task.ts';
import { migratePrivateIpAddressTask } from './migrate-private-ip-address.task.ts';
import { runInstancesTask } from './run-instances.task.ts';
import { unassignPrivateIpAddressesTask } from './unassign-private-ip-addresses.task.ts';

// Every task type the actions can create, and what finishing it means.
export const TASK_HANDLERS: Partial<Record<TaskType, TaskHandler<never>>> = {
  CreateNetworkInterface: createNetworkInterfaceTask,
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
  TerminateInstances: terminateInstancesTask,
};
