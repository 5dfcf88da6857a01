/** The VPC, subnet and security-group actions of vpc 2017-03-12. */
export const VPC_ACTIONS = [];
