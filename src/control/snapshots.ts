import { openDb, type Db } from '../store/db.ts';
import { migrate, SCHEMA_VERSION } from '../store/migrate.ts';
import {
  checkTablesKnown,
  countState,
  deleteSnapshot,
  dumpState,
  leasedTasks,
  listSnapshots,
  restoreState,
  saveSnapshot,
  snapshotBody,
  type SnapshotRow,
  type StateDump,
} from '../store/state.repo.ts';
import { ControlError } from './control-error.ts';

// Snapshots (docs/test-control.md, "Snapshots"): the whole state as one JSON file, kept under a name
// in the database, exported, imported, restored. A checkpoint is a snapshot on a stack: push before a
// test, pop to put everything back. A file from an older schema is carried forward through the
// migrations on a scratch database; one from a newer schema is refused.

export const SNAPSHOT_FORMAT = 'vpc-eni-snapshot';

export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT;
  schemaVersion: number;
  build: string;
  createdAt: string;
  counts: Record<string, number>;
  state: StateDump;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const CHECKPOINT = 'checkpoint-';

export class Snapshots {
  constructor(
    private readonly o: {
      db: Db;
      now: () => number;
      build: string;
      /** After a restore: running tasks in the restored state may be due. */
      restored: () => void;
    },
  ) {}

  /** The state now, as a file. */
  async capture(): Promise<SnapshotFile> {
    const { db } = this.o;
    return db.tx(async (tx) => {
      await checkTablesKnown(tx, db.caps.listTablesSql);
      const state = await dumpState(tx);
      const counts = Object.fromEntries(Object.entries(state.tables).map(([t, d]) => [t, d.rows.length]));
      return {
        format: SNAPSHOT_FORMAT,
        schemaVersion: SCHEMA_VERSION,
        build: this.o.build,
        createdAt: new Date(this.o.now()).toISOString(),
        counts,
        state,
      };
    });
  }

  async save(name: string): Promise<SnapshotRow & { counts: Record<string, number> }> {
    checkName(name);
    const file = await this.capture();
    const bytes = await this.store(name, file);
    return {
      name,
      createdAt: Date.parse(file.createdAt),
      schemaVersion: file.schemaVersion,
      bytes,
      counts: file.counts,
    };
  }

  list(): Promise<SnapshotRow[]> {
    return listSnapshots(this.o.db);
  }

  async export(name: string): Promise<string> {
    const body = await snapshotBody(this.o.db, name);
    if (body === undefined) throw new ControlError(404, `no snapshot named ${JSON.stringify(name)}`);
    return body;
  }

  /** Stores an exported file under `name`, carried forward to this build's schema. */
  async import(name: string, text: string): Promise<SnapshotRow> {
    checkName(name);
    const file = await unfit(() => this.upgrade(parseFile(text)));
    await this.store(name, file);
    return (await this.list()).find((s) => s.name === name)!;
  }

  async restore(name: string, o: { force?: boolean } = {}): Promise<Record<string, number>> {
    const file = parseFile(await this.export(name));
    return this.restoreFile(file, o);
  }

  /** Puts the state of `file` in place of the current one, in one transaction. */
  async restoreFile(input: SnapshotFile, o: { force?: boolean } = {}): Promise<Record<string, number>> {
    const file = await unfit(() => this.upgrade(input));
    const counts = await unfit(() =>
      this.o.db.tx(async (tx) => {
        const busy = await leasedTasks(tx, {}, this.o.now());
        if (busy > 0 && !o.force) {
          throw new ControlError(409, `${busy} tasks are being applied right now; retry, or restore with force=true`);
        }
        await restoreState(tx, file.state);
        return countState(tx);
      }),
    );
    this.o.restored();
    return counts;
  }

  async delete(name: string): Promise<void> {
    if (!(await deleteSnapshot(this.o.db, name)))
      throw new ControlError(404, `no snapshot named ${JSON.stringify(name)}`);
  }

