import { DomainError } from '../../../../domain/errors.ts';
import { parseInstanceType, TYPE_CATALOGUE, type InstanceType } from '../../../../domain/instance-types.ts';
import { callerRegion, requireZone } from '../../../../domain/lookup.ts';
import { defineAction } from '../../action.ts';
import { Param, str } from '../../schema.ts';
import { cvmFilters } from './cvm.params.ts';

const CATALOGUE = TYPE_CATALOGUE.map((n) => parseInstanceType(n) as InstanceType);

/** An `instance-type` value: a name of the pattern (one of no size offered simply matches nothing). */
const typeName = new Param('<FAMILY>.<SIZE><GiB>', (value, name) => {
  const text = str({ max: 64 }).required().read(value, name);
  if (parseInstanceType(text) === 'malformed') {
    throw new DomainError('invalidValue', `parameter ${name} is not <FAMILY>.<SIZE><GiB>: ${JSON.stringify(text)}`, {
      reason: 'malformed',
      param: name,
    });
  }
  return text;
});

export default defineAction({
  product: 'cvm',
  name: 'DescribeInstanceTypeConfigs',
  summary:
    'The instance types of the catalogue in each zone of the region (filters zone, instance-family, instance-type)',
  async: false,
  params: {
    // ≤ 10 filters, 1 value each (documented).
    Filters: cvmFilters(
      { names: ['zone', 'instance-family', 'instance-type'], maxFilters: 10, maxValues: 1 },
      {
        zone: str({ max: 64 }).required(),
        'instance-family': str({ max: 64 }).required(),
        'instance-type': typeName.required(),
      },
    ),
  },
  codes: [
    'InvalidFilter',
    'InvalidFilterValue.LimitExceeded',
    'InvalidInstanceType.Malformed',
    'InvalidParameterValue.LimitExceeded',
    'InvalidZone.MismatchRegion',
  ],
  async handle({ deps, caller }, p) {
    const f = p.Filters;
    // Several filters of one name each hold one value: all must hold (filters are AND-ed).
    const zones = f?.get<string>('zone')?.map((z) => requireZone(deps, caller, z).name);
    const families = f?.get<string>('instance-family');
    const types = f?.get<string>('instance-type');
    const all = (values: string[] | undefined, actual: string) => !values || values.every((v) => v === actual);
    const set = callerRegion(deps, caller)
      .zones.filter((z) => all(zones, z.name))
      .flatMap((z) =>
        CATALOGUE.filter((t) => all(types, t.name) && all(families, t.family)).map((t) => ({
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
