import { ApiError, arr, bool, obj, READ_S, str, tagMap, WRITE_S, type Provider } from './provider.ts';

// tencentcloud_eni: addresses at most ten per call (a count, or explicit ipv4s with the primary in
// the first call), every change followed by the wait until the ENI and each address are
// AVAILABLE; never the task poll. Read by id; empty or ResourceNotFound means gone.

export interface Ipv4 {
  ip: string;
  primary: boolean;
  description: string;
}

export interface EniState {
  id: string;
  name: string;
  vpc_id: string;
  subnet_id: string;
  description: string;
  mac: string;
  state: string;
  primary: boolean;
  create_time: string;
  security_groups: string[];
  ipv4_info: Ipv4[];
  cdc_id: string;
  tags: Record<string, string>;
  /** Only on import, when neither ipv4s nor ipv4_count is in the state. */
  ipv4_count?: number;
}

/** One DescribeNetworkInterfaces by id (the ENI, or undefined when the set is empty). */
async function describeEni(tf: Provider, id: string): Promise<any | undefined> {
  const r = await tf.api('vpc', 'DescribeNetworkInterfaces', { NetworkInterfaceIds: [id] });
  return arr(r.NetworkInterfaceSet, 'NetworkInterfaceSet')[0];
}

export async function describeOne(tf: Provider, id: string): Promise<any | undefined> {
  try {
    return await describeEni(tf, id);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ResourceNotFound') return undefined;
    throw err;
  }
}

/** The step-2 wait: listed, AVAILABLE, every address AVAILABLE, every wanted address there. */
function waitEniReady(tf: Provider, id: string, wanted: readonly string[] = []) {
  return tf.poll(READ_S, `ENI ${id} is not ready`, async () => {
    const e = await describeEni(tf, id);
    if (!e) return undefined;
    str(e.NetworkInterfaceId, 'NetworkInterfaceId');
    if (str(e.State, 'State') !== 'AVAILABLE') return undefined;
    const ips = arr(e.PrivateIpAddressSet, 'PrivateIpAddressSet');
    const have = ips.map((i, n) => str(i.PrivateIpAddress, `PrivateIpAddressSet[${n}].PrivateIpAddress`));
    if (ips.some((i, n) => str(i.State, `PrivateIpAddressSet[${n}].State`) !== 'AVAILABLE')) return undefined;
    if (wanted.some((w) => !have.includes(w))) return undefined;
    return e;
  });
}

/** Addresses given as ipv4s go 10 per call, the primary in the first call. */
function chunks(ipv4s: readonly Ipv4[]): Ipv4[][] {
  const ordered = [...ipv4s.filter((i) => i.primary), ...ipv4s.filter((i) => !i.primary)];
  const out: Ipv4[][] = [];
  for (let i = 0; i < ordered.length; i += 10) out.push(ordered.slice(i, i + 10));
  return out;
}

function spec(i: Ipv4) {
  return { PrivateIpAddress: i.ip, Primary: i.primary, Description: i.description };
}

/** AssignPrivateIpAddresses by count (≤ 10 per call) or by address chunks, each followed by the wait. */
async function assign(tf: Provider, id: string, what: { count: number } | { ipv4s: Ipv4[] }) {
  const steps: Array<Record<string, unknown>> = [];
  if ('count' in what) {
    for (let left = what.count; left > 0; left -= 10)
      steps.push({ SecondaryPrivateIpAddressCount: Math.min(left, 10) });
  } else {
    for (const chunk of chunks(what.ipv4s)) steps.push({ PrivateIpAddresses: chunk.map(spec) });
  }
  for (const step of steps) {
    const r = await tf.call(
      'vpc',
      'AssignPrivateIpAddresses',
      { NetworkInterfaceId: id, ...step },
      { timeoutS: WRITE_S },
    );
    const got = arr(r.PrivateIpAddressSet, 'PrivateIpAddressSet').map((i, n) =>
      str(i.PrivateIpAddress, `PrivateIpAddressSet[${n}].PrivateIpAddress`),
    );
    const asked = step.PrivateIpAddresses as Array<{ PrivateIpAddress: string }> | undefined;
    if (
      asked ? asked.some((a) => !got.includes(a.PrivateIpAddress)) : got.length !== step.SecondaryPrivateIpAddressCount
    ) {
      throw new Error(`AssignPrivateIpAddresses answered ${JSON.stringify(got)} for ${JSON.stringify(step)}`);
    }
    await waitEniReady(tf, id, got);
  }
}

