import { describeInstances, projectOf } from '../../../../domain/instance.service.ts';
import { formatIp, parseIp } from '../../../../domain/cidr.ts';
import { beijingTime } from '../../../../domain/time.ts';
import { requireZone } from '../../../../domain/lookup.ts';
import { defineAction, one, paging } from '../../action.ts';
import { id, int, ip, list, str } from '../../schema.ts';

export default defineAction({
  name: 'DescribeInstances',
  summary: 'List instances (CVM subset), filtered by ids, status, zone or name',
  async: false,
  params: {
    instanceIds: list(id().required(), { max: 100 }),
    // The private IP the answer shows as lanIp: the primary IP of the primary ENI.
    lanIps: list(ip().required(), { max: 100 }),
    status: int({ min: 1, max: 21 }),
    projectId: int({ min: 0 }),
    // A numeric zone id or a zone name, as every zone input.
    zoneId: str({ max: 64 }),
    searchWord: str({ max: 60 }),
    ...paging(100),
  },
  async handle({ deps, caller }, p) {
    const zone = p.zoneId === undefined ? undefined : requireZone(deps, caller, p.zoneId);
    const page = await describeInstances(deps, caller, {
      filter: {
        instanceIds: p.instanceIds.length ? p.instanceIds : undefined,
        primaryIps: p.lanIps.length ? p.lanIps.map((a) => parseIp(a)!) : undefined,
        statuses: one(p.status),
        projectIds: one(p.projectId),
        zoneIds: one(zone?.id),
        names: one(p.searchWord),
      },
      page: p,
    });
    const region = deps.catalogue.region(caller.region)!;
    return {
      totalCount: page.total,
      instanceSet: page.items.map(({ instance: i, lanIp }) => ({
        instanceId: i.id,
        unInstanceId: i.id,
        instanceName: i.name,
        status: i.status,
        zoneId: i.zoneId,
        zoneName: deps.catalogue.zoneById(i.zoneId)?.name ?? '',
        cpu: i.cpu,
        mem: i.mem,
        lanIp: lanIp === null ? '' : formatIp(lanIp),
        wanIpSet: [],
        // Classic-network instances report 0, as the legacy API did.
        vpcId: i.vpcId ?? 0,
        subnetId: i.subnetId ?? 0,
        isVpcGateway: 0,
        projectId: projectOf(i),
        createTime: beijingTime(i.createdAt),
        Region: region.shortName,
      })),
    };
  },
});
