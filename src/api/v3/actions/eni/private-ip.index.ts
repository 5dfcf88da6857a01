/** The private-IP and migration actions of vpc 2017-03-12. */
export const PRIVATE_IP_ACTIONS = [];
