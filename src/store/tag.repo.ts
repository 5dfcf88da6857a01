import type { Tag, TagOwner } from '../domain/model.ts';
import type { Queryable } from './db.ts';
import { Where } from './sql.ts';

// Tags: one row per (resource, key). The repositories that delete a resource delete its tags in
// the same transaction (deleteTags), after the resource row itself: a concurrent tag change holds
// that row's lock, so by then it has committed and its rows are seen and deleted too.

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Adds `tags` to the resource, or changes the value of a key it already has. */
export async function putTags(q: Queryable, owner: TagOwner, tags: readonly Tag[]): Promise<void> {
  for (const t of tags) {
    await q.run(
      `INSERT INTO tags (resource_id, tag_key, tag_value, app_id, region, resource_type) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
      [owner.id, t.key, t.value, owner.appId, owner.region, owner.type],
    );
  }
}

/** Takes the keys off the resource (a key it does not have changes nothing). */
export async function removeTags(q: Queryable, resourceId: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await q.run(`DELETE FROM tags WHERE resource_id = ? AND tag_key IN (${marks(keys.length)})`, [resourceId, ...keys]);
}

/** Every tag of the resources, for a resource that is being deleted. */
export async function deleteTags(q: Queryable, resourceIds: readonly string[]): Promise<void> {
  if (resourceIds.length === 0) return;
  await q.run(`DELETE FROM tags WHERE resource_id IN (${marks(resourceIds.length)})`, resourceIds);
}

/** The tags of each resource, by key (code point order); resources without tags are absent. */
export async function tagsOf(q: Queryable, resourceIds: readonly string[]): Promise<Map<string, Tag[]>> {
  const out = new Map<string, Tag[]>();
  if (resourceIds.length === 0) return out;
  const rows = await q.all<{ resource_id: string; tag_key: string; tag_value: string }>(
    `SELECT resource_id, tag_key, tag_value FROM tags WHERE resource_id IN (${marks(resourceIds.length)})
     ORDER BY resource_id, tag_key${q.caps.bytewise}`,
    resourceIds,
  );
  for (const r of rows) {
    const list = out.get(r.resource_id) ?? [];
    list.push({ key: r.tag_key, value: r.tag_value });
    out.set(r.resource_id, list);
  }
  return out;
}

export async function countTags(q: Queryable, resourceId: string): Promise<number> {
  const row = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM tags WHERE resource_id = ?', [resourceId]);
  return row?.n ?? 0;
}

/** One page of the tags of some resources of an account and region, ordered by resource, then key. */
export async function tagPage(
  q: Queryable,
  scope: { appId: number; region: string; type: TagOwner['type'] },
  resourceIds: readonly string[],
  page: { offset: number; limit: number },
): Promise<{ total: number; items: Array<{ resourceId: string; tag: Tag }> }> {
  if (resourceIds.length === 0) return { total: 0, items: [] };
  const where = new Where()
    .add('app_id = ? AND region = ? AND resource_type = ?', scope.appId, scope.region, scope.type)
    .anyOf('resource_id', resourceIds);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM tags${where.sql}`, where.params);
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) throw new Error(`bad page limit ${page.limit}`);
  const rows = await q.all<{ resource_id: string; tag_key: string; tag_value: string }>(
    `SELECT resource_id, tag_key, tag_value FROM tags${where.sql}
     ORDER BY resource_id, tag_key${q.caps.bytewise} LIMIT ${page.limit} OFFSET ?`,
    [...where.params, page.offset],
  );
  return {
    total: total?.n ?? 0,
    items: rows.map((r) => ({ resourceId: r.resource_id, tag: { key: r.tag_key, value: r.tag_value } })),
  };
}

/**
 * A tag filter: a resource matches when it has a tag whose key is one of `keys` (any key when
 * absent) and whose value is one of `values` (any value when absent). An empty list matches nothing.
 */
export interface TagCondition {
  keys?: readonly string[];
  values?: readonly string[];
}

/** Narrows a listing to the resources (their `id` column) that meet every condition. */
export function whereTagged(where: Where, conditions: readonly TagCondition[]): void {
  for (const c of conditions) {
    const sub = new Where();
    if (c.keys) sub.anyOf('tag_key', c.keys);
    if (c.values) sub.anyOf('tag_value', c.values);
    where.add(`id IN (SELECT resource_id FROM tags${sub.sql})`, ...sub.params);
  }
}
