import type { RequestNote } from '../api/request-note.ts';

// The last API calls this process answered, newest last, for the console and `/_vpceni/requests`:
// a bounded ring in memory (a replica shows its own calls; the audit trail in the database is the
// record that outlives the process).

export interface CallRecord extends RequestNote {
  /** When the request arrived (ms since the epoch). */
  at: number;
  durationMs: number;
}

export class RecentCalls {
  private readonly ring: CallRecord[] = [];
  private next = 0;
  private readonly listeners = new Set<(call: CallRecord) => void>();

  constructor(readonly capacity = 500) {}

  add(call: CallRecord): void {
    if (this.ring.length < this.capacity) this.ring.push(call);
    else this.ring[this.next] = call;
    this.next = (this.next + 1) % this.capacity;
    for (const listener of this.listeners) listener(call);
  }

  /** Oldest first. */
  list(): CallRecord[] {
    return this.ring.length < this.capacity
      ? [...this.ring]
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Calls `listener` for every call added from now on; returns the unsubscribe. */
  subscribe(listener: (call: CallRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
