import describeResourceTagsByResourceIds from './describe-resource-tags-by-resource-ids.ts';
import modifyResourceTags from './modify-resource-tags.ts';

/** The tag service (tag 2018-08-13) for the resources served here. */
export const TAG_ACTIONS = [describeResourceTagsByResourceIds, modifyResourceTags];
