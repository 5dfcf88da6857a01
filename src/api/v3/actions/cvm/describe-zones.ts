import { callerRegion } from '../../../../domain/lookup.ts';
import { zoneDisplayName } from '../../../../domain/regions.ts';
import { defineAction } from '../../action.ts';

export default defineAction({
  product: 'cvm',
  name: 'DescribeZones',
  summary: "The zones of the request's region (names follow X-TC-Language)",
  async: false,
  params: {},
  async handle({ deps, caller, language }) {
    const zones = callerRegion(deps, caller).zones;
    return {
      TotalCount: zones.length,
      ZoneSet: zones.map((z) => ({
        Zone: z.name,
        ZoneName: zoneDisplayName(z, language),
        ZoneId: String(z.id),
        ZoneState: 'AVAILABLE',
      })),
    };
  },
});
