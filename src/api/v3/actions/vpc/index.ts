import createSecurityGroup from './create-security-group.ts';
import createSubnet from './create-subnet.ts';
import createSubnets from './create-subnets.ts';
import createVpc from './create-vpc.ts';
import deleteSecurityGroup from './delete-security-group.ts';
import deleteSubnet from './delete-subnet.ts';
import deleteVpc from './delete-vpc.ts';
import describeSecurityGroups from './describe-security-groups.ts';
import describeSubnets from './describe-subnets.ts';
import describeVpcLimits from './describe-vpc-limits.ts';
import describeVpcs from './describe-vpcs.ts';

/** The VPC, subnet and security-group actions of vpc 2017-03-12. */
export const VPC_ACTIONS = [
  createVpc,
  describeVpcs,
  deleteVpc,
  createSubnet,
  createSubnets,
  describeSubnets,
  deleteSubnet,
  createSecurityGroup,
  describeSecurityGroups,
  deleteSecurityGroup,
  describeVpcLimits,
];
