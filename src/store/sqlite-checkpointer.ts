import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// WAL checkpoints on a thread of their own. A checkpoint copies the pages the WAL has gathered back
// into the database file and syncs both: with SQLite's automatic checkpoint that happened inside
// some request's COMMIT every thousand pages, blocking the event loop for milliseconds (the p99 of
// every request) and costing most of the COMMITs' time. Here a second connection does it in the
// background (PASSIVE: it never waits for, nor blocks, the writer or the readers). The writer keeps a
// high automatic threshold only as a safety net, should this thread fall behind or die.

export const SAFETY_NET_PAGES = 10_000;
const EVERY_MS = 100;

// Plain JavaScript, so the thread needs no TypeScript loader.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.get(); } catch { /* busy or closing: the next round, or the safety net */ }
}, workerData.everyMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(THREAD, { eval: true, workerData: { module, file, everyMs: EVERY_MS } });
  // Never what keeps the process alive; a failure leaves the safety net in charge.
  thread.unref();
  thread.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  return {
    async stop() {
      thread.ref(); // closing waits for it
      thread.postMessage('stop');
      await exited;
    },
  };
}
