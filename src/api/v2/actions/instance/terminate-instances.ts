import { lifecycleAction } from './lifecycle.ts';

export default lifecycleAction(
  'TerminateInstances',
  'Terminate instances (→ 6 → gone); secondary ENIs are detached and kept, the primary ENI is deleted',
);
