import { formatIp } from '../../../../domain/cidr.ts';
import type { InstanceView } from '../../../../domain/instance.service.ts';
import { typeNameOfInstance } from '../../../../domain/instance-types.ts';
import { instanceStateName, type Instance } from '../../../../domain/model.ts';
import type { Catalogue } from '../../../../domain/regions.ts';
import { tagsToWire } from '../tag/tag.params.ts';

// The CVM Instance structure: every field, always (Terraform dereferences Placement.Zone,
// InternetAccessible, VirtualPrivateCloud, SystemDisk, InstanceChargeType, LatestOperationState).

/** The 3.0 name of an instance's state. */
export function instanceState(i: Instance): string {
  const name = instanceStateName(i.status);
  return name === 'CREATING' ? 'PENDING' : name;
}

const OPERATION_STATE = { RUNNING: 'OPERATING', SUCCEEDED: 'SUCCESS', FAILED: 'FAILED' } as const;

/** ISO 8601 UTC without milliseconds, as CVM prints times. */
export const isoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What RunInstances stored to echo back (run-instances.ts). */
type Attributes = {
  projectId?: number;
  chargeType?: string;
  renewFlag?: string;
  systemDisk?: { diskType?: string; diskSize?: number };
  dataDisks?: Array<{ diskType?: string; diskSize?: number }>;
  internet?: { internetChargeType?: string; maxBandwidthOut?: number };
  keyIds?: string[];
  asVpcGateway?: boolean;
  disableApiTermination?: boolean;
  stoppedMode?: string;
  uuid?: string;
};

/** Shown by every Describe, not configurable yet. */
const OS_NAME = 'TencentOS Server 3.1 (TK4)';

export function instanceToWire(v: InstanceView, catalogue: Catalogue) {
  const { instance: i, lanIp, sgIds, latest, network } = v;
  const a = i.attributes as Attributes;
  const ips = lanIp === null ? [] : [formatIp(lanIp)];
  const state = instanceState(i);
  const charge = a.chargeType ?? 'POSTPAID_BY_HOUR';
  return {
    Placement: { Zone: catalogue.zoneById(i.zoneId)?.name ?? '', ProjectId: a.projectId ?? 0, HostIds: [], HostId: '' },
    InstanceId: i.id,
    InstanceType: typeNameOfInstance(i),
    CPU: i.cpu,
    Memory: i.mem,
    RestrictState: 'NORMAL',
    InstanceName: i.name,
    InstanceChargeType: charge,
    // No DiskId: Terraform would ask the CBS API about a `disk-` id (D28).
    SystemDisk: {
      DiskType: a.systemDisk?.diskType ?? 'CLOUD_PREMIUM',
      DiskSize: a.systemDisk?.diskSize ?? 50,
      DiskId: '',
      CdcId: '',
    },
    DataDisks: (a.dataDisks ?? []).map((d) => ({
      DiskType: d.diskType ?? 'CLOUD_PREMIUM',
      DiskSize: d.diskSize ?? 50,
      DiskId: '',
    })),
    PrivateIpAddresses: ips,
    PublicIpAddresses: [],
    InternetAccessible: {
      InternetChargeType: a.internet?.internetChargeType ?? 'TRAFFIC_POSTPAID_BY_HOUR',
      InternetMaxBandwidthOut: a.internet?.maxBandwidthOut ?? 0,
      PublicIpAssigned: false,
    },
    VirtualPrivateCloud: {
      VpcId: network?.vpcId ?? '',
      SubnetId: network?.subnetId ?? '',
      AsVpcGateway: a.asVpcGateway ?? false,
      PrivateIpAddresses: ips,
      Ipv6AddressCount: 0,
    },
    ImageId: i.imageId,
    RenewFlag: charge === 'PREPAID' ? (a.renewFlag ?? 'NOTIFY_AND_MANUAL_RENEW') : null,
    CreatedTime: isoTime(i.createdAt),
    ExpiredTime: null,
    OsName: OS_NAME,
    SecurityGroupIds: sgIds,
    LoginSettings: { KeyIds: a.keyIds ?? [] },
    InstanceState: state,
    Tags: tagsToWire(v.tags),
    StopChargingMode: state === 'STOPPED' ? (a.stoppedMode ?? 'KEEP_CHARGING') : 'NOT_APPLICABLE',
    Uuid: a.uuid ?? '',
    // Terraform waits while OPERATING and dereferences the state: always a string. A task no longer
    // kept (after a week) finished long ago.
    LatestOperation: i.latestOperation ?? '',
    LatestOperationState: latest ? OPERATION_STATE[latest.state] : i.latestOperation ? 'SUCCESS' : '',
    LatestOperationRequestId: i.latestRequestId ?? '',
    LatestOperationErrorMsg: latest?.failure?.message ?? '',
    IPv6Addresses: [],
    RdmaIpAddresses: [],
    DisasterRecoverGroupIds: [],
    PublicIPv6Addresses: [],
    DisasterRecoverGroupId: '',
    CamRoleName: '',
    HpcClusterId: '',
    DedicatedClusterId: '',
    IsolatedSource: 'NOTISOLATED',
    LicenseType: 'TencentCloud',
    DisableApiTermination: a.disableApiTermination ?? false,
    DefaultLoginUser: 'root',
    DefaultLoginPort: 22,
    EnableJumboFrame: false,
  };
}
