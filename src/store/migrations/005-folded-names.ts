// Frozen once released: never edit, add a new migration instead.
//
// Name search matches a folded copy of each searchable text, folded by the application (../fold.ts),
// so that a name is found by its own text and by any case of it, in every script, on both engines.
// The copies are filled here for rows written before this version; afterwards every write of a name
// writes its fold too. This is the one migration that imports from the app: the fold rule it applies is
// the one the app searches with, which is the point. A later change of that rule needs a migration that runs `backfill` again.

import type { Queryable } from '../db.ts';
import { foldCase } from '../fold.ts';

export const version = 5;

const FOLDED: ReadonlyArray<readonly [table: string, column: string]> = [
  ['vpcs', 'name'],
  ['subnets', 'name'],
  ['security_groups', 'name'],
  ['instances', 'name'],
  ['enis', 'name'],
  ['enis', 'description'],
];

export function up(): string[] {
  return FOLDED.flatMap(([table, column]) => [
    `ALTER TABLE ${table} ADD COLUMN ${column}_fold TEXT NOT NULL DEFAULT ''`,
    // Right for ASCII on either engine; `backfill` corrects the rest.
    `UPDATE ${table} SET ${column}_fold = LOWER(${column})`,
  ]);
}

/** Rewrites every stored fold that differs from the app's rule (only non-ASCII names, in practice). */
export async function backfill(tx: Queryable): Promise<void> {
  for (const [table, column] of FOLDED) {
    // In pages by id, so a table of a million ENIs is never held in memory at once.
    for (let after = ''; ;) {
      const rows = await tx.all<{ id: string; text: string; fold: string }>(
        `SELECT id, ${column} AS text, ${column}_fold AS fold FROM ${table} WHERE id > ? ORDER BY id LIMIT 5000`,
        [after],
      );
      for (const r of rows) {
        const fold = foldCase(r.text);
        if (fold !== r.fold) await tx.run(`UPDATE ${table} SET ${column}_fold = ? WHERE id = ?`, [fold, r.id]);
      }
      if (rows.length < 5000) break;
      after = rows.at(-1)!.id;
    }
  }
}
