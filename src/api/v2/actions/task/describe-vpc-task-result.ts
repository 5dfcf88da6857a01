import { describeTask } from '../../../../domain/task.service.ts';
import { TaskStatus } from '../../../../domain/model.ts';
import { defineAction } from '../../action.ts';
import { int } from '../../schema.ts';

export default defineAction({
  name: 'DescribeVpcTaskResult',
  summary: 'Status of an async task: 0 succeeded, 1 failed (with output), 2 running',
  async: false,
  params: { taskId: int({ min: 0, max: Number.MAX_SAFE_INTEGER }).required() },
  async handle({ deps, caller }, p) {
    const task = await describeTask(deps, caller, p.taskId);
    return {
      data: {
        taskId: task.id,
        status: TaskStatus[task.state],
        ...(task.failure && {
          output: { errorCode: task.failure.kind === 'internal' ? 6000 : 5100, errorMsg: task.failure.message },
        }),
      },
    };
  },
});
