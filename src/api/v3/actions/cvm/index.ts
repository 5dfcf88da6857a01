/** The instance, zone, region and instance-type actions of cvm 2017-03-12. */
export const CVM_ACTIONS = [];
