import { describeOne } from './eni.ts';
import { obj, ProviderCrash, READ_S, str, WRITE_S, type Provider } from './provider.ts';
import type { Answer3 } from '../../support/sdk3.ts';

// tencentcloud_eni_attachment, id `<eni>+<instance>`: attach or detach, the task poll with the
// call's RequestId (FAILED is no error), then the ENI poll until it shows the binding (6 min) or
// its absence.

export async function create(tf: Provider, eniId: string, instanceId: string): Promise<string> {
  const r = await tf.call(
    'vpc',
    'AttachNetworkInterface',
    { NetworkInterfaceId: eniId, InstanceId: instanceId },
    { timeoutS: WRITE_S },
  );
  await tf.waitTask(str(r.RequestId, 'RequestId'));
  await tf.poll(360, `eni attachment is not ready`, async () => {
    const e = await describeOne(tf, eniId);
    if (!e) throw new Error(`ENI ${eniId} is gone`);
    if (e.Attachment === null || e.Attachment === undefined) return undefined;
    const holder = str(obj(e.Attachment, 'Attachment').InstanceId, 'Attachment.InstanceId');
    if (holder !== instanceId) throw new Error(`ENI ${eniId} is attached to ${holder}, not ${instanceId}`);
    return str(e.State, 'State') === 'AVAILABLE' ? true : undefined;
  });
  return `${eniId}+${instanceId}`;
}

export async function read(tf: Provider, id: string): Promise<{ eni_id: string; instance_id: string } | null> {
  const m = /^(eni-[a-z0-9]+)\+(ins-[a-z0-9]+)$/.exec(id);
  if (!m) return null;
  const e = await describeOne(tf, m[1]!);
  if (!e || e.Attachment === null) return null;
  return { eni_id: m[1]!, instance_id: str(obj(e.Attachment, 'Attachment').InstanceId, 'Attachment.InstanceId') };
}

/** Delete: detach with the instance of the resource id (UnsupportedOperation.InvalidState retried). */
export async function destroy(tf: Provider, id: string) {
  const [eniId, instanceId] = id.split('+') as [string, string];
  let notFound = false;
  const r = await tf.call(
    'vpc',
    'DetachNetworkInterface',
    { NetworkInterfaceId: eniId, InstanceId: instanceId },
    {
      timeoutS: WRITE_S,
      also: ['UnsupportedOperation.InvalidState'],
      onError: (e) => {
        if (e.code !== 'ResourceNotFound') return undefined;
        notFound = true;
        return {} as Answer3;
      },
    },
  );
  // "Success", then the RequestId of an empty response is dereferenced.
  if (notFound)
    throw new ProviderCrash('DetachNetworkInterface answered ResourceNotFound: the provider reads a nil RequestId');
  await tf.waitTask(str(r.RequestId, 'RequestId'));
  await tf.poll(READ_S, `ENI ${eniId} not detached yet`, async () => {
    const e = await describeOne(tf, eniId);
    if (!e || e.Attachment === null) return true;
    const holder = obj(e.Attachment, 'Attachment').InstanceId;
    return (holder === '' || holder === undefined) && e.State === 'AVAILABLE' ? true : undefined;
  });
}
