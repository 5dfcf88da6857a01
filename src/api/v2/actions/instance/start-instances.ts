import { lifecycleAction } from './lifecycle.ts';

export default lifecycleAction('StartInstances', 'Start stopped instances (4 → 8 → 2)');
