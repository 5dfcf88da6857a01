import { describeOne } from './eni.ts';
import { arr, bool, str, WRITE_S, type Provider } from './provider.ts';

// tencentcloud_eni_ipv4_address (one per ENI): assign and read at once, no wait; the delete
// releases every secondary address of the ENI in one call, then polls the task.

export async function create(tf: Provider, eniId: string, ips: string[]) {
  await tf.call(
    'vpc',
    'AssignPrivateIpAddresses',
    {
      NetworkInterfaceId: eniId,
      PrivateIpAddresses: ips.map((ip) => ({ PrivateIpAddress: ip, Primary: false, IsWanIpBlocked: false })),
    },
    { timeoutS: WRITE_S },
  );
  // No wait: read at once.
  return read(tf, eniId);
}

export async function read(tf: Provider, eniId: string) {
  const e = await describeOne(tf, eniId);
  if (!e) return null;
  const secondary = arr(e.PrivateIpAddressSet, 'PrivateIpAddressSet').filter(
    (i, n) => !bool(i.Primary, `PrivateIpAddressSet[${n}].Primary`),
  );
  return {
    private_ip_addresses: secondary.map((i, n) => ({
      private_ip_address: str(i.PrivateIpAddress, `[${n}].PrivateIpAddress`),
      primary: bool(i.Primary, `[${n}].Primary`),
      address_id: str(i.AddressId, `[${n}].AddressId`),
      description: str(i.Description, `[${n}].Description`),
      is_wan_ip_blocked: bool(i.IsWanIpBlocked, `[${n}].IsWanIpBlocked`),
      state: str(i.State, `[${n}].State`),
      qos_level: str(i.QosLevel, `[${n}].QosLevel`),
    })),
    secondary_private_ip_address_count: secondary.length,
    qos_level: secondary.length ? str(secondary[0].QosLevel, 'QosLevel') : '',
  };
}

/** Delete: every secondary address of the ENI in one call, then the task poll. */
export async function destroy(tf: Provider, eniId: string) {
  const e = await describeOne(tf, eniId);
  const secondary = arr(e.PrivateIpAddressSet, 'PrivateIpAddressSet').filter((i) => !i.Primary);
  const r = await tf.call(
    'vpc',
    'UnassignPrivateIpAddresses',
    {
      NetworkInterfaceId: eniId,
      PrivateIpAddresses: secondary.map((i) => ({ PrivateIpAddress: i.PrivateIpAddress })),
    },
    { timeoutS: WRITE_S },
  );
  if (r.RequestId) return tf.waitTask(r.RequestId);
  await tf.sleep(15);
  return undefined;
}
