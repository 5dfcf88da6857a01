import attachNetworkInterface from './attach-network-interface.ts';
import detachNetworkInterface from './detach-network-interface.ts';

/** The ENI actions of vpc 2017-03-12 (ENIs and their private IPs). */
export const ENI_ACTIONS = [attachNetworkInterface, detachNetworkInterface];
