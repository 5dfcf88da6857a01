import { lifecycleAction } from './lifecycle.ts';

export default lifecycleAction('StopInstances', 'Stop running instances (2 → 9 → 4)');
