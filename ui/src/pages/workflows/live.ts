// The latest run of the open workflow as its events arrive, for the canvas: each step's status
// and duration by step key. Pure: the builder feeds it the `run-event`s of the shell.
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import type { RunEvent } from '../../bindings/RunEvent';
import type { StepStatus } from '../../bindings/StepStatus';

export interface StepLive {
  status: StepStatus;
  /** Set when the step has finished. */
  durationMs: number | null;
  /** The attempt now running after a retry (2 = the first retry). */
  attempt: number;
}

export interface LiveRun {
  executionId: string;
  status: ExecutionStatus;
  stepsTotal: number;
  durationMs: number | null;
  error: string | null;
  steps: Readonly<Record<string, StepLive>>;
}

/**
 * The run after `event`: a run of `workflowId` that starts replaces the one shown; events of
 * other executions (other workflows, an older run of this one) leave it as it is.
 */
export function liveRunReducer(run: LiveRun | null, event: RunEvent, workflowId: string): LiveRun | null {
  if (event.type === 'runStarted') {
    if (event.workflowId !== workflowId) return run;
    return { executionId: event.executionId, status: 'RUNNING', stepsTotal: event.stepsTotal, durationMs: null, error: null, steps: {} };
  }
  if (run === null || event.executionId !== run.executionId) return run;
  const step = (key: string, next: StepLive): LiveRun => ({ ...run, steps: { ...run.steps, [key]: next } });
  switch (event.type) {
    case 'stepStarted':
      return step(event.stepKey, { status: 'RUNNING', durationMs: null, attempt: 1 });
    case 'stepRetry':
      return step(event.stepKey, { status: 'RUNNING', durationMs: null, attempt: event.attempt + 1 });
    case 'stepFinished':
      return step(event.stepKey, { status: event.status, durationMs: event.durationMs, attempt: run.steps[event.stepKey]?.attempt ?? 1 });
    case 'runFinished':
      return { ...run, status: event.status, durationMs: event.durationMs, error: event.error };
  }
}

/** Steps finished so far (completed, failed or skipped). */
export function finishedSteps(run: LiveRun): number {
  return Object.values(run.steps).filter((s) => s.status !== 'RUNNING' && s.status !== 'PENDING').length;
}
