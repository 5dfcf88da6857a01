import { changeInstances } from '../../../../domain/instance.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { defineAction } from '../../action.ts';
import { bool, id, list, oneOf, type Infer } from '../../schema.ts';

type Lifecycle = 'StartInstances' | 'StopInstances' | 'RebootInstances' | 'TerminateInstances';

const STOP_TYPE = oneOf(['SOFT', 'HARD', 'SOFT_FIRST']);
const PARAMS = {
  InstanceIds: list(id('ins').required(), { max: 100 }).required(),
  ForceStop: bool(),
  ForceReboot: bool(),
  StopType: STOP_TYPE,
  StoppedMode: oneOf(['KEEP_CHARGING', 'STOP_CHARGING']),
  ReleaseAddress: bool(),
  ReleasePrepaidDataDisks: bool(),
};

const CODES = [
  'InvalidInstanceId.Malformed',
  'InvalidInstanceId.NotFound',
  'InvalidParameterValue.LimitExceeded',
  'InvalidParameterCombination',
  'OperationDenied.InstanceOperationInProgress',
  'UnsupportedOperation.InstanceStatePending',
  'UnsupportedOperation.InstanceStateStarting',
  'UnsupportedOperation.InstanceStateStopping',
  'UnsupportedOperation.InstanceStateRebooting',
  'UnsupportedOperation.InstanceStateTerminating',
  'UnsupportedOperation.InstanceStateRunning',
  'UnsupportedOperation.InstanceStateStopped',
  'UnsupportedOperation.InstanceStateLaunchFailed',
  'UnsupportedOperation.InstancesProtected',
];

/** Start, Stop, Reboot and Terminate share one shape: InstanceIds (1–100), one task for the batch. */
export function lifecycleAction(name: Lifecycle, summary: string) {
  return defineAction({
    product: 'cvm',
    name,
    summary,
    async: true,
    params: PARAMS,
    fields: { 'instanceIds.*': 'InstanceIds.*' },
    codes: CODES,
    async handle({ deps, caller }, p: Infer<typeof PARAMS>) {
      if (p.InstanceIds.length === 0)
        fail('invalidParameter', 'parameter InstanceIds needs at least one instance', { reason: 'missing' });
      const forced = name === 'StopInstances' ? p.ForceStop : name === 'RebootInstances' ? p.ForceReboot : undefined;
      if (forced !== undefined && p.StopType !== undefined) {
        fail(
          'invalidParameter',
          `parameter StopType cannot be given with ${name === 'StopInstances' ? 'ForceStop' : 'ForceReboot'}`,
          {
            reason: 'combination',
          },
        );
      }
      // Repeated ids count once: the batch is a set.
      await changeInstances(deps, caller, name, [...new Set(p.InstanceIds)]);
      return {};
    },
  });
}

export const startInstances = lifecycleAction(
  'StartInstances',
  'Start stopped instances (STOPPED → STARTING → RUNNING)',
);
export const stopInstances = lifecycleAction('StopInstances', 'Stop running instances (RUNNING → STOPPING → STOPPED)');
export const rebootInstances = lifecycleAction(
  'RebootInstances',
  'Reboot running instances (RUNNING → REBOOTING → RUNNING)',
);
export const terminateInstances = lifecycleAction(
  'TerminateInstances',
  'Terminate running or stopped instances; secondary ENIs are detached and kept, the primary ENI goes',
);