  /** Saves the state on top of the checkpoint stack; the stack's new depth. */
  async push(): Promise<number> {
    const depth = (await this.checkpoints()).length + 1;
    await this.store(`${CHECKPOINT}${depth}`, await this.capture());
    return depth;
  }

  /** Restores the top checkpoint and removes it; the depth left. Refuses while tasks are applied. */
  async pop(): Promise<number> {
    const stack = await this.checkpoints();
    const top = stack.at(-1);
    if (!top) throw new ControlError(409, 'the checkpoint stack is empty: push before you pop');
    await this.restore(top.name);
    await deleteSnapshot(this.o.db, top.name);
    return stack.length - 1;
  }

  private async checkpoints(): Promise<SnapshotRow[]> {
    const all = await this.list();
    return all
      .filter((s) => s.name.startsWith(CHECKPOINT) && /^\d+$/.test(s.name.slice(CHECKPOINT.length)))
      .sort((a, b) => Number(a.name.slice(CHECKPOINT.length)) - Number(b.name.slice(CHECKPOINT.length)));
  }

  /** Keeps `file` under `name`; its size in characters. */
  private async store(name: string, file: SnapshotFile): Promise<number> {
    const body = JSON.stringify(file);
    await this.o.db.tx((tx) =>
      saveSnapshot(tx, { name, createdAt: Date.parse(file.createdAt), schemaVersion: file.schemaVersion, body }),
    );
    return body.length;
  }

  /** A file of this build's schema: older ones go through the migrations on a scratch database. */
  private async upgrade(file: SnapshotFile): Promise<SnapshotFile> {
    if (file.schemaVersion > SCHEMA_VERSION) {
      throw new ControlError(
        409,
        `the snapshot has schema version ${file.schemaVersion}, newer than this build knows (${SCHEMA_VERSION}); upgrade vpc-eni`,
      );
    }
    if (file.schemaVersion === SCHEMA_VERSION) return file;
    const scratch = await openDb('sqlite::memory:');
    try {
      await migrate(scratch, { upTo: file.schemaVersion });
      await scratch.tx((tx) => restoreState(tx, file.state));
      await migrate(scratch);
      const state = await scratch.tx((tx) => dumpState(tx));
      return { ...file, schemaVersion: SCHEMA_VERSION, state };
    } finally {
      await scratch.close();
    }
  }
}

/** A file whose rows the database refuses (a column it lacks, a broken reference) is the file's fault. */
async function unfit<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ControlError) throw err;
    throw new ControlError(400, `the snapshot does not fit this schema: ${(err as Error).message}`);
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new ControlError(400, `snapshot name ${JSON.stringify(name)}: use 1-100 letters, digits, '.', '_' or '-'`);
  }
}

/** A snapshot file from its text, its shape checked enough to restore it safely. */
export function parseFile(text: string): SnapshotFile {
  let file: SnapshotFile;
  try {
    file = JSON.parse(text) as SnapshotFile;
  } catch {
    throw new ControlError(400, 'the snapshot is not valid JSON');
  }
  if (!file || file.format !== SNAPSHOT_FORMAT) throw new ControlError(400, `not a ${SNAPSHOT_FORMAT} file (format)`);
  if (!Number.isInteger(file.schemaVersion) || file.schemaVersion < 1) {
    throw new ControlError(400, 'the snapshot has no valid schemaVersion');
  }
  const tables = file.state?.tables;
  if (!tables || typeof tables !== 'object') throw new ControlError(400, 'the snapshot has no state.tables');
  for (const [name, t] of Object.entries(tables)) {
    if (!/^[a-z_]+$/.test(name) || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
      throw new ControlError(400, `the snapshot's table ${JSON.stringify(name)} is malformed`);
    }
    if (!t.columns.every((c) => typeof c === 'string' && /^[a-z_]+$/.test(c))) {
      throw new ControlError(400, `the snapshot's table ${name} has a malformed column name`);
    }
    if (!t.rows.every((r) => Array.isArray(r) && r.length === t.columns.length)) {
      throw new ControlError(400, `the snapshot's table ${name} has a row that does not fit its columns`);
    }
  }
  return file;
}
