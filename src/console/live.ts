import type { Logger } from '../log.ts';
import type { CallRecord, RecentCalls } from '../observe/recent-calls.ts';
import type { Queryable } from '../store/db.ts';
import { taskFingerprint } from './queries.ts';

// What makes an open console redraw without a reload. Two sources: the API calls this process
// answers (pushed the moment they are recorded), and the task table, which any replica's worker may
// change: one shared poll reads a small fingerprint of it and announces when it moved. Both run
// only while at least one console is watching.

export type LiveEvent = { kind: 'tasks' } | { kind: 'call'; call: CallRecord };

export class LiveFeed {
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private timer: NodeJS.Timeout | null = null;
  private stopCalls: (() => void) | null = null;
  private last: string | null = null;
  private polling = false;

  constructor(private readonly o: { db: Queryable; recentCalls: RecentCalls; pollMs: number; log: Logger }) {}

  /** Calls `listener` for every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private emit(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private start(): void {
    this.stopCalls = this.o.recentCalls.subscribe((call) => this.emit({ kind: 'call', call }));
    this.last = null;
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
    void this.poll();
  }

  private stop(): void {
    this.stopCalls?.();
    this.stopCalls = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = await taskFingerprint(this.o.db);
      if (this.last !== null && now !== this.last && this.listeners.size > 0) this.emit({ kind: 'tasks' });
      this.last = now;
    } catch (err) {
      // A database that is closing or briefly away: the next poll tries again.
      this.o.log.debug({ err }, 'console live poll failed');
    } finally {
      this.polling = false;
    }
  }
}
