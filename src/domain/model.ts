// Domain records, camelCase, as the store hands them over. The wire names live in actions/.

export interface Caller {
  readonly appId: number;
  /** Long region name, e.g. ap-guangzhou. */
  readonly region: string;
}

export interface Vpc {
  id: string;
  appId: number;
  region: string;
  name: string;
  cidr: string;
  createdAt: number;
}

export interface Subnet {
  id: string;
  appId: number;
  region: string;
  vpcId: string;
  zoneId: number;
  name: string;
  cidr: string;
  createdAt: number;
}

export interface SecurityGroup {
  id: string;
  appId: number;
  region: string;
  name: string;
  remark: string;
  projectId: number;
  createdAt: number;
}

/** Legacy CVM status codes (v2-vpc-subnet-cvm.md §5). */
export const InstanceStatus = {
  RUNNING: 2,
  CREATING: 3,
  STOPPED: 4,
  TERMINATING: 6,
  STARTING: 8,
  STOPPING: 9,
} as const;

export interface Instance {
  id: string;
  appId: number;
  region: string;
  zoneId: number;
  name: string;
  cpu: number;
  mem: number;
  vpcId: string | null;
  subnetId: string | null;
  status: number;
  createdAt: number;
}

export type EniState = 'PENDING' | 'AVAILABLE' | 'ATTACHING' | 'DETACHING' | 'DELETING';

export interface Eni {
  id: string;
  appId: number;
  region: string;
  vpcId: string;
  subnetId: string;
  name: string;
  description: string;
  mac: string;
  primary: boolean;
  state: EniState;
  /** The instance the ENI is attached to, committed state only. */
  instanceId: string | null;
  attachTime: number | null;
  /** The instance an in-flight attach or migrate is moving the ENI to. */
  targetInstanceId: string | null;
  /** The task in flight on this ENI; while set, other ENI operations answer ActionLocked. */
  taskId: number | null;
  createdAt: number;
}

/** ASSIGNED is committed; the others belong to a task in flight. */
export type IpState = 'ASSIGNED' | 'ASSIGNING' | 'UNASSIGNING' | 'MIGRATING';

export interface PrivateIp {
  subnetId: string;
  ip: number;
  eniId: string;
  primary: boolean;
  state: IpState;
  description: string;
}

export const TaskStatus = { SUCCEEDED: 0, FAILED: 1, RUNNING: 2 } as const;

export interface Task {
  id: number;
  appId: number;
  type: string;
  status: number;
  payload: string;
  output: string | null;
  createdAt: number;
  dueAt: number;
  leaseUntil: number | null;
  attempts: number;
}

export interface Page {
  offset: number;
  limit: number;
}

export type OrderDirection = 'asc' | 'desc';
