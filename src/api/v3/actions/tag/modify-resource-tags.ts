import { DomainError } from '../../../../domain/errors.ts';
import { modifyTags } from '../../../../domain/tag.service.ts';
import { defineAction } from '../../action.ts';
import { str } from '../../schema.ts';
import { tagKeys, tagPairs } from './tag.params.ts';
import { parseResource } from './tag.wire.ts';

// Terraform sends this after a create with tags, and on every tag change: ReplaceTags sets values
// (adding keys), DeleteTags takes keys off, on one resource named by its six-segment description.

export default defineAction({
  product: 'tag',
  name: 'ModifyResourceTags',
  summary: 'Set and delete tags of one resource, named qcs::<service>:<region>:uin/:<prefix>/<id>',
  async: false,
  global: true,
  params: {
    Resource: str({ min: 1, max: 512 }).required(),
    ReplaceTags: tagPairs(),
    DeleteTags: tagKeys(),
  },
  fields: {
    replaceOrRemove: 'ReplaceTags or DeleteTags',
    replace: 'ReplaceTags',
    'replace.*.key': 'ReplaceTags.*.TagKey',
    'replace.*.value': 'ReplaceTags.*.TagValue',
    'remove.*': 'DeleteTags.*.TagKey',
  },
  codes: [
    'InvalidParameterValue.ResourceDescriptionError',
    'InvalidParameterValue.DeleteTagsParamError',
    'InvalidParameterValue.TagKeyEmpty',
    'InvalidParameterValue.TagKeyLengthExceeded',
    'InvalidParameterValue.TagKeyCharacterIllegal',
    'InvalidParameterValue.TagValueLengthExceeded',
    'InvalidParameterValue.TagValueCharacterIllegal',
    'InvalidParameter.Tag',
    'InvalidParameter.ReservedTagKey',
    'LimitExceeded.ResourceAttachedTags',
    'ResourceNotFound',
  ],
  async handle({ deps, caller }, p) {
    // Either list may be left out, but neither may be empty (documented).
    for (const [name, given] of [
      ['ReplaceTags', p.ReplaceTags],
      ['DeleteTags', p.DeleteTags],
    ] as const) {
      if (given?.length === 0) {
        throw new DomainError('invalidValue', `parameter ${name} must not be empty (leave it out instead)`, {
          param: name,
          reason: 'empty',
        });
      }
    }
    const target = parseResource(deps.catalogue, p.Resource);
    await modifyTags(
      deps,
      { ...caller, region: target.region.name },
      {
        type: target.type,
        id: target.id,
        replace: (p.ReplaceTags ?? []).map((t) => ({ key: t.TagKey, value: t.TagValue })),
        remove: (p.DeleteTags ?? []).map((t) => t.TagKey),
      },
    );
    return {};
  },
});
