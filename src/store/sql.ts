import type { OrderDirection, Page } from '../domain/model.ts';
import type { SqlValue } from './db.ts';
import { foldCase } from './fold.ts';

// Small builders for the filtered, paged listings of Describe actions.

export class Where {
  readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];
  add(clause: string, ...params: SqlValue[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }
  /**
   * Case-insensitive substring match of a searchable text, through its folded copy `<column>_fold`
   * (see fold.ts); `%`, `_` and `\\` in `text` are literal.
   */
  contains(column: string, text: string): this {
    const escaped = foldCase(text).replace(/[\\%_]/g, (c) => '\\' + c);
    return this.add(`${column}_fold LIKE ? ESCAPE '\\'`, `%${escaped}%`);
  }
  /** `column` equals one of `values`; an empty list matches nothing (a filter with no values). */
  anyOf(column: string, values: readonly SqlValue[]): this {
    if (values.length === 0) return this.add('1 = 0');
    if (values.length === 1) return this.add(`${column} = ?`, values[0]!);
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }
  /** Case-insensitive substring match of any of `texts`. */
  containsAny(column: string, texts: readonly string[]): this {
    if (texts.length === 0) return this.add('1 = 0');
    const sub = new Where();
    for (const t of texts) sub.contains(column, t);
    return this.add(`(${sub.clauses.join(' OR ')})`, ...sub.params);
  }
  get sql(): string {
    return this.clauses.length ? ' WHERE ' + this.clauses.join(' AND ') : '';
  }
}

/**
 * ORDER BY a whitelisted column, ties broken by id so pages never overlap. The LIMIT is written into
 * the SQL, not bound: SQLite sorts with a bounded heap only when it knows the limit when it prepares
 * the statement (a bound LIMIT made a 20-row page 2.5 times slower). A limit is a small validated
 * integer (at most 100), so this adds at most a hundred statements to the caches; the OFFSET, which
 * can be anything, stays a parameter.
 */
export function orderAndPage(
  column: string,
  direction: OrderDirection,
  page: Page,
): { sql: string; params: SqlValue[] } {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) throw new Error(`bad page limit ${page.limit}`);
  return { sql: ` ORDER BY ${column} ${dir}, id ${dir} LIMIT ${page.limit} OFFSET ?`, params: [page.offset] };
}
