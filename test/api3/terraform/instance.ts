import { randomUUID } from 'node:crypto';
import { arr, obj, ProviderCrash, READ_S, str, WRITE_S, type Provider } from './provider.ts';

// The calls of tencentcloud_instance an ENI stack needs: RunInstances with one ClientToken for
// all its retries and the wait until RUNNING; the destroy, which waits until the instance is gone
// and then until its addresses are free.

/** Create: RunInstances with one ClientToken for all its retries, then wait until RUNNING. */
export async function create(
  tf: Provider,
  cfg: {
    zone: string;
    vpcId: string;
    subnetId: string;
    securityGroups?: string[];
    instanceType?: string;
    name?: string;
    tags?: Record<string, string>;
    clientToken?: string;
  },
) {
  const params: Record<string, unknown> = {
    ImageId: 'img-00000000',
    Placement: { Zone: cfg.zone },
    InstanceType: cfg.instanceType ?? 'S5.MEDIUM4',
    InstanceName: cfg.name ?? 'tf-instance',
    VirtualPrivateCloud: { VpcId: cfg.vpcId, SubnetId: cfg.subnetId },
    SystemDisk: { DiskType: 'CLOUD_PREMIUM', DiskSize: 50 },
    EnhancedService: {
      SecurityService: { Enabled: true },
      MonitorService: { Enabled: true },
      AutomationService: { Enabled: true },
    },
    DisableApiTermination: false,
    ClientToken: cfg.clientToken ?? randomUUID(),
  };
  if (cfg.securityGroups?.length) params.SecurityGroupIds = cfg.securityGroups;
  if (cfg.tags && Object.keys(cfg.tags).length) {
    params.TagSpecification = [
      { ResourceType: 'instance', Tags: Object.entries(cfg.tags).map(([Key, Value]) => ({ Key, Value })) },
    ];
  }
  const r = await tf.call('cvm', 'RunInstances', params, { timeoutS: WRITE_S });
  const id = str(arr(r.InstanceIdSet, 'InstanceIdSet')[0], 'InstanceIdSet[0]');
  await tf.poll(900, `instance ${id} is not running`, async () => {
    const d = await tf.api('cvm', 'DescribeInstances', { InstanceIds: [id] });
    const instance = arr(d.InstanceSet, 'InstanceSet')[0];
    if (!instance) throw new ProviderCrash(`DescribeInstances answered no ${id} right after RunInstances`);
    const state = str(instance.InstanceState, 'InstanceState');
    if (state === 'LAUNCH_FAILED') throw new Error(str(instance.LatestOperationErrorMsg, 'LatestOperationErrorMsg'));
    return state === 'RUNNING' ? true : undefined;
  });
  return { id, params };
}

/** The instance as the read and the delete look at it (retried while an operation runs). */
async function describeInstance(tf: Provider, id: string): Promise<any | undefined> {
  return tf
    .poll(READ_S, `instance ${id} is operating`, async () => {
      const r = await tf.call(
        'cvm',
        'DescribeInstances',
        { InstanceIds: [id] },
        { timeoutS: READ_S, also: ['InternalError'] },
      );
      const i = arr(r.InstanceSet, 'InstanceSet')[0];
      if (!i) return null;
      return str(i.LatestOperationState, 'LatestOperationState') === 'OPERATING' ? undefined : i;
    })
    .then((i) => i ?? undefined);
}

/** Delete: terminate, wait until gone, then until its addresses are free in the subnet. */
export async function destroy(tf: Provider, id: string) {
  const i = await describeInstance(tf, id);
  if (!i) return;
  const vpc = obj(i.VirtualPrivateCloud, 'VirtualPrivateCloud');
  const ips = arr(i.PrivateIpAddresses, 'PrivateIpAddresses');
  await tf.call('cvm', 'TerminateInstances', { InstanceIds: [id] }, { timeoutS: WRITE_S });
  await tf.poll(900, `instance ${id} not gone`, async () => {
    const r = await tf.api('cvm', 'DescribeInstances', { InstanceIds: [id] });
    const left = arr(r.InstanceSet, 'InstanceSet')[0];
    if (!left) return true;
    return left.InstanceState === 'SHUTDOWN' && left.LatestOperationState !== 'OPERATING' ? true : undefined;
  });
  await tf.poll(900, `addresses of ${id} still in use`, async () => {
    const r = await tf.api('vpc', 'DescribeUsedIpAddress', {
      VpcId: str(vpc.VpcId, 'VirtualPrivateCloud.VpcId'),
      SubnetId: str(vpc.SubnetId, 'VirtualPrivateCloud.SubnetId'),
      IpAddresses: ips,
    });
    return arr(r.IpAddressStates, 'IpAddressStates').length === 0 ? true : undefined;
  });
}
