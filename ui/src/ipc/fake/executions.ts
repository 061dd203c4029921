// The in-memory executions: three sample runs of a three-step pipeline (completed, failed with
// a skipped step, still running) with the log rows the engine writes, so the history, the
// timeline and the logs can be previewed; a cancel always succeeds (which runs may be cancelled
// is Rust's rule). Illustrative only.
import type { Execution } from '../../bindings/Execution';
import type { ExecutionLog } from '../../bindings/ExecutionLog';
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import type { LogLevel } from '../../bindings/LogLevel';
import type { StepStatus } from '../../bindings/StepStatus';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { ExecutionsApi } from '../backend';
import { audit, changed, newId, notFound, now, paged, USER } from './core';

const WORKFLOW_ID = '00000000-0000-7000-8000-00000000f001';
const WORKFLOW_NAME = 'Preview Pipeline';
const STEPS = ['fetch', 'transform', 'load'] as const;

const executions: Execution[] = [];
const logs: ExecutionLog[] = [];

const iso = (ms: number) => new Date(ms).toISOString();

function logRow(executionId: string, at: number, level: LogLevel, message: string, step?: { key: string; status: StepStatus; start: number; end?: number }, metadata: JsonValue = {}) {
  logs.push({
    id: newId(),
    executionId,
    workflowStepId: null,
    level,
    message,
    metadata,
    stepKey: step?.key ?? null,
    stepStatus: step?.status ?? null,
    stepStartedAt: step ? iso(step.start) : null,
    stepCompletedAt: step?.end !== undefined ? iso(step.end) : null,
    stepDurationMs: step?.end !== undefined ? step.end - step.start : null,
    createdAt: iso(at),
  });
}

/** A run starting at `start` whose steps take `durations` ms; `outcome` says how each ends. */
function sample(start: number, status: ExecutionStatus, durations: number[], outcome: (StepStatus | 'open')[]) {
  const id = newId();
  let t = start;
  let completed = 0;
  let failed = 0;
  STEPS.forEach((key, i) => {
    const o = outcome[i]!;
    if (o === 'SKIPPED') {
      logRow(id, t, 'INFO', `Step ${key} skipped: a step it depends on failed`, { key, status: 'SKIPPED', start: t, end: t });
      return;
    }
    logRow(id, t, 'INFO', `Step ${key} started`, { key, status: 'RUNNING', start: t }, { inputs: { url: 'https://example.com/data.json' } });
    if (o === 'open') return;
    const end = t + durations[i]!;
    if (key === 'transform' && o === 'FAILED') logRow(id, t + 400, 'WARN', 'Step transform failed, retrying (attempt 2 of 2)', { key, status: 'RUNNING', start: t });
    if (o === 'FAILED') {
      failed += 1;
      logRow(id, end, 'ERROR', `Step ${key} failed: mapping.price is not a number`, { key, status: 'FAILED', start: t, end }, { error: 'mapping.price is not a number' });
    } else {
      completed += 1;
      logRow(id, end - 1, 'DEBUG', `Step ${key} produced 128 records`, { key, status: 'RUNNING', start: t });
      logRow(id, end, 'INFO', `Step ${key} completed`, { key, status: 'COMPLETED', start: t, end }, { output: { records: 128 } });
    }
    t = end;
  });
  const finished = status !== 'RUNNING' && status !== 'PENDING';
  executions.push({
    id,
    workflowId: WORKFLOW_ID,
    userId: USER,
    status,
    triggerType: 'MANUAL',
    triggerData: {},
    startedAt: iso(start),
    completedAt: finished ? iso(t) : null,
    durationMs: finished ? t - start : null,
    inputData: { sourceUrl: 'https://example.com/data.json' },
    outputData: status === 'COMPLETED' ? { load: { written: 128 } } : {},
    stepsCompleted: completed,
    stepsFailed: failed,
    stepsTotal: STEPS.length,
    errorMessage: status === 'FAILED' ? 'Step transform failed: mapping.price is not a number' : null,
    errorStack: null,
    createdAt: iso(start),
    updatedAt: iso(t),
  });
}

const loadedAt = Date.now();
sample(loadedAt - 86_400_000, 'COMPLETED', [820, 1430, 610], ['COMPLETED', 'COMPLETED', 'COMPLETED']);
sample(loadedAt - 3_600_000, 'FAILED', [640, 1900, 0], ['COMPLETED', 'FAILED', 'SKIPPED']);
sample(loadedAt - 4_000, 'RUNNING', [900, 0, 0], ['COMPLETED', 'open', 'PENDING']);
// The running sample's last step has not started: drop its rows.
for (let i = logs.length - 1; i >= 0; i--) if (logs[i]!.stepKey === 'load' && logs[i]!.executionId === executions[2]!.id) logs.splice(i, 1);

function find(id: string): Execution {
  return executions.find((e) => e.id === id) ?? notFound();
}

export const fakeExecutions: ExecutionsApi = {
  async executionsCreate(input) {
    const at = now();
    const e: Execution = {
      id: newId(),
      workflowId: input.workflowId,
      userId: USER,
      status: 'PENDING',
      triggerType: input.triggerType ?? 'MANUAL',
      triggerData: input.triggerData ?? {},
      startedAt: null,
      completedAt: null,
      durationMs: null,
      inputData: input.inputData ?? {},
      outputData: {},
      stepsCompleted: 0,
      stepsFailed: 0,
      stepsTotal: STEPS.length,
      errorMessage: null,
      errorStack: null,
      createdAt: at,
      updatedAt: at,
    };
    executions.push(e);
    audit('workflow.execute', 'execution', e.id, { after: { workflowId: e.workflowId, status: 'PENDING' } });
    changed();
    return structuredClone(e);
  },

  async executionsList(query) {
    const rows = executions
      .filter(
        (e) =>
          (!query.status || e.status === query.status) &&
          (!query.workflowId || e.workflowId === query.workflowId) &&
          (!query.triggerType || e.triggerType === query.triggerType),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  async executionsGet(id) {
    const e = find(id);
    const latest = new Map<string, StepStatus>();
    for (const l of logs) if (l.executionId === id && l.stepKey && l.stepStatus) latest.set(l.stepKey, l.stepStatus);
    const counts = { total: e.stepsTotal, pending: 0, running: 0, completed: 0, failed: 0, skipped: 0 };
    for (const s of latest.values()) counts[s.toLowerCase() as 'pending' | 'running' | 'completed' | 'failed' | 'skipped'] += 1;
    counts.pending += Math.max(0, e.stepsTotal - latest.size);
    return structuredClone({ ...e, workflowName: WORKFLOW_NAME, stepCounts: counts });
  },

  async executionsLogs(id, query) {
    find(id);
    const rows = logs
      .filter((l) => l.executionId === id && (!query.level || l.level === query.level) && (!query.stepKey || l.stepKey === query.stepKey))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (query.sortOrder === 'desc') rows.reverse();
    return paged(rows, query.page ?? 1, query.pageSize ?? 100);
  },

  async executionsCancel(id) {
    const e = find(id);
    const before = e.status;
    const at = now();
    e.status = 'CANCELLED';
    e.completedAt = at;
    e.durationMs = e.startedAt ? Date.parse(at) - Date.parse(e.startedAt) : 0;
    e.updatedAt = at;
    logRow(id, Date.parse(at), 'WARN', 'Execution cancelled by user');
    audit('execution.cancel', 'execution', id, { status: { before, after: 'CANCELLED' } });
    changed();
    return structuredClone(e);
  },
};