/** UnassignPrivateIpAddresses, 10 per call, each waited for until the addresses are gone. */
async function unassign(tf: Provider, id: string, ips: readonly string[]) {
  for (let i = 0; i < ips.length; i += 10) {
    const chunk = ips.slice(i, i + 10);
    await tf.call(
      'vpc',
      'UnassignPrivateIpAddresses',
      { NetworkInterfaceId: id, PrivateIpAddresses: chunk.map((ip) => ({ PrivateIpAddress: ip })) },
      { timeoutS: WRITE_S },
    );
    await tf.poll(READ_S, `addresses of ${id} not released yet`, async () => {
      const e = await waitEniReady(tf, id);
      const have = arr(e.PrivateIpAddressSet, 'PrivateIpAddressSet').map((x) => x.PrivateIpAddress);
      return chunk.some((c) => have.includes(c)) ? undefined : true;
    });
  }
}

export async function create(
  tf: Provider,
  cfg: {
    vpcId: string;
    subnetId: string;
    name: string;
    description?: string;
    securityGroups?: string[];
    tags?: Record<string, string>;
    ipv4Count?: number;
    ipv4s?: Ipv4[];
  },
): Promise<string> {
  const params: Record<string, unknown> = {
    VpcId: cfg.vpcId,
    SubnetId: cfg.subnetId,
    NetworkInterfaceName: cfg.name,
    NetworkInterfaceDescription: cfg.description ?? '',
  };
  if (cfg.securityGroups?.length) params.SecurityGroupIds = cfg.securityGroups;
  if (cfg.tags && Object.keys(cfg.tags).length) {
    params.Tags = Object.entries(cfg.tags).map(([Key, Value]) => ({ Key, Value }));
  }
  const parts = cfg.ipv4s ? chunks(cfg.ipv4s) : [];
  const count = cfg.ipv4Count ?? 1;
  if (cfg.ipv4s) params.PrivateIpAddresses = parts[0]!.map(spec);
  else params.SecondaryPrivateIpAddressCount = Math.min(count, 10) - 1;
  const r = await tf.call('vpc', 'CreateNetworkInterface', params, { timeoutS: WRITE_S });
  const e = obj(r.NetworkInterface, 'NetworkInterface');
  const id = str(e.NetworkInterfaceId, 'NetworkInterface.NetworkInterfaceId');
  const got = arr(e.PrivateIpAddressSet, 'NetworkInterface.PrivateIpAddressSet').map((i, n) =>
    str(i.PrivateIpAddress, `NetworkInterface.PrivateIpAddressSet[${n}].PrivateIpAddress`),
  );
  if (cfg.ipv4s ? parts[0]!.some((i) => !got.includes(i.ip)) : got.length !== Math.min(count, 10)) {
    throw new Error(`CreateNetworkInterface answered addresses ${JSON.stringify(got)}`);
  }
  await waitEniReady(tf, id, got);
  if (cfg.ipv4s) {
    if (parts.length > 1) await assign(tf, id, { ipv4s: parts.slice(1).flat() });
  } else if (count > 10) {
    await assign(tf, id, { count: count - 10 });
  }
  if (cfg.tags && Object.keys(cfg.tags).length) await tf.modifyTags('vpc', 'eni', id, cfg.tags);
  return id;
}

