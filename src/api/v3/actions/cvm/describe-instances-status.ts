import { defineAction, paging } from '../../action.ts';
import { id, list } from '../../schema.ts';
import { listInstances3 } from './describe-instances.ts';
import { instanceState } from './instance.wire.ts';

export default defineAction({
  product: 'cvm',
  name: 'DescribeInstancesStatus',
  summary: 'The state of instances by ids (or of all), newest first; unknown ids are simply absent',
  async: false,
  params: { InstanceIds: list(id('ins').required(), { max: 100 }), ...paging() },
  codes: ['InvalidInstanceId.Malformed', 'InvalidParameterValue.LimitExceeded'],
  async handle({ deps, caller }, p) {
    const page = await listInstances3(deps, caller, p);
    return {
      TotalCount: page.total,
      InstanceStatusSet: page.items.map((v) => ({
        InstanceId: v.instance.id,
        InstanceState: instanceState(v.instance),
      })),
    };
  },
});
