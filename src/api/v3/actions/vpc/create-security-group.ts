import { createSecurityGroup } from '../../../../domain/security-group.service.ts';
import { defineAction } from '../../action.ts';
import { str } from '../../schema.ts';
import { fromWire, TAG_FIELDS, tagCodes, tags } from '../tag/tag.params.ts';
import { projectIdText } from './params.wire.ts';
import { securityGroupToWire } from './vpc.wire.ts';

// Groups have no rules here (v2 has none either).

export default defineAction({
  product: 'vpc',
  name: 'CreateSecurityGroup',
  summary: 'Create a security group (no rules: it exists to be bound to ENIs and instances)',
  async: false,
  params: {
    GroupName: str({ min: 1, max: 60 }).required(),
    // Required by the model, empty allowed (Terraform sends "").
    GroupDescription: str({ max: 100 }).required(),
    ProjectId: projectIdText().default(0),
    Tags: tags(),
  },
  fields: TAG_FIELDS,
  codes: ['InvalidParameterValue.TooLong', 'InvalidParameterValue.LimitExceeded', ...tagCodes('vpc')],
  async handle({ deps, caller }, p) {
    const given = fromWire(p.Tags);
    const sg = await createSecurityGroup(deps, caller, {
      name: p.GroupName,
      remark: p.GroupDescription,
      projectId: p.ProjectId,
      tags: given,
    });
    return { SecurityGroup: securityGroupToWire(sg, given) };
  },
});
