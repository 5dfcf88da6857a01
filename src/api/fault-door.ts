import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultContext, Firing } from '../control/faults.ts';
import type { RequestNote } from './request-note.ts';

// Where a fault rule meets a front door (docs/test-control.md, "Faults"): each door asks before the
// action runs (phase `request`) and after its change is committed (phase `commit`), and renders an
// injected error in its own protocol. Transport effects leave the door as a TransportFault, which
// the HTTP layer turns into a dropped connection or a non-200 answer.

export interface DoorFaults {
  fire(c: FaultContext): Promise<Firing | null>;
}

export class TransportFault extends Error {
  constructor(
    readonly ruleId: string,
    readonly effect: { drop: true } | { status: number; body?: string },
  ) {
    super(`fault rule ${ruleId}`);
  }
}

/** The error an injected rule answers with, for the door to render. */
export interface InjectedError {
  code: string;
  message: string;
}

/**
 * Fires the phase's rule for this request, if any: waits its latency, then drops the connection or
 * answers HTTP (by throwing TransportFault), or returns the error to answer; null lets the request
 * go on.
 */
export async function faultAtDoor(
  faults: DoorFaults | undefined,
  c: FaultContext,
  note: RequestNote | undefined,
): Promise<InjectedError | null> {
  const firing = await faults?.fire(c);
  if (!firing) return null;
  const r = firing.rule;
  if (note) note.faultRule = r.id;
  if (firing.delayMs > 0) await sleep(firing.delayMs);
  if (r.drop) throw new TransportFault(r.id, { drop: true });
  if (r.http) throw new TransportFault(r.id, { status: r.http.status, body: r.http.body });
  if (r.error) return { code: r.error.code, message: r.error.message ?? `injected by fault rule ${r.id}` };
  return null;
}