/** Read: by id, Offset 0 / Limit 100 (paging while a page is full); empty or ResourceNotFound → gone. */
export async function read(tf: Provider, id: string, o: { importing?: boolean } = {}): Promise<EniState | null> {
  const found: any[] = [];
  try {
    for (let offset = 0; ; offset += 100) {
      const r = await tf.call(
        'vpc',
        'DescribeNetworkInterfaces',
        { NetworkInterfaceIds: [id], Offset: offset, Limit: 100 },
        { timeoutS: READ_S },
      );
      const page = arr(r.NetworkInterfaceSet, 'NetworkInterfaceSet');
      found.push(...page);
      if (page.length < 100) break;
    }
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ResourceNotFound') return null;
    throw err;
  }
  if (found.length === 0) return null;
  const e = found[0];
  const ips = arr(e.PrivateIpAddressSet, 'PrivateIpAddressSet');
  const state: EniState = {
    id: str(e.NetworkInterfaceId, 'NetworkInterfaceId'),
    name: str(e.NetworkInterfaceName, 'NetworkInterfaceName'),
    vpc_id: str(e.VpcId, 'VpcId'),
    subnet_id: str(e.SubnetId, 'SubnetId'),
    description: str(e.NetworkInterfaceDescription, 'NetworkInterfaceDescription'),
    mac: str(e.MacAddress, 'MacAddress'),
    state: str(e.State, 'State'),
    primary: bool(e.Primary, 'Primary'),
    create_time: str(e.CreatedTime, 'CreatedTime'),
    security_groups: arr(e.GroupSet, 'GroupSet').map((g, i) => str(g, `GroupSet[${i}]`)),
    ipv4_info: ips.map((i, n) => ({
      ip: str(i.PrivateIpAddress, `PrivateIpAddressSet[${n}].PrivateIpAddress`),
      primary: bool(i.Primary, `PrivateIpAddressSet[${n}].Primary`),
      description: str(i.Description, `PrivateIpAddressSet[${n}].Description`),
    })),
    cdc_id: str(e.CdcId, 'CdcId'),
    tags: tagMap(e.TagSet, 'TagSet'),
  };
  if (o.importing) state.ipv4_count = ips.length;
  return state;
}

/** Update, in the provider's order: attributes, addresses, tags; each change waited for. */
export async function update(
  tf: Provider,
  id: string,
  before: EniState,
  change: {
    name?: string;
    description?: string;
    securityGroups?: string[];
    ipv4Count?: number;
    addIpv4s?: Ipv4[];
    removeIpv4s?: string[];
    primaryDescription?: string;
    tags?: Record<string, string>;
  },
) {
  if (change.name !== undefined || change.description !== undefined || change.securityGroups !== undefined) {
    const params: Record<string, unknown> = { NetworkInterfaceId: id };
    if (change.name !== undefined) params.NetworkInterfaceName = change.name;
    if (change.description !== undefined) params.NetworkInterfaceDescription = change.description;
    // An empty list is left out (quirk: removing every group changes nothing).
    if (change.securityGroups?.length) params.SecurityGroupIds = change.securityGroups;
    await tf.call('vpc', 'ModifyNetworkInterfaceAttribute', params, { timeoutS: WRITE_S });
    await waitEniReady(tf, id);
  }
  if (change.primaryDescription !== undefined) {
    const primary = before.ipv4_info.find((i) => i.primary)!;
    await tf.call(
      'vpc',
      'ModifyPrivateIpAddressesAttribute',
      {
        NetworkInterfaceId: id,
        PrivateIpAddresses: [{ PrivateIpAddress: primary.ip, Description: change.primaryDescription }],
      },
      { timeoutS: WRITE_S },
    );
    await waitEniReady(tf, id);
  }
  if (change.removeIpv4s?.length) await unassign(tf, id, change.removeIpv4s);
  if (change.addIpv4s?.length) await assign(tf, id, { ipv4s: change.addIpv4s });
  if (change.ipv4Count !== undefined) {
    const now = before.ipv4_info.length;
    if (change.ipv4Count > now) await assign(tf, id, { count: change.ipv4Count - now });
    if (change.ipv4Count < now) {
      const drop = before.ipv4_info.filter((i) => !i.primary).slice(0, now - change.ipv4Count);
      await unassign(
        tf,
        id,
        drop.map((i) => i.ip),
      );
    }
  }
  if (change.tags) {
    const remove = Object.keys(before.tags).filter((k) => !(k in change.tags!));
    const replace = Object.fromEntries(Object.entries(change.tags).filter(([k, v]) => before.tags[k] !== v));
    if (Object.keys(replace).length || remove.length) await tf.modifyTags('vpc', 'eni', id, replace, remove);
  }
}

/** Delete (default codes retried: ResourceInUse yes, ResourceNotFound no), then wait until gone. */
export async function destroy(tf: Provider, id: string) {
  await tf.call('vpc', 'DeleteNetworkInterface', { NetworkInterfaceId: id }, { timeoutS: WRITE_S });
  await tf.poll(READ_S, `ENI ${id} still exists`, async () => {
    try {
      return (await describeEni(tf, id)) === undefined ? true : undefined;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ResourceNotFound') return true;
      throw err;
    }
  });
}
