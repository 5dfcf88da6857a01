import { describeTask } from '../../../../domain/task.service.ts';
import { fail } from '../../../../domain/errors.ts';
import { taskDef } from '../../../../tasks/registry.ts';
import { defineAction } from '../../action.ts';
import { str } from '../../schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATUS = { RUNNING: 'RUNNING', SUCCEEDED: 'SUCCESS', FAILED: 'FAILED' } as const;

export default defineAction({
  product: 'vpc',
  name: 'DescribeVpcTaskResult',
  summary: 'Status of an async call by its RequestId (VPC and CVM calls; a decimal v2 task id works too)',
  async: false,
  params: { TaskId: str({ min: 1, max: 64 }).required() },
  async handle({ deps, caller }, p) {
    const key = UUID.test(p.TaskId) ? p.TaskId : /^\d{1,15}$/.test(p.TaskId) ? Number(p.TaskId) : undefined;
    if (key === undefined) {
      fail('invalidValue', 'must be the RequestId of an async call (a UUID) or a v2 task id', {
        field: 'taskId',
        reason: 'malformed',
      });
    }
    const task = await describeTask(deps, caller, key);
    const status = STATUS[task.state];
    const resourceId = taskDef(task.type)?.resourceId(JSON.parse(task.payload)) ?? '';
    return {
      Status: status,
      Output: task.failure?.message ?? (status === 'SUCCESS' ? 'SUCCESS' : ''),
      Result: [{ ResourceId: resourceId, Status: status }],
    };
  },
  fields: { taskId: 'TaskId' },
});
