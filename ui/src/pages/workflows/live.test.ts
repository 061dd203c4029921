import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../bindings/RunEvent';
import { finishedSteps, liveRunReducer, type LiveRun } from './live';

const WF = 'wf-1';
const run = (events: RunEvent[], start: LiveRun | null = null) => events.reduce<LiveRun | null>((r, e) => liveRunReducer(r, e, WF), start);

describe('liveRunReducer', () => {
  it('follows a run of this workflow step by step', () => {
    const r = run([
      { type: 'runStarted', executionId: 'e1', workflowId: WF, workflowName: 'W', stepsTotal: 2 },
      { type: 'stepStarted', executionId: 'e1', stepKey: 'a', inputs: {} },
      { type: 'stepRetry', executionId: 'e1', stepKey: 'a', attempt: 1, delayMs: 1000, error: 'boom' },
      { type: 'stepFinished', executionId: 'e1', stepKey: 'a', status: 'COMPLETED', durationMs: 12, error: null, reason: null },
      { type: 'stepStarted', executionId: 'e1', stepKey: 'b', inputs: {} },
    ])!;
    expect(r.steps.a).toEqual({ status: 'COMPLETED', durationMs: 12, attempt: 2 });
    expect(r.steps.b).toEqual({ status: 'RUNNING', durationMs: null, attempt: 1 });
    expect(finishedSteps(r)).toBe(1);
    const done = liveRunReducer(r, { type: 'runFinished', executionId: 'e1', status: 'FAILED', durationMs: 40, error: 'b failed' }, WF)!;
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('b failed');
  });

  it('ignores other workflows and other executions, and a new run replaces the old', () => {
    const first = run([{ type: 'runStarted', executionId: 'e1', workflowId: WF, workflowName: 'W', stepsTotal: 1 }])!;
    expect(run([{ type: 'runStarted', executionId: 'x', workflowId: 'other', workflowName: 'O', stepsTotal: 1 }], first)).toBe(first);
    expect(run([{ type: 'stepStarted', executionId: 'x', stepKey: 'a', inputs: {} }], first)).toBe(first);
    expect(run([{ type: 'stepStarted', executionId: 'e1', stepKey: 'a', inputs: {} }])).toBeNull();
    const second = run([{ type: 'runStarted', executionId: 'e2', workflowId: WF, workflowName: 'W', stepsTotal: 1 }], first)!;
    expect(second.executionId).toBe('e2');
    expect(second.steps).toEqual({});
  });
});
