import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { faultCatalog } from '../api/fault-catalog.ts';
import type { Config } from '../config.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Catalogue } from '../domain/regions.ts';
import type { Db } from '../store/db.ts';
import { BUILD_VERSION } from '../version.ts';
import { environmentRules, Faults, faultTaskControl } from './faults.ts';
import { controlRoutes } from './routes.ts';
import { parseFile, Snapshots } from './snapshots.ts';

// Test control, assembled for one server (docs/test-control.md): fault rules, task control, reset,
// snapshots and the seed, behind the /_vpceni/ endpoints.

export type TestControl = ReturnType<typeof buildTestControl>;

export function buildTestControl(o: {
  db: Db;
  config: Config;
  ids: IdGenerator;
  now: () => number;
  catalogue: Catalogue;
  wakeWorker: () => void;
}) {
  const randomSeed = () => randomBytes(8).toString('hex');
  if (o.config.seed !== null) o.ids.reseed(o.config.seed);
  const faults = new Faults({
    db: o.db,
    now: o.now,
    catalog: faultCatalog(o.catalogue),
    envRules: environmentRules(o.config),
    seed: o.config.seed ?? randomSeed(),
    newId: () => `rule-${o.ids.uuid().slice(0, 8)}`,
  });
  const snapshots = new Snapshots({ db: o.db, now: o.now, build: BUILD_VERSION, restored: o.wakeWorker });
  const routes = controlRoutes({
    db: o.db,
    faults,
    snapshots,
    now: o.now,
    adminToken: o.config.adminToken,
    taskLatencyMs: o.config.taskLatencyMs,
    region: (name) => o.catalogue.region(name)?.name,
    reseed(seed) {
      o.ids.reseed(seed);
      faults.seed = seed ?? randomSeed();
    },
    wakeWorker: o.wakeWorker,
  });
  return {
    faults,
    taskControl: faultTaskControl(faults),
    snapshots,
    routes,
    /** VPC_ENI_IMPORT: the state of a snapshot file, before the worker starts. */
    async importAtStart(): Promise<void> {
      const file = o.config.importFile;
      if (file === null) return;
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new Error(`VPC_ENI_IMPORT=${file}: cannot read it (${(err as Error).message})`, { cause: err });
      }
      await snapshots.restoreFile(parseFile(text), { force: true }).catch((err: Error) => {
        throw new Error(`VPC_ENI_IMPORT=${file}: ${err.message}`, { cause: err });
      });
    },
    /**
     * VPC_ENI_EXPORT_ON_EXIT: the state as a snapshot file, once the worker has stopped. Written
     * beside the target and renamed over it, so a failed export never leaves a half file or
     * destroys the previous one.
     */
    async exportOnExit(): Promise<void> {
      const file = o.config.exportOnExit;
      if (file === null) return;
      const body = JSON.stringify(await snapshots.capture());
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(temp, body);
      fs.renameSync(temp, file);
    },
  };
}
