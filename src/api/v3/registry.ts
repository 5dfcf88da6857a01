import type { ActionDef } from './action.ts';
import { CVM_ACTIONS } from './actions/cvm/index.ts';
import { ENI_ACTIONS } from './actions/eni/index.ts';
import { PRIVATE_IP_ACTIONS } from './actions/eni/private-ip.index.ts';
import { TAG_ACTIONS } from './actions/tag/index.ts';
import describeVpcTaskResult from './actions/task/describe-vpc-task-result.ts';
import { VPC_ACTIONS } from './actions/vpc/index.ts';

/** Every implemented API 3.0 action. docs/api3-actions.md is generated from this list (npm run docs). */
export const ACTIONS_V3: readonly ActionDef[] = [
  ...VPC_ACTIONS,
  ...ENI_ACTIONS,
  ...PRIVATE_IP_ACTIONS,
  describeVpcTaskResult,
  ...CVM_ACTIONS,
  ...TAG_ACTIONS,
] as unknown as readonly ActionDef[];
