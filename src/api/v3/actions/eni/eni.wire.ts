import { formatIp } from '../../../../domain/cidr.ts';
import type { EniView } from '../../../../domain/eni.service.ts';
import type { Eni, IpState, PrivateIp } from '../../../../domain/model.ts';
import type { Catalogue } from '../../../../domain/regions.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { tagsToWire } from '../tag/tag.params.ts';

// The 3.0 NetworkInterface structure: every field, always (Go and Terraform dereference them).

const IP_STATE: Record<IpState, string> = {
  ASSIGNED: 'AVAILABLE',
  ASSIGNING: 'PENDING',
  UNASSIGNING: 'DELETING',
  MIGRATING: 'MIGRATING',
};

/** One address; `pending` when its ENI is still being created (every address is then PENDING). */
export function ipToWire(i: PrivateIp, qosLevel: string, pending = false) {
  return {
    PrivateIpAddress: formatIp(i.ip),
    Primary: i.primary,
    PublicIpAddress: '',
    AddressId: '',
    Description: i.description,
    IsWanIpBlocked: false,
    State: pending ? 'PENDING' : IP_STATE[i.state],
    QosLevel: qosLevel,
  };
}

/** `Attachment`: the committed binding, or null (never an object with empty fields). */
export function attachmentOf(eni: Eni, appId: number, planned?: { instanceId: string; at: number }) {
  const instanceId = eni.instanceId ?? planned?.instanceId;
  if (!instanceId) return null;
  return {
    InstanceId: instanceId,
    DeviceIndex: eni.deviceIndex ?? (eni.primary ? 0 : 1),
    InstanceAccountId: String(appId),
    AttachTime: beijingTime(eni.attachTime ?? planned?.at ?? eni.createdAt),
  };
}

export function eniToWire(v: EniView, catalogue: Catalogue, planned?: { instanceId: string; at: number }) {
  const { eni } = v;
  const ips = [...v.ips].sort((a, b) => Number(b.primary) - Number(a.primary) || a.ip - b.ip);
  const attachment = attachmentOf(eni, eni.appId, planned);
  return {
    NetworkInterfaceId: eni.id,
    NetworkInterfaceName: eni.name,
    NetworkInterfaceDescription: eni.description,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    GroupSet: v.groups.map((g) => g.id),
    Primary: eni.primary,
    MacAddress: eni.mac,
    State: eni.state,
    NetworkInterfaceState: eni.state === 'AVAILABLE' && eni.instanceId !== null ? 'INUSE' : eni.state,
    PrivateIpAddressSet: ips.map((i) => ipToWire(i, eni.qosLevel, eni.state === 'PENDING')),
    Attachment: attachment,
    Zone: catalogue.zoneById(v.zoneId)?.name ?? '',
    CreatedTime: beijingTime(eni.createdAt),
    Ipv6AddressSet: [],
    TagSet: tagsToWire(v.tags),
    EniType: eni.primary ? 1 : 0,
    Business: 'cvm',
    CdcId: '',
    AttachType: 0,
    ResourceId: '',
    QosLevel: eni.qosLevel,
  };
}
