import associateNetworkInterfaceSecurityGroups from './associate-network-interface-security-groups.ts';
import attachNetworkInterface from './attach-network-interface.ts';
import createAndAttachNetworkInterface from './create-and-attach-network-interface.ts';
import createNetworkInterface from './create-network-interface.ts';
import deleteNetworkInterface from './delete-network-interface.ts';
import describeNetworkInterfaceLimit from './describe-network-interface-limit.ts';
import describeNetworkInterfaces from './describe-network-interfaces.ts';
import detachNetworkInterface from './detach-network-interface.ts';
import disassociateNetworkInterfaceSecurityGroups from './disassociate-network-interface-security-groups.ts';
import modifyNetworkInterfaceAttribute from './modify-network-interface-attribute.ts';
import modifyNetworkInterfaceQos from './modify-network-interface-qos.ts';

/** The ENI actions of vpc 2017-03-12 (the private-IP and migration ones are in private-ip.index.ts). */
export const ENI_ACTIONS = [
  createNetworkInterface,
  describeNetworkInterfaces,
  deleteNetworkInterface,
  attachNetworkInterface,
  detachNetworkInterface,
  modifyNetworkInterfaceAttribute,
  createAndAttachNetworkInterface,
  describeNetworkInterfaceLimit,
  associateNetworkInterfaceSecurityGroups,
  disassociateNetworkInterfaceSecurityGroups,
  modifyNetworkInterfaceQos,
];
