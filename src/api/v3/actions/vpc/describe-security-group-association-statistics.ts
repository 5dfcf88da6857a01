import { securityGroupStatistics } from '../../../../domain/security-group.service.ts';
import { defineAction } from '../../action.ts';
import { id } from '../../schema.ts';
import { oneOrMore } from './params.wire.ts';

// Terraform polls this before DeleteSecurityGroup until every count is 0. Here a group is bound
// to ENIs only: CVM counts instances through their primary ENIs, ENI the secondary ENIs; there are
// no databases, load balancers or group references, so CDB, CLB and SG are 0.

export default defineAction({
  product: 'vpc',
  name: 'DescribeSecurityGroupAssociationStatistics',
  summary: 'What each security group is bound to: instances (CVM) and secondary ENIs (ENI); CDB, CLB, SG are 0',
  async: false,
  params: { SecurityGroupIds: oneOrMore(id('sg').required(), { max: 100 }) },
  codes: ['InvalidParameterValue.LimitExceeded', 'ResourceNotFound'],
  async handle({ deps, caller }, p) {
    const usage = await securityGroupStatistics(deps, caller, p.SecurityGroupIds);
    return {
      SecurityGroupAssociationStatisticsSet: usage.map((u) => ({
        SecurityGroupId: u.sgId,
        CVM: u.instances,
        CDB: 0,
        ENI: u.enis,
        SG: 0,
        CLB: 0,
        InstanceStatistics: [
          { InstanceType: 'CVM', InstanceCount: u.instances },
          { InstanceType: 'ENI', InstanceCount: u.enis },
        ],
        TotalCount: u.instances + u.enis,
      })),
    };
  },
});
