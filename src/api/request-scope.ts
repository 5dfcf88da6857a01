import { DomainError } from '../domain/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { recordRequest, recordRequestAlone, type AuditEvent, type SignatureClaim } from '../store/audit.repo.ts';
import { resourceIdsIn } from '../domain/ids.ts';
import type { RequestNote } from './request-note.ts';

// The database as one admitted request sees it (docs/audit.md). What the request owes the database
// besides its change — a v2 signature claim (replay protection), the audit event of a write — rides
// at the end of the first write transaction the request commits: the event then commits with the
// change it records or not at all, and a signed write is still one transaction. `settle()`, called
// by the door once it knows its answer, writes what is still owed (a refusal's event, the claim of
// a read) on its own, before the answer goes out, so a replay answers 4500 whatever the action
// said and a refused write is still an event.

/** An action whose name starts with one of these verbs only reads; every other action is a write,
 *  and audited. test/audit/rule.test.ts holds every registered action to one of the two lists. */
export const READ_VERBS = ['Describe', 'Inquiry', 'Get', 'List', 'Query'] as const;
export const WRITE_VERBS = [
  'Create',
  'Delete',
  'Modify',
  'Attach',
  'Detach',
  'Migrate',
  'Assign',
  'Unassign',
  'Associate',
  'Disassociate',
  'Run',
  'Start',
  'Stop',
  'Reboot',
  'Terminate',
] as const;

/** The leading capitalised word of an action name: `Describe` of `DescribeVpcEx`. */
export const verbOf = (action: string): string => /^[A-Z][a-z]*/.exec(action)?.[0] ?? '';

/** Whether `action` is audited. A verb on neither list counts as a write: better one event too many. */
export const isWriteAction = (action: string): boolean => !(READ_VERBS as readonly string[]).includes(verbOf(action));

/** An event with what the door knew at admission; its outcome and created resources come later. */
export type EventDraft = Omit<AuditEvent, 'errorCode' | 'resources'> & {
  /** The request's parameters, as the door decoded them: the ids they name are the event's. */
  named: unknown;
};

/** The draft of an admitted write, from what its door noted (the door may still refine `region`). */
export function eventDraft(note: RequestNote, o: { eventId: string; eventTime: number; named: unknown }): EventDraft {
  return {
    eventId: o.eventId,
    eventTime: o.eventTime,
    eventName: note.action ?? '',
    apiVersion: note.apiVersion,
    product: note.product ?? 'vpc',
    region: note.region ?? '',
    requestId: note.requestId ?? '',
    appId: note.appId ?? 0,
    secretId: note.secretId ?? '',
    sourceIp: note.sourceIp,
    actionType: 'Write',
    named: o.named,
  };
}

/** Bounds the rows one event adds; no request of ours names nearly as many. */
const MAX_RESOURCES = 200;

/**
 * The event's resources: the ids its parameters name, and those in what the recording transaction
 * returned — the domain returns what it created (a new ENI, the instances of a launch), so the
 * event learns them without the domain knowing about audit.
 */
function finish(draft: EventDraft, errorCode: string, returned: unknown): AuditEvent {
  const { named, ...event } = draft;
  return { ...event, errorCode, resources: [...resourceIdsIn([named, returned])].slice(0, MAX_RESOURCES) };
}

export interface RequestScope {
  /** The database as the request's action sees it. */
  readonly db: Db;
  /** From now on the request owes this event (null: it owes none, e.g. a replayed ClientToken). */
  audit(draft: EventDraft | null): void;
  /**
   * Writes what is still owed, unless a committed transaction already did: the claim, and the event
   * with `outcome` as its ErrorCode (null: no event of its own, e.g. no answer went out). Throws the
   * replay refusal on a replay.
   */
  settle(outcome: string | null): Promise<void>;
}

/** 4500 on v2, AuthFailure.SignatureExpire on 3.0 (v1 signatures). */
export function replayRefusal(): DomainError {
  return new DomainError(
    'expired',
    'this request was already accepted once (same signature); send a fresh Nonce and Timestamp',
  );
}

export function requestScope(db: Db, claim: SignatureClaim | null = null): RequestScope {
  let claimOwed = claim !== null;
  let draft: EventDraft | null = null;
  let replayed = false;
  // Settles once the transaction carrying what is owed has committed (paid) or failed (still
  // owed); another transaction of the same request waits for that before deciding what it carries.
  let carrier: Promise<void> = Promise.resolve();
  const owes = () => claimOwed || draft !== null;
  const paid = () => {
    claimOwed = false;
    draft = null;
  };

  /** Waits until no transaction of this request is carrying what it owes. */
  async function quiet(): Promise<void> {
    for (let seen: Promise<void> | null = null; seen !== carrier;) await (seen = carrier);
  }

  async function tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    await quiet();
    if (replayed) throw replayRefusal();
    if (!owes()) return db.tx(fn);
    const owedClaim = claimOwed ? claim : null;
    const owedEvent = draft;
    const run = db.tx(async (q) => {
      const value = await fn(q);
      // Last in the transaction: the event learns what it created, and on PostgreSQL the claim and
      // the event are one statement. A replay is then refused at the end instead of first (the
      // change is rolled back with it); the claim lost to a committed one, so that is final.
      const event = owedEvent && finish(owedEvent, 'Success', value);
      if (!(await recordRequest(q, owedClaim, event))) {
        replayed = true;
        throw replayRefusal();
      }
      return value;
    });
    carrier = run.then(paid, () => undefined);
    return run;
  }

  return {
    db: {
      dialect: db.dialect,
      caps: db.caps,
      all: (sql, params) => db.all(sql, params),
      get: (sql, params) => db.get(sql, params),
      run: (sql, params) => (owes() ? tx((q) => q.run(sql, params)) : db.run(sql, params)),
      write: (sql, params) => (owes() ? tx((q) => q.all(sql, params)) : db.write(sql, params)),
      tx,
      lockForMigration: (q) => db.lockForMigration(q),
      listen: db.listen && ((channel, onNotify) => db.listen!(channel, onNotify)),
      notify: db.notify && ((channel) => db.notify!(channel)),
      close: () => db.close(),
    },
    audit(d) {
      draft = d;
    },
    async settle(outcome) {
      await quiet();
      if (replayed) throw replayRefusal();
      const event = outcome !== null && draft ? finish(draft, outcome, undefined) : null;
      const owedClaim = claimOwed ? claim : null;
      if (!owedClaim && !event) return;
      if (!(await recordRequestAlone(db, owedClaim, event))) {
        replayed = true;
        throw replayRefusal();
      }
      paid();
    },
  };
}
