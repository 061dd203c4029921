// The in-memory engine of the browser preview: a run is a pending execution (the fake
// executions), announced by a `runStarted` event; a re-run copies the original's input (which
// runs may be re-run is Rust's rule). Nothing really runs in the preview.
import type { RunEvent } from '../../bindings/RunEvent';
import type { RunsApi } from '../backend';
import { fakeExecutions } from './executions';

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
