import { vpcLimits } from '../../../../domain/vpc.service.ts';
import { defineAction } from '../../action.ts';
import { list, str } from '../../schema.ts';

export default defineAction({
  product: 'vpc',
  name: 'DescribeVpcLimits',
  summary: 'The configured quotas (appid-max-vpcs, vpc-max-subnets, vpc-max-enis, eni-max-private-ips); others 0',
  async: false,
  params: { LimitTypes: list(str({ min: 1, max: 128 }).required(), { max: 100 }).required() },
  codes: ['InvalidParameterValue.LimitExceeded', 'InvalidParameterValue.TooLong'],
  async handle({ deps }, p) {
    const l = vpcLimits(deps);
    // Quotas of things not modelled here (gateways, peerings, route tables…) answer 0.
    const known = new Map([
      ['appid-max-vpcs', l.vpcsPerRegion],
      ['vpc-max-subnets', l.subnetsPerVpc],
      ['vpc-max-enis', l.enisPerVpc],
      ['eni-max-private-ips', l.ipsPerEni],
    ]);
    return { VpcLimitSet: p.LimitTypes.map((t) => ({ LimitType: t, LimitValue: known.get(t) ?? 0 })) };
  },
});
