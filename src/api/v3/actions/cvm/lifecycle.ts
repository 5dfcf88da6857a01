import { fail } from '../../../../domain/errors.ts';
import { changeInstances } from '../../../../domain/instance.service.ts';
import { defineAction, type ActionDef } from '../../action.ts';
import { bool, oneOf, type Schema } from '../../schema.ts';
import { instanceIds } from './cvm.params.ts';

type Lifecycle = 'StartInstances' | 'StopInstances' | 'RebootInstances' | 'TerminateInstances';

const STOP_TYPE = () => oneOf(['SOFT', 'HARD', 'SOFT_FIRST']);

/** Each action's own parameters beside InstanceIds; the deprecated force flag pairs with StopType. */
const PARAMS = {
  StartInstances: {},
  StopInstances: {
    ForceStop: bool(),
    StopType: STOP_TYPE(),
    StoppedMode: oneOf(['KEEP_CHARGING', 'STOP_CHARGING']).default('KEEP_CHARGING'),
  },
  RebootInstances: { ForceReboot: bool(), StopType: STOP_TYPE() },
  // Accepted and ignored: no public addresses, no prepaid disks here.
  TerminateInstances: { ReleaseAddress: bool(), ReleasePrepaidDataDisks: bool() },
} satisfies Record<Lifecycle, Schema>;

const STATE_CODES = {
  StartInstances: ['Pending', 'Starting', 'Stopping', 'Rebooting', 'Terminating', 'Running', 'LaunchFailed'],
  StopInstances: ['Pending', 'Starting', 'Stopping', 'Rebooting', 'Terminating', 'Stopped', 'LaunchFailed'],
  RebootInstances: ['Pending', 'Starting', 'Stopping', 'Rebooting', 'Terminating', 'Stopped', 'LaunchFailed'],
  TerminateInstances: ['Pending', 'Starting', 'Stopping', 'Rebooting', 'Terminating', 'LaunchFailed'],
} satisfies Record<Lifecycle, string[]>;

/** Start, Stop, Reboot and Terminate share one shape: InstanceIds (1–100), one task for the batch. */
function lifecycleAction(name: Lifecycle, summary: string): ActionDef {
  const forceFlag = name === 'StopInstances' ? 'ForceStop' : name === 'RebootInstances' ? 'ForceReboot' : undefined;
  const params = { InstanceIds: instanceIds(), ...PARAMS[name] };
  return defineAction({
    product: 'cvm',
    name,
    summary,
    async: true,
    params,
    fields: { 'instanceIds.*': 'InstanceIds.*' },
    codes: [
      'InvalidInstanceId.Malformed',
      'InvalidInstanceId.NotFound',
      'InvalidParameterValue.LimitExceeded',
      'OperationDenied.InstanceOperationInProgress',
      ...STATE_CODES[name].map((s) => `UnsupportedOperation.InstanceState${s}`),
      ...(forceFlag ? ['InvalidParameterCombination'] : []),
      ...(name === 'TerminateInstances' ? ['UnsupportedOperation.InstancesProtected'] : []),
    ],
    async handle({ deps, caller }, p: Record<string, unknown> & { InstanceIds: string[] }) {
      if (forceFlag && p[forceFlag] !== undefined && p.StopType !== undefined) {
        fail(
          'invalidParameter',
          `parameters ${forceFlag} and StopType cannot be combined (${forceFlag} is deprecated)`,
          {
            reason: 'combination',
          },
        );
      }
      // Repeated ids count once: the batch is a set. A failed launch is visible here, and refused
      // by its state (UnsupportedOperation.InstanceStateLaunchFailed).
      await changeInstances(deps, caller, name, [...new Set(p.InstanceIds)], {
        withFailedLaunches: true,
        stoppedMode: p.StoppedMode as string | undefined,
      });
      return {};
    },
  }) as unknown as ActionDef;
}

export const startInstances = lifecycleAction(
  'StartInstances',
  'Start stopped instances (STOPPED → STARTING → RUNNING)',
);
export const stopInstances = lifecycleAction(
  'StopInstances',
  'Stop running instances (RUNNING → STOPPING → STOPPED); StoppedMode is echoed as StopChargingMode',
);
export const rebootInstances = lifecycleAction(
  'RebootInstances',
  'Reboot running instances (RUNNING → REBOOTING → RUNNING)',
);
export const terminateInstances = lifecycleAction(
  'TerminateInstances',
  'Terminate running or stopped instances; secondary ENIs are detached and kept, the primary ENI goes with its addresses',
);
