import describeInstanceTypeConfigs from './describe-instance-type-configs.ts';
import describeInstances from './describe-instances.ts';
import describeInstancesStatus from './describe-instances-status.ts';
import describeRegions from './describe-regions.ts';
import describeZones from './describe-zones.ts';
import { rebootInstances, startInstances, stopInstances, terminateInstances } from './lifecycle.ts';
import runInstances from './run-instances.ts';

/** The instance, zone, region and instance-type actions of cvm 2017-03-12. */
export const CVM_ACTIONS = [
  runInstances,
  describeInstances,
  describeInstancesStatus,
  startInstances,
  stopInstances,
  rebootInstances,
  terminateInstances,
  describeZones,
  describeRegions,
  describeInstanceTypeConfigs,
];
