import { changeInstances } from '../../../../domain/instance.service.ts';
import { defineAction, taskAnswer } from '../../action.ts';
import { id, list } from '../../schema.ts';

/** StartInstances, StopInstances and TerminateInstances share their shape: `instanceIds.N`. */
export function lifecycleAction(name: 'StartInstances' | 'StopInstances' | 'TerminateInstances', summary: string) {
  return defineAction({
    name,
    summary,
    async: true,
    params: { instanceIds: list(id().required(), { min: 1, max: 100 }) },
    fields: { 'instanceIds.*': 'instanceIds.*' },
    async handle({ deps, caller }, p) {
      const { taskId } = await changeInstances(deps, caller, name, p.instanceIds);
      return taskAnswer(taskId);
    },
  });
}
