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
import describeRouteTables from './describe-route-tables.ts';
import describeSecurityGroupAssociationStatistics from './describe-security-group-association-statistics.ts';
import describeUsedIpAddress from './describe-used-ip-address.ts';
import modifySecurityGroupAttribute from './modify-security-group-attribute.ts';
import modifySubnetAttribute from './modify-subnet-attribute.ts';
import modifyVpcAttribute from './modify-vpc-attribute.ts';

/** The VPC, subnet, security-group and route-table actions of vpc 2017-03-12. */
export const VPC_ACTIONS = [
  createVpc,
  describeVpcs,
  modifyVpcAttribute,
  deleteVpc,
  createSubnet,
  createSubnets,
  describeSubnets,
  modifySubnetAttribute,
  deleteSubnet,
  createSecurityGroup,
  describeSecurityGroups,
  modifySecurityGroupAttribute,
  describeSecurityGroupAssociationStatistics,
  deleteSecurityGroup,
  describeVpcLimits,
  describeRouteTables,
  describeUsedIpAddress,
];
