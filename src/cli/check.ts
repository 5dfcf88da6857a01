import { loadConfig } from '../config.ts';
import { formatIp, isUsable, parseCidr } from '../domain/cidr.ts';
import { instanceLimits, MAX_IPS_UNATTACHED_ENI } from '../domain/limits.ts';
import type { Db } from '../store/db.ts';
import * as facts from '../store/invariants.repo.ts';
import { openExistingDb } from './database.ts';

// `vpc-eni check`: reads the database and reports every broken invariant — what no sequence of API
// calls, crashes or races may ever produce. The crash and model tests call `findViolations`.

export interface Violation {
  /** A stable name for the rule, e.g. `eni-limit`. */
  rule: string;
  /** The resource or task concerned. */
  subject: string;
  detail: string;
}

export interface CheckOptions {
  /** Current time (ms), to judge how long a task has been running. */
  now?: number;
  /** The service is idle and every task should have finished: any running task is a violation. */
  drained?: boolean;
  /** A task still running this long after it was due is reported as stuck (default 5 minutes). */
  stuckAfterMs?: number;
}

const INSTANCE_TASK_TYPES = new Set([
  'RunInstances',
  'StartInstances',
  'StopInstances',
  'RebootInstances',
  'TerminateInstances',
]);
const ENI_STATES = new Set(['PENDING', 'AVAILABLE', 'ATTACHING', 'DETACHING', 'DELETING']);

