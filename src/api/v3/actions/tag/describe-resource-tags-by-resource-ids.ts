import { DomainError } from '../../../../domain/errors.ts';
import { describeTags } from '../../../../domain/tag.service.ts';
import { defineAction } from '../../action.ts';
import { int, list, oneOf, str } from '../../schema.ts';
import { kindOf, regionOf, tagResourceToWire } from './tag.wire.ts';

// Terraform calls this on every read of a subnet, security group and instance, tags or not, and
// asks for the next page while a page is full (20).

export default defineAction({
  product: 'tag',
  name: 'DescribeResourceTagsByResourceIds',
  summary:
    'The tags of some resources of one kind (vpc: vpc, subnet, eni; cvm: sg, instance) in a region, by resource then key',
  async: false,
  // A global service: the resources' region is a parameter (ResourceRegion), not the request's.
  global: true,
  params: {
    ServiceType: str({ min: 1, max: 64 }).required(),
    ResourcePrefix: str({ min: 1, max: 64 }).required(),
    ResourceIds: list(str({ max: 128 }).required(), { max: 50 }).required(),
    ResourceRegion: str({ max: 64 }).required(),
    Offset: int({ min: 0 }).default(0),
    Limit: int({ min: 1, max: 100 }).default(15),
    Category: oneOf(['Custom', 'System', 'All'] as const).default('All'),
  },
  codes: [
    'InvalidParameterValue.ServiceTypeInvalid',
    'InvalidParameterValue.ResourcePrefixInvalid',
    'InvalidParameterValue.ResourceIdInvalid',
    'InvalidParameterValue.RegionInvalid',
  ],
  async handle({ deps, caller }, p) {
    const kind = kindOf(p.ServiceType, p.ResourcePrefix);
    for (const [i, id] of p.ResourceIds.entries()) {
      if (!kind.id.test(id)) {
        throw new DomainError(
          'invalidValue',
          `parameter ResourceIds.${i} is not a ${p.ResourcePrefix} id: ${JSON.stringify(id.slice(0, 64))}`,
          { param: `ResourceIds.${i}`, reason: 'malformed' },
        );
      }
    }
    const region = regionOf(deps.catalogue, p.ResourceRegion, 'ResourceRegion');
    // Every tag here is one a user set (Custom); there are no system tags.
    const page =
      p.Category === 'System'
        ? { total: 0, items: [] }
        : await describeTags(
            deps,
            { ...caller, region: region.name },
            { type: kind.type, ids: p.ResourceIds, page: { offset: p.Offset, limit: p.Limit } },
          );
    return {
      TotalCount: page.total,
      Offset: p.Offset,
      Limit: p.Limit,
      Tags: page.items.map((t) => tagResourceToWire(t.resourceId, t.tag, p.ServiceType)),
    };
  },
});
