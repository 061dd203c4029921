// The in-memory engine of the browser preview: a run is a pending execution of the preview
// workflow (the fake executions), announced by a `runStarted` event; a re-run copies the
// original's input. Nothing really runs in the preview.
import type { RunEvent } from '../../bindings/RunEvent';
import type { RunsApi } from '../backend';
import { fakeExecutions } from './executions';
import { fail } from './core';

export const runListeners = new Set<(event: RunEvent) => void>();

function announce(event: RunEvent) {
  for (const l of runListeners) l(event);
}

export const fakeRuns: RunsApi = {
  async executionsRun(workflowId, input) {
    const e = await fakeExecutions.executionsCreate({ workflowId, inputData: input, triggerType: 'MANUAL', triggerData: {} });
    announce({ type: 'runStarted', executionId: e.id, workflowId, workflowName: 'Preview Pipeline', stepsTotal: e.stepsTotal });
    return e;
  },

  async executionsRerun(id, fromFailedStep) {
    const original = await fakeExecutions.executionsGet(id);
    if (original.status === 'PENDING' || original.status === 'RUNNING')
      fail('BAD_REQUEST', `Cannot re-run execution in "${original.status.toLowerCase()}" status: it has not finished`);
    if (fromFailedStep && original.status === 'COMPLETED')
      fail('BAD_REQUEST', 'This execution completed: there is no failed step to re-run from; re-run it whole instead');
    const e = await fakeExecutions.executionsCreate({
      workflowId: original.workflowId,
      inputData: original.inputData,
      triggerType: 'MANUAL',
      triggerData: { rerunOf: id, fromFailedStep },
    });
    announce({ type: 'runStarted', executionId: e.id, workflowId: e.workflowId, workflowName: original.workflowName, stepsTotal: e.stepsTotal });
    return e;
  },
};
