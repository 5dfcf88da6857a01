import type { ActionDef } from './action.ts';
import assignPrivateIpAddresses from './actions/eni/assign-private-ip-addresses.ts';
import attachNetworkInterface from './actions/eni/attach-network-interface.ts';
import createNetworkInterface from './actions/eni/create-network-interface.ts';
import deleteNetworkInterface from './actions/eni/delete-network-interface.ts';
import describeNetworkInterfaces from './actions/eni/describe-network-interfaces.ts';
import detachNetworkInterface from './actions/eni/detach-network-interface.ts';
import migrateNetworkInterface from './actions/eni/migrate-network-interface.ts';
import migratePrivateIpAddress from './actions/eni/migrate-private-ip-address.ts';
import modifyNetworkInterface from './actions/eni/modify-network-interface.ts';
import unassignPrivateIpAddresses from './actions/eni/unassign-private-ip-addresses.ts';
import describeInstances from './actions/instance/describe-instances.ts';
import runInstances from './actions/instance/run-instances.ts';
import startInstances from './actions/instance/start-instances.ts';
import stopInstances from './actions/instance/stop-instances.ts';
import terminateInstances from './actions/instance/terminate-instances.ts';
import createSecurityGroup from './actions/sg/create-security-group.ts';
import deleteSecurityGroup from './actions/sg/delete-security-group.ts';
import describeSecurityGroupEx from './actions/sg/describe-security-group-ex.ts';
import createSubnet from './actions/subnet/create-subnet.ts';
import deleteSubnet from './actions/subnet/delete-subnet.ts';
import describeSubnetEx from './actions/subnet/describe-subnet-ex.ts';
import describeVpcTaskResult from './actions/task/describe-vpc-task-result.ts';
import createVpc from './actions/vpc/create-vpc.ts';
import deleteVpc from './actions/vpc/delete-vpc.ts';
import describeVpcEx from './actions/vpc/describe-vpc-ex.ts';

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
