import type { IpState, PrivateIp } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { Where } from './sql.ts';

// Private IPs are rows keyed by (subnet, address): the primary key itself makes an address unique
// in its subnet, whatever races the layers above may lose.

interface IpRow {
  subnet_id: string;
  ip_num: number;
  eni_id: string;
  is_primary: number;
  state: IpState;
  description: string;
}

const COLUMNS = 'subnet_id, ip_num, eni_id, is_primary, state, description';
const toIp = (r: IpRow): PrivateIp => ({
  subnetId: r.subnet_id,
  ip: r.ip_num,
  eniId: r.eni_id,
  primary: r.is_primary === 1,
  state: r.state,
  description: r.description,
});

export async function insertIp(q: Queryable, ip: PrivateIp): Promise<void> {
  await q.run(`INSERT INTO private_ips (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
    ip.subnetId,
    ip.ip,
    ip.eniId,
    ip.primary ? 1 : 0,
    ip.state,
    ip.description,
  ]);
}

/** The row of an address in a subnet; `lock` takes its row lock (the caller is about to change it). */
export async function findIp(q: Queryable, subnetId: string, ip: number, lock = false): Promise<PrivateIp | undefined> {
  const row = await q.get<IpRow>(
    `SELECT ${COLUMNS} FROM private_ips WHERE subnet_id = ? AND ip_num = ?${lock ? q.caps.forUpdate : ''}`,
    [subnetId, ip],
  );
  return row && toIp(row);
}

export async function ipsOfEni(q: Queryable, eniId: string): Promise<PrivateIp[]> {
  const rows = await q.all<IpRow>(
    `SELECT ${COLUMNS} FROM private_ips WHERE eni_id = ? ORDER BY is_primary DESC, ip_num`,
    [eniId],
  );
  return rows.map(toIp);
}

/** Committed IPs of many ENIs at once, for Describe pages. */
export async function ipsOfEnis(q: Queryable, eniIds: readonly string[]): Promise<PrivateIp[]> {
  if (eniIds.length === 0) return [];
  const rows = await q.all<IpRow>(
    `SELECT ${COLUMNS} FROM private_ips WHERE eni_id IN (${eniIds.map(() => '?').join(', ')})
     ORDER BY eni_id, is_primary DESC, ip_num`,
    eniIds,
  );
  return rows.map(toIp);
}

/**
 * The lowest address in [from, last] that no row of the subnet holds, or null when there is none.
 * Walks the gaps through the primary-key index, so it stays cheap in a large subnet.
 */
export async function lowestFreeIp(q: Queryable, subnetId: string, from: number, last: number): Promise<number | null> {
  if (from > last) return null;
  const taken = await q.get('SELECT 1 AS x FROM private_ips WHERE subnet_id = ? AND ip_num = ?', [subnetId, from]);
  if (!taken) return from;
  const row = await q.get<{ ip: number }>(
    `SELECT p.ip_num + 1 AS ip FROM private_ips p
     WHERE p.subnet_id = ? AND p.ip_num >= ? AND p.ip_num < ?
       AND NOT EXISTS (SELECT 1 FROM private_ips n WHERE n.subnet_id = p.subnet_id AND n.ip_num = p.ip_num + 1)
     ORDER BY p.ip_num LIMIT 1`,
    [subnetId, from, last],
  );
  return row ? row.ip : null;
}

export async function setIpState(q: Queryable, subnetId: string, ip: number, state: IpState): Promise<void> {
  await q.run('UPDATE private_ips SET state = ? WHERE subnet_id = ? AND ip_num = ?', [state, subnetId, ip]);
}

export async function setIpDescription(q: Queryable, subnetId: string, ip: number, description: string): Promise<void> {
  await q.run('UPDATE private_ips SET description = ? WHERE subnet_id = ? AND ip_num = ?', [description, subnetId, ip]);
}

export async function moveIp(q: Queryable, subnetId: string, ip: number, eniId: string): Promise<void> {
  await q.run("UPDATE private_ips SET eni_id = ?, state = 'ASSIGNED' WHERE subnet_id = ? AND ip_num = ?", [
    eniId,
    subnetId,
    ip,
  ]);
}

export async function deleteIp(q: Queryable, subnetId: string, ip: number): Promise<void> {
  await q.run('DELETE FROM private_ips WHERE subnet_id = ? AND ip_num = ?', [subnetId, ip]);
}

export async function countIpsOfEni(q: Queryable, eniId: string): Promise<number> {
  const row = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM private_ips WHERE eni_id = ?', [eniId]);
  return row?.n ?? 0;
}

/** Each list is OR-ed within, the lists AND-ed; an empty list matches nothing. */
export interface UsedIpFilter {
  vpcId: string;
  subnetId?: string;
  ips?: readonly number[];
  eniIds?: readonly string[];
}

/** One page of the addresses held in a VPC (or one of its subnets), by subnet, then address. */
export async function usedIps(
  q: Queryable,
  filter: UsedIpFilter,
  page: { offset: number; limit: number },
): Promise<{ total: number; items: PrivateIp[] }> {
  const where = new Where().add('subnet_id IN (SELECT id FROM subnets WHERE vpc_id = ?)', filter.vpcId);
  if (filter.subnetId !== undefined) where.add('subnet_id = ?', filter.subnetId);
  if (filter.ips) where.anyOf('ip_num', filter.ips);
  if (filter.eniIds) where.anyOf('eni_id', filter.eniIds);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM private_ips${where.sql}`, where.params);
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) throw new Error(`bad page limit ${page.limit}`);
  const rows = await q.all<IpRow>(
    `SELECT ${COLUMNS} FROM private_ips${where.sql} ORDER BY subnet_id, ip_num LIMIT ${page.limit} OFFSET ?`,
    [...where.params, page.offset],
  );
  return { total: total?.n ?? 0, items: rows.map(toIp) };
}
