import { regionDisplayName } from '../../../../domain/regions.ts';
import { defineAction } from '../../action.ts';

export default defineAction({
  product: 'cvm',
  name: 'DescribeRegions',
  summary: 'Every region offered here (no region needed; names follow X-TC-Language)',
  async: false,
  global: true,
  params: {},
  async handle({ deps, language }) {
    const regions = deps.catalogue.regions();
    return {
      TotalCount: regions.length,
      RegionSet: regions.map((r) => ({
        Region: r.name,
        RegionName: regionDisplayName(r.name, language),
        RegionState: 'AVAILABLE',
      })),
    };
  },
});
