import type { ActionDef } from './action.ts';
import assignPrivateIpAddresses from './eni/assign-private-ip-addresses.ts';
import attachNetworkInterface from './eni/attach-network-interface.ts';
import createNetworkInterface from './eni/create-network-interface.ts';
import deleteNetworkInterface from './eni/delete-network-interface.ts';
import describeNetworkInterfaces from './eni/describe-network-interfaces.ts';
import detachNetworkInterface from './eni/detach-network-interface.ts';
import migrateNetworkInterface from './eni/migrate-network-interface.ts';
import migratePrivateIpAddress from './eni/migrate-private-ip-address.ts';
import modifyNetworkInterface from './eni/modify-network-interface.ts';
import unassignPrivateIpAddresses from './eni/unassign-private-ip-addresses.ts';
import describeInstances from './instance/describe-instances.ts';
import runInstances from './instance/run-instances.ts';
import startInstances from './instance/start-instances.ts';
import stopInstances from './instance/stop-instances.ts';
import terminateInstances from './instance/terminate-instances.ts';
import createSecurityGroup from './sg/create-security-group.ts';
import deleteSecurityGroup from './sg/delete-security-group.ts';
import describeSecurityGroupEx from './sg/describe-security-group-ex.ts';
import createSubnet from './subnet/create-subnet.ts';
import deleteSubnet from './subnet/delete-subnet.ts';
import describeSubnetEx from './subnet/describe-subnet-ex.ts';
import describeVpcTaskResult from './task/describe-vpc-task-result.ts';
import createVpc from './vpc/create-vpc.ts';
import deleteVpc from './vpc/delete-vpc.ts';
import describeVpcEx from './vpc/describe-vpc-ex.ts';

/** Every implemented Action. docs/actions.md is generated from this list (npm run docs). */
export const ACTIONS: readonly ActionDef[] = [
  createVpc,
  describeVpcEx,
  deleteVpc,
  createSubnet,
  describeSubnetEx,
  deleteSubnet,
  runInstances,
  describeInstances,
  startInstances,
  stopInstances,
  terminateInstances,
  createSecurityGroup,
  describeSecurityGroupEx,
  deleteSecurityGroup,
  createNetworkInterface,
  describeNetworkInterfaces,
  deleteNetworkInterface,
  attachNetworkInterface,
  detachNetworkInterface,
  modifyNetworkInterface,
  migrateNetworkInterface,
  assignPrivateIpAddresses,
  unassignPrivateIpAddresses,
  migratePrivateIpAddress,
  describeVpcTaskResult,
] as unknown as readonly ActionDef[];

export const ACTIONS_BY_NAME: ReadonlyMap<string, ActionDef> = new Map(ACTIONS.map((a) => [a.name, a]));
