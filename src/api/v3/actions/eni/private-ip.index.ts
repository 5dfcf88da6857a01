import assignPrivateIpAddresses from './assign-private-ip-addresses.ts';
import migrateNetworkInterface from './migrate-network-interface.ts';
import migratePrivateIpAddress from './migrate-private-ip-address.ts';
import modifyPrivateIpAddressesAttribute from './modify-private-ip-addresses-attribute.ts';
import unassignPrivateIpAddresses from './unassign-private-ip-addresses.ts';

/** The private-IP and migration actions of vpc 2017-03-12. */
export const PRIVATE_IP_ACTIONS = [
  migrateNetworkInterface,
  assignPrivateIpAddresses,
  unassignPrivateIpAddresses,
  migratePrivateIpAddress,
  modifyPrivateIpAddressesAttribute,
];
