import { parseInstanceType, TYPE_CATALOGUE, type InstanceType } from '../../../../domain/instance-types.ts';
import { callerRegion } from '../../../../domain/lookup.ts';
import { defineAction } from '../../action.ts';
import { ProtocolError } from '../../handler.ts';
import { filters } from '../../schema.ts';

const CATALOGUE = TYPE_CATALOGUE.map((n) => parseInstanceType(n) as InstanceType);

export default defineAction({
  product: 'cvm',
  name: 'DescribeInstanceTypeConfigs',
  summary: 'The instance types of the catalogue in each zone of the region',
  async: false,
  params: {
    Filters: filters({ names: ['zone', 'instance-family', 'instance-type'], maxFilters: 10, maxValues: 1 }),
  },
  codes: [
    'InvalidFilter',
    'InvalidFilterValue.LimitExceeded',
    'InvalidInstanceType.Malformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidZone.MismatchRegion',
  ],
  async handle({ deps, caller }, p) {
    const f = p.Filters ?? new Map<string, string[]>();
    const region = callerRegion(deps, caller);
    const zone = f.get('zone')?.[0];
    if (zone !== undefined && !region.zones.some((z) => z.name === zone)) {
      throw new ProtocolError('InvalidZone.MismatchRegion', `filter zone: ${zone} is not a zone of ${region.name}`);
    }
    const type = f.get('instance-type')?.[0];
    if (type !== undefined && parseInstanceType(type) === 'malformed') {
      throw new ProtocolError(
        'InvalidInstanceType.Malformed',
        `filter instance-type: ${type} is not <FAMILY>.<SIZE><GiB>`,
      );
    }
    const family = f.get('instance-family')?.[0];
    const set = region.zones
      .filter((z) => zone === undefined || z.name === zone)
      .flatMap((z) =>
        CATALOGUE.filter(
          (t) => (type === undefined || t.name === type) && (family === undefined || t.family === family),
        ).map((t) => ({
          Zone: z.name,
          InstanceType: t.name,
          InstanceFamily: t.family,
          GPU: 0,
          CPU: t.cpu,
          Memory: t.mem,
          FPGA: 0,
          GpuCount: 0,
          GpuType: '',
          GpuMemory: 0,
        })),
      );
    return { InstanceTypeConfigSet: set };
  },
});
