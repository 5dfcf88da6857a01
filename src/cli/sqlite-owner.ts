import fs from 'node:fs';
import path from 'node:path';
import { databaseLabel } from '../config.ts';

// One process owns a SQLite database (its worker releases every task lease at start, since in
// embedded mode no other process can hold one). `<file>.lock` names the server that has it open,
// so a second server on the same file is refused instead of running its tasks twice. A lock left
// by a process that is gone (a crash, SIGKILL) is taken over.

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Claims the SQLite file of `url` for this process; returns what releases it (a no-op for PostgreSQL). */
export function claimSqliteFile(url: string): () => void {
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : ':memory:';
  if (file === ':memory:') return () => undefined;
  const lock = `${path.resolve(file)}.lock`;
  const release = () => {
    try {
      if (Number(fs.readFileSync(lock, 'utf8')) === process.pid) fs.rmSync(lock);
    } catch {
      // Already gone.
    }
  };
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
  } catch {
    // A folder that cannot be made is reported by the database itself, with its path.
    return () => undefined;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return () => undefined;
    }
    let owner = 0;
    try {
      owner = Number(fs.readFileSync(lock, 'utf8'));
    } catch {
      continue; // Released meanwhile.
    }
    if (owner && owner !== process.pid && alive(owner)) {
      throw new Error(
        `DATABASE_URL=${databaseLabel(url)}: another vpc-eni server (pid ${owner}) has this database open, and one ` +
          'process owns a SQLite file: stop it, or give this server another DATABASE_URL (PostgreSQL for replicas)',
      );
    }
    fs.rmSync(lock, { force: true });
  }
  throw new Error(`DATABASE_URL=${databaseLabel(url)}: cannot claim ${lock}`);
}
