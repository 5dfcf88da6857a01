import type { Queryable } from '../store/db.ts';
import { findEni } from '../store/eni.repo.ts';
import { findInstance } from '../store/instance.repo.ts';
import { findSecurityGroup } from '../store/sg.repo.ts';
import { findSubnet } from '../store/subnet.repo.ts';
import { countTags, putTags, removeTags, tagPage } from '../store/tag.repo.ts';
import { findVpc } from '../store/vpc.repo.ts';
import type { Deps } from './deps.ts';
import { fail, notFound } from './errors.ts';
import type { Caller, Page, Tag, TaggedType } from './model.ts';

// Tags of VPCs, subnets, security groups, ENIs and instances: given when the resource is created
// (each create stores them in its own transaction, after checkTags), changed later through the
// tag service, and deleted with the resource (the store does that). Tags belong to the resource's
// account and region: another account's resource has none, and cannot be tagged.

export const MAX_TAGS_PER_RESOURCE = 50;
export const TAG_KEY_MAX = 127;
export const TAG_VALUE_MAX = 255;

/** Keys the real service keeps for itself (any case). */
const RESERVED_KEY = /^(qcloud|tencent|project)/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The rules of a list of tags, which the request alone decides (so they answer before any lookup):
 * at most 50; keys of 1–127 characters, not reserved, each once; values of at most 255 characters;
 * no control characters. `field` is the list's domain name (`tags`, `replace`).
 */
export function checkTags(tags: readonly Tag[], field = 'tags'): void {
  if (tags.length > MAX_TAGS_PER_RESOURCE) {
    fail('invalidValue', `a resource carries at most ${MAX_TAGS_PER_RESOURCE} tags (${tags.length} given)`, {
      field,
      reason: 'tooMany',
    });
  }
  const seen = new Set<string>();
  for (const [i, t] of tags.entries()) {
    const key = `${field}.${i}.key`;
    const value = `${field}.${i}.value`;
    if (t.key === '') fail('invalidValue', 'a tag key must not be empty', { field: key, reason: 'empty' });
    if ([...t.key].length > TAG_KEY_MAX) {
      fail('invalidValue', `a tag key has at most ${TAG_KEY_MAX} characters`, { field: key, reason: 'tooLong' });
    }
    if (CONTROL.test(t.key))
      fail('invalidValue', 'a tag key has no control characters', { field: key, reason: 'malformed' });
    if (RESERVED_KEY.test(t.key)) {
      fail('invalidValue', `tag key ${JSON.stringify(t.key)} is reserved: keys starting qcloud, tencent or project`, {
        field: key,
        reason: 'reserved',
      });
    }
    if ([...t.value].length > TAG_VALUE_MAX) {
      fail('invalidValue', `a tag value has at most ${TAG_VALUE_MAX} characters`, { field: value, reason: 'tooLong' });
    }
    if (CONTROL.test(t.value)) {
      fail('invalidValue', 'a tag value has no control characters', { field: value, reason: 'malformed' });
    }
    if (seen.has(t.key)) {
      fail('invalidValue', `tag key ${JSON.stringify(t.key)} is given twice`, { field: key, reason: 'duplicate' });
    }
    seen.add(t.key);
  }
}

/** The caller's resource, row-locked: a tag change and the resource's deletion take turns. */
async function requireTaggable(tx: Queryable, caller: Caller, type: TaggedType, id: string): Promise<void> {
  const found =
    type === 'vpc'
      ? await findVpc(tx, caller, id, true)
      : type === 'subnet'
        ? await findSubnet(tx, caller, id, { lock: true })
        : type === 'securityGroup'
          ? await findSecurityGroup(tx, caller, id, true)
          : type === 'eni'
            ? await findEni(tx, caller, id, { lock: true })
            : await findInstance(tx, caller, id, true, { withFailedLaunches: true });
  if (!found) notFound(type, `${id} does not exist in ${caller.region}`);
}

/**
 * Sets the value of each tag of `replace` (adding the keys the resource lacks) and takes the keys
 * of `remove` off (a key it lacks changes nothing), in one transaction. At least one of the two
 * is given, they share no key, and the resource ends with at most 50 tags.
 */
export async function modifyTags(
  deps: Deps,
  caller: Caller,
  input: { type: TaggedType; id: string; replace: Tag[]; remove: string[] },
): Promise<void> {
  if (input.replace.length === 0 && input.remove.length === 0) {
    fail('invalidParameter', 'give tags to set or keys to delete', { field: 'replaceOrRemove', reason: 'missing' });
  }
  checkTags(input.replace, 'replace');
  for (const [i, key] of input.remove.entries()) {
    if (key === '') fail('invalidValue', 'a tag key must not be empty', { field: `remove.${i}`, reason: 'empty' });
    if (input.replace.some((t) => t.key === key)) {
      fail('invalidValue', `tag key ${JSON.stringify(key)} is both set and deleted`, {
        field: `remove.${i}`,
        reason: 'combination',
      });
    }
  }
  await deps.db.tx(async (tx) => {
    await requireTaggable(tx, caller, input.type, input.id);
    await removeTags(tx, input.id, input.remove);
    await putTags(tx, { appId: caller.appId, region: caller.region, type: input.type, id: input.id }, input.replace);
    const n = await countTags(tx, input.id);
    if (n > MAX_TAGS_PER_RESOURCE) {
      fail('invalidValue', `${input.id} would carry ${n} tags; a resource carries at most ${MAX_TAGS_PER_RESOURCE}`, {
        field: 'replace',
        reason: 'tooMany',
      });
    }
  });
}

/**
 * The tags of the caller's resources of one kind in its region, one (resource, key) per item,
 * ordered by resource, then key. Ids that name nothing of the caller's simply have none.
 */
export async function describeTags(
  deps: Deps,
  caller: Caller,
  input: { type: TaggedType; ids: readonly string[]; page: Page },
): Promise<{ total: number; items: Array<{ resourceId: string; tag: Tag }> }> {
  return tagPage(deps.db, { appId: caller.appId, region: caller.region, type: input.type }, input.ids, input.page);
}
