/**
 * The one case-folding rule of name search (VPC, subnet, security group, instance and ENI names, ENI
 * descriptions). The application folds both sides: each name is stored beside its folded copy, and a
 * search text is folded the same way before it is matched as a literal substring. Neither engine's
 * LOWER() is used: SQLite's folds ASCII only, PostgreSQL's depends on the database's locale, and either
 * way it would disagree with the folding of the search text.
 *
 * Full Unicode case folding, computed from the engine's own case tables: each code point is lowered,
 * raised and lowered again, one at a time, so no context rule applies (a final sigma folds like any
 * sigma), `ß`, `ẞ` and `SS` all fold to `ss`, and `İ` folds to `i` + combining dot. Text is composed
 * (NFC) before and after, so a decomposed `Ä` matches a precomposed one.
 *
 * The folded copies are data: a change to this rule needs a migration that folds the stored names again
 * (see `migrations/005-folded-names.ts`).
 */
export function foldCase(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let folded = '';
  for (const ch of text.normalize('NFC')) folded += ch.toLowerCase().toUpperCase().toLowerCase();
  return folded.normalize('NFC');
}
