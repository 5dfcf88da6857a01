import { formatIp } from '../../../../domain/cidr.ts';
import type { EniView } from '../../../../domain/eni.service.ts';
import { beijingTime } from '../../../../domain/time.ts';

/** One element of DescribeNetworkInterfaces' `data.data`, newest documented shape plus `state`. */
export function eniToWire({ eni, ips, groups, zoneId, vpcName }: EniView) {
  return {
    vpcId: eni.vpcId,
    vpcName,
    subnetId: eni.subnetId,
    zoneId,
    eniName: eni.name,
    eniDescription: eni.description,
    networkInterfaceId: eni.id,
    primary: eni.primary,
    macAddress: eni.mac,
    state: eni.state,
    createTime: beijingTime(eni.createdAt),
    // v2 shows committed state: addresses still being assigned are not there yet.
    privateIpAddressesSet: ips
      .filter((i) => i.state !== 'ASSIGNING')
      .map((i) => ({
        privateIpAddress: formatIp(i.ip),
        primary: i.primary,
        description: i.description,
        wanIp: '',
        isWanIpBlocked: false,
        eipId: '',
      })),
    instanceSet: {
      instanceId: eni.instanceId ?? '',
      attachTime: eni.attachTime === null ? '' : beijingTime(eni.attachTime),
    },
    groupSet: groups.map((g) => ({ sgId: g.id, sgName: g.name, projectId: g.projectId })),
    flowLogsSet: [],
  };
}