export async function findViolations(db: Db, o: CheckOptions = {}): Promise<Violation[]> {
  const now = o.now ?? Date.now();
  const stuckAfterMs = o.stuckAfterMs ?? 5 * 60_000;
  const out: Violation[] = [];
  const report = (rule: string, subject: string, detail: string) => out.push({ rule, subject, detail });

  await facts.snapshot(db, async (q) => {
    // Each ENI on at most one instance (one column holds it), and that instance exists, belongs to
    // the same account and region, and sits in the ENI's VPC.
    for (const r of await facts.enisOnMissingOrForeignInstances(q)) {
      const what = r.column === 'instance_id' ? 'attached to' : 'moving to';
      const why = !r.found ? 'which does not exist' : !r.sameOwner ? 'of another account' : 'in another VPC';
      report('eni-instance', r.eniId, `${what} instance ${r.instanceId}, ${why}`);
    }
    for (const r of await facts.enisOutsideTheirSubnet(q)) {
      report('eni-subnet', r.eniId, `its subnet ${r.subnetId} is missing or in another VPC`);
    }

    // Each VPC's ENI count, which listing totals and the per-VPC quota read instead of counting rows,
    // equals its ENIs; and each ENI lies in a VPC of its own account and region, which is what lets
    // the sum of an account's VPC counts stand for the account's ENIs.
    for (const r of await facts.eniCountMismatches(q)) {
      report('eni-count', r.vpcId, `its ENI count says ${r.stored}; it holds ${r.actual} ENIs`);
    }
    for (const r of await facts.enisOutsideTheirOwnersVpcs(q)) {
      report(
        'eni-vpc',
        r.eniId,
        `its VPC ${r.vpcId} ${r.found ? 'belongs to another account or region' : 'is missing'}`,
      );
    }

    // Each VPC instance has exactly one primary ENI: attached once created, pending while creating.
    // A failed launch (LAUNCH_FAILED, kept an hour for API 3.0) has given everything back: no ENI,
    // no VPC or subnet.
    for (const r of await facts.failedLaunchesHolding(q)) {
      report(
        'launch-failed',
        r.instanceId,
        `a failed launch still holding ${r.enis} ENIs, VPC ${r.vpcId ?? '-'}, subnet ${r.subnetId ?? '-'}`,
      );
    }
    for (const r of await facts.primaryEnisPerVpcInstance(q)) {
      const creating = r.status === 3;
      const ok = creating ? r.attached + r.pending === 1 : r.attached === 1 && r.pending === 0;
      if (!ok) {
        report(
          'primary-eni',
          r.instanceId,
          `status ${r.status} with ${r.attached} attached and ${r.pending} pending primary ENIs (want exactly one)`,
        );
      }
    }
    for (const r of await facts.orphanPrimaryEnis(q)) {
      report('primary-eni', r.eniId, 'a primary ENI that belongs to no instance');
    }

    // ENI counts within the instance's limit, attached and attaching together.
    for (const r of await facts.eniCountsPerInstance(q)) {
      const limit = instanceLimits(r.cpu, r.mem).enis;
      if (r.enis > limit) {
        report('eni-limit', r.instanceId, `holds ${r.enis} ENIs; ${r.cpu} cores, ${r.mem} GB allow ${limit}`);
      }
    }

    // Private IPs: unique per subnet, inside the subnet's usable range, held by an ENI of that subnet.
    for (const r of await facts.duplicateIps(q)) {
      report('ip-unique', `${r.subnetId}/${r.ip}`, `held ${r.holders} times`);
    }
    const busy = await facts.busyEnis(q);
    const eniHasRunningTask = new Set(busy.filter((b) => b.taskStatus === 2).map((b) => b.eniId));
    for (const r of await facts.allIps(q)) {
      const subject = `${r.subnetId}/${formatIp(r.ip)}`;
      const cidr = r.cidr === null ? null : parseCidr(r.cidr);
      if (!cidr) report('ip-range', subject, 'its subnet is missing');
      else if (!isUsable(cidr, r.ip)) report('ip-range', subject, `outside the usable range of ${r.cidr}`);
      if (r.eniSubnetId === null) report('ip-holder', subject, `held by ENI ${r.eniId}, which does not exist`);
      else if (r.eniSubnetId !== r.subnetId) {
        report('ip-holder', subject, `held by ENI ${r.eniId} of another subnet (${r.eniSubnetId})`);
      }
      if (r.state !== 'ASSIGNED' && (o.drained || !eniHasRunningTask.has(r.eniId))) {
        report('ip-busy', subject, `in state ${r.state} with no task of ENI ${r.eniId} running`);
      }
    }

    // Every ENI has exactly one primary IP, and no more IPs than it may hold.
    for (const r of await facts.ipCountsPerEni(q)) {
      if (r.primaries !== 1) report('primary-ip', r.eniId, `has ${r.primaries} primary IPs (want exactly one)`);
      const limit = r.cpu === null || r.mem === null ? MAX_IPS_UNATTACHED_ENI : instanceLimits(r.cpu, r.mem).ipsPerEni;
      if (r.total > limit) report('ip-limit', r.eniId, `holds ${r.total} private IPs; the limit is ${limit}`);
    }

    // Busy ENIs: a transitional state, a task mark or a target instance only while its task runs.
    for (const r of busy) {
      if (!ENI_STATES.has(r.state)) report('eni-busy', r.eniId, `unknown state ${r.state}`);
      if (r.taskId === null) {
        report('eni-busy', r.eniId, `state ${r.state}, target ${r.targetInstanceId ?? '-'} but no task`);
      } else if (r.taskStatus !== 2) {
        report(
          'eni-busy',
          r.eniId,
          `state ${r.state} held by task ${r.taskId}, which ${r.taskStatus === null ? 'does not exist' : `finished with status ${r.taskStatus}`}`,
        );
      }
    }

    // Tasks: a final status once finished; running only while due work remains.
    const tasks = await facts.unfinishedOrOddTasks(q);
    const instancesInFlight = new Set<string>();
    for (const t of tasks) {
      if (t.status !== 2) {
        report('task-final', `task ${t.id}`, `status ${t.status} with finished_at ${t.finishedAt ?? 'unset'}`);
        continue;
      }
      if (o.drained) report('task-final', `task ${t.id}`, `${t.type} still running once the service drained`);
      else if (now - t.dueAt > stuckAfterMs) {
        report(
          'task-stuck',
          `task ${t.id}`,
          `${t.type} still running ${Math.round((now - t.dueAt) / 1000)} s after due`,
        );
      }
      if (INSTANCE_TASK_TYPES.has(t.type)) {
        for (const id of instanceIdsOf(t.payload)) instancesInFlight.add(id);
      }
    }
    for (const r of await facts.transitionalInstances(q)) {
      if (!instancesInFlight.has(r.instanceId)) {
        report('instance-busy', r.instanceId, `in transitional status ${r.status} with no instance task running`);
      }
    }

    for (const r of await facts.danglingSecurityGroupBindings(q)) {
      report('sg-binding', r.eniId, `bound to security group ${r.sgId}; ${!r.eniFound ? 'ENI' : 'group'} is gone`);
    }
  });
  return out;
}

function instanceIdsOf(payload: string): string[] {
  try {
    const p = JSON.parse(payload) as { instanceIds?: unknown };
    return Array.isArray(p.instanceIds) ? p.instanceIds.map(String) : [];
  } catch {
    return [];
  }
}

/** Opens the database at `url` (which must exist and hold a vpc-eni schema), checks it, closes it. */
export async function checkDatabase(url: string, o: CheckOptions = {}): Promise<Violation[]> {
  const db = await openExistingDb(url);
  try {
    return await findViolations(db, o);
  } finally {
    await db.close();
  }
}

export async function checkCommand(o: CheckOptions & { json?: boolean }): Promise<number> {
  const violations = await checkDatabase(loadConfig().databaseUrl, o);
  if (o.json) process.stdout.write(JSON.stringify({ violations }, null, 2) + '\n');
  else if (violations.length === 0) process.stdout.write('no invariant violated\n');
  else {
    for (const v of violations) process.stdout.write(`${v.rule}\t${v.subject}\t${v.detail}\n`);
    process.stdout.write(`${violations.length} violation(s)\n`);
  }
  return violations.length === 0 ? 0 : 1;
}
