import { TaskStatus } from '../domain/model.ts';
import type { Queryable } from './db.ts';

// The counts /metrics reads at scrape time (docs/observability.md): one GROUP BY each over the whole
// database, every account and region, so every replica reports the same numbers.

export async function enisByState(q: Queryable): Promise<Array<{ state: string; primary: boolean; count: number }>> {
  const rows = await q.all<{ state: string; is_primary: number; n: number | string }>(
    'SELECT state, is_primary, COUNT(*) AS n FROM enis GROUP BY state, is_primary',
  );
  return rows.map((r) => ({ state: r.state, primary: Number(r.is_primary) === 1, count: Number(r.n) }));
}

export async function instancesByStatus(q: Queryable): Promise<Array<{ status: number; count: number }>> {
  const rows = await q.all<{ status: number; n: number | string }>(
    'SELECT status, COUNT(*) AS n FROM instances GROUP BY status',
  );
  return rows.map((r) => ({ status: Number(r.status), count: Number(r.n) }));
}

export async function runningTasksByType(q: Queryable): Promise<Array<{ type: string; count: number }>> {
  const rows = await q.all<{ type: string; n: number | string }>(
    'SELECT type, COUNT(*) AS n FROM tasks WHERE status = ? GROUP BY type',
    [TaskStatus.RUNNING],
  );
  return rows.map((r) => ({ type: r.type, count: Number(r.n) }));
}

/** Each subnet's zone, CIDR and the private addresses it has handed out. */
export async function subnetIpUse(q: Queryable): Promise<Array<{ zoneId: number; cidr: string; used: number }>> {
  const rows = await q.all<{ zone_id: number; cidr: string; used: number | string }>(
    `SELECT s.zone_id, s.cidr, COUNT(p.ip_num) AS used
     FROM subnets s LEFT JOIN private_ips p ON p.subnet_id = s.id
     GROUP BY s.id, s.zone_id, s.cidr`,
  );
  return rows.map((r) => ({ zoneId: Number(r.zone_id), cidr: r.cidr, used: Number(r.used) }));
}

export async function countPrivateIps(q: Queryable): Promise<number> {
  const row = await q.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM private_ips');
  return Number(row?.n ?? 0);
}
