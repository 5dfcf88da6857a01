import type { OrderDirection, Page } from '../domain/model.ts';
import type { SqlValue } from './db.ts';

// Small builders for the filtered, paged listings of Describe actions.

export class Where {
  readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];
  add(clause: string, ...params: SqlValue[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }
  /** Case-insensitive substring match. */
  contains(column: string, text: string): this {
    const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c);
    return this.add(`LOWER(${column}) LIKE ? ESCAPE '\\'`, `%${escaped}%`);
  }
  get sql(): string {
    return this.clauses.length ? ' WHERE ' + this.clauses.join(' AND ') : '';
  }
}

/** ORDER BY a whitelisted column, ties broken by id so pages never overlap. */
export function orderAndPage(
  column: string,
  direction: OrderDirection,
  page: Page,
): { sql: string; params: SqlValue[] } {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  return { sql: ` ORDER BY ${column} ${dir}, id ${dir} LIMIT ? OFFSET ?`, params: [page.limit, page.offset] };
}
