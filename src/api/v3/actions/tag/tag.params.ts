import type { Tag } from '../../../../domain/model.ts';
import { DomainError } from '../../../../domain/errors.ts';
import { TAG_CODES, type Product } from '../../errors.ts';
import { list, object, Param } from '../../schema.ts';

// Tags on the wire. The VPC and CVM models write a tag {Key, Value}; the tag service {TagKey,
// TagValue}. The door only reads their shape: every rule (lengths, reserved keys, repeats, how
// many) is the domain's (checkTags), so each product can answer it with its own code.

/** Any text: its length and characters are the tag rules' to judge. */
function tagText(): Param<string> {
  return new Param('string', (value, name) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw new DomainError('invalidParameter', `parameter ${name} must be a string`, { reason: 'type', param: name });
  });
}

/** `Tags` of a Create* action (VPC and CVM models): [{Key, Value}], Value '' when absent. */
export const tags = () =>
  list(object({ Key: tagText().required(), Value: tagText().default('') }).required(), { max: 1000 });

/** `ReplaceTags` of the tag service: [{TagKey, TagValue}], at most 10 per call (documented). */
export const tagPairs = () =>
  list(object({ TagKey: tagText().required(), TagValue: tagText().default('') }).required(), { max: 10 });

/** `DeleteTags` of the tag service: [{TagKey}], at most 10 per call. */
export const tagKeys = () => list(object({ TagKey: tagText().required() }).required(), { max: 10 });

export const fromWire = (t: ReadonlyArray<{ Key: string; Value: string }> | undefined): Tag[] =>
  (t ?? []).map((x) => ({ key: x.Key, value: x.Value }));

/** `TagSet` (VPC) and `Tags` (CVM): every tag with both fields (Terraform dereferences both). */
export const tagsToWire = (t: readonly Tag[]) => t.map((x) => ({ Key: x.key, Value: x.value }));

/** 3.0 names of the domain's tag fields, for the actions that take `Tags`. */
export const TAG_FIELDS = { tags: 'Tags', 'tags.*.key': 'Tags.*.Key', 'tags.*.value': 'Tags.*.Value' } as const;

/** The codes a broken tag rule answers in `product`. */
export const tagCodes = (product: Product) => [...new Set(Object.values(TAG_CODES[product]))];
