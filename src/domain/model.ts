// Domain records, camelCase, as the store hands them over. The wire names live in actions/.

/** Who is asking, where, and in which request (the RequestId a task of this request records). */
export interface Caller {
  readonly appId: number;
  /** Long region name, e.g. ap-guangzhou. */
  readonly region: string;
  readonly requestId: string;
}

export interface Vpc {
  id: string;
  appId: number;
  region: string;
  name: string;
  cidr: string;
  createdAt: number;
  /** Settings stored and echoed back with no rule attached (multicast, DNS servers, domain name). */
  attributes: Record<string, unknown>;
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
  /** Settings stored and echoed back with no rule attached (broadcast). */
  attributes: Record<string, unknown>;
}

export interface SecurityGroup {
  id: string;
  appId: number;
  region: string;
  name: string;
  remark: string;
  projectId: number;
  createdAt: number;
  updatedAt: number;
}

/** Instance states, stored as the legacy CVM status numbers (v2 shows them as they are; API 3.0 renders their names). */
export const InstanceStatus = {
  LAUNCH_FAILED: 1,
  RUNNING: 2,
  CREATING: 3,
  STOPPED: 4,
  TERMINATING: 6,
  REBOOTING: 7,
  STARTING: 8,
  STOPPING: 9,
} as const;

export type InstanceStateName = keyof typeof InstanceStatus;

/** The state name of a stored status number. */
export function instanceStateName(status: number): InstanceStateName {
  const hit = (Object.keys(InstanceStatus) as InstanceStateName[]).find((k) => InstanceStatus[k] === status);
  return hit ?? 'CREATING';
}

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
  /** API 3.0 type name, e.g. S5.MEDIUM4; '' for instances created through v2 (named from cpu/mem). */
  instanceType: string;
  imageId: string;
  /** Fields API 3.0 stores and echoes back with no rule attached (disks, charge type, login...). */
  attributes: Record<string, unknown>;
  /** The lifecycle action the instance went into last, and the RequestId of that call. */
  latestOperation: string | null;
  latestRequestId: string | null;
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
  /** The task in flight on this ENI; while set, other ENI operations are refused as busy. */
  taskId: number | null;
  /** Position of the ENI in its instance (0 the primary), set when an attach is accepted. */
  deviceIndex: number | null;
  qosLevel: string;
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

/** Stored task status numbers (the legacy v2 values, which v2 renders as they are). */
export const TaskStatus = { SUCCEEDED: 0, FAILED: 1, RUNNING: 2 } as const;
export type TaskState = keyof typeof TaskStatus;

/** Why a task failed: the data plane refused it, or we could not finish it ourselves. */
export interface TaskFailure {
  kind: 'dataPlane' | 'internal';
  message: string;
}

export interface Task {
  id: number;
  /** The RequestId of the call that created the task (API 3.0's TaskId); null for old tasks. */
  requestId: string | null;
  appId: number;
  type: string;
  state: TaskState;
  payload: string;
  failure: TaskFailure | null;
  createdAt: number;
  dueAt: number;
  leaseUntil: number | null;
  attempts: number;
  /** The failure a fault rule decided for this task when it was created (test control). */
  injectedFailure: string | null;
}

export interface Page {
  offset: number;
  limit: number;
}

export type OrderDirection = 'asc' | 'desc';

/** A tag: a key and its value ('' when none was given). */
export interface Tag {
  key: string;
  value: string;
}

/** The kinds of resource that carry tags. */
export type TaggedType = 'vpc' | 'subnet' | 'securityGroup' | 'eni' | 'instance';

/** A resource that carries tags, and the account and region it belongs to. */
export interface TagOwner {
  appId: number;
  region: string;
  type: TaggedType;
  id: string;
}
