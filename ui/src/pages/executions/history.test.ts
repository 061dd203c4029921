import { describe, expect, it } from 'vitest';
import {
  buildExecutionQuery,
  buildLogQuery,
  emptyHistoryFilters,
  emptyLogFilters,
  filtersFromHash,
  hasContent,
  isCancellable,
  isHistoryFiltered,
  logTime,
  runDurationMs,
  stepsLabel,
} from './history';

const WF = '0190a0b0-0000-7000-8000-000000000001';

describe('buildExecutionQuery', () => {
  it('asks for the newest first and leaves empty filters out', () => {
    expect(buildExecutionQuery(emptyHistoryFilters(), 2, 20)).toEqual({ page: 2, pageSize: 20, sortBy: 'createdAt', sortOrder: 'desc' });
  });
  it('passes each chosen filter', () => {
    expect(buildExecutionQuery({ status: 'FAILED', workflowId: WF, triggerType: 'SCHEDULED' }, 1, 10)).toEqual({
      page: 1,
      pageSize: 10,
      sortBy: 'createdAt',
      sortOrder: 'desc',
      status: 'FAILED',
      workflowId: WF,
      triggerType: 'SCHEDULED',
    });
  });
  it('knows when anything narrows the list', () => {
    expect(isHistoryFiltered(emptyHistoryFilters())).toBe(false);
    expect(isHistoryFiltered({ ...emptyHistoryFilters(), triggerType: 'API' })).toBe(true);
  });
});

describe('filtersFromHash', () => {
  it('reads known filters from the hash query', () => {
    expect(filtersFromHash(`#/executions?workflowId=${WF.toUpperCase()}&status=failed&triggerType=manual`)).toEqual({
      status: 'FAILED',
      workflowId: WF,
      triggerType: 'MANUAL',
    });
  });
  it('ignores what it does not know', () => {
    expect(filtersFromHash('#/executions')).toEqual(emptyHistoryFilters());
    expect(filtersFromHash('#/executions?status=done&workflowId=x&triggerType=cron')).toEqual(emptyHistoryFilters());
  });
});

describe('buildLogQuery', () => {
  it('lists oldest first, filtered by level and step', () => {
    expect(buildLogQuery(emptyLogFilters(), 1, 50)).toEqual({ page: 1, pageSize: 50, sortOrder: 'asc' });
    expect(buildLogQuery({ level: 'WARN', stepKey: 'fetch' }, 3, 50)).toEqual({ page: 3, pageSize: 50, sortOrder: 'asc', level: 'WARN', stepKey: 'fetch' });
  });
});

describe('execution summaries', () => {
  it('can cancel only a pending or running run', () => {
    expect(isCancellable('PENDING')).toBe(true);
    expect(isCancellable('RUNNING')).toBe(true);
    for (const s of ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'] as const) expect(isCancellable(s)).toBe(false);
  });
  it('says how far the steps got', () => {
    expect(stepsLabel({ stepsTotal: 3, stepsCompleted: 0, stepsFailed: 0 })).toBe('3 steps');
    expect(stepsLabel({ stepsTotal: 1, stepsCompleted: 0, stepsFailed: 0 })).toBe('1 step');
    expect(stepsLabel({ stepsTotal: 3, stepsCompleted: 2, stepsFailed: 0 })).toBe('2 of 3 done');
    expect(stepsLabel({ stepsTotal: 3, stepsCompleted: 1, stepsFailed: 1 })).toBe('1 of 3 done · 1 failed');
  });
  it('takes the recorded duration, or the time since start of a running run', () => {
    const startedAt = '2026-03-01T10:00:00.000Z';
    expect(runDurationMs({ durationMs: 1234, startedAt, status: 'COMPLETED' }, 0)).toBe(1234);
    expect(runDurationMs({ durationMs: null, startedAt, status: 'RUNNING' }, Date.parse(startedAt) + 900)).toBe(900);
    expect(runDurationMs({ durationMs: null, startedAt: null, status: 'PENDING' }, 0)).toBeNull();
  });
  it('treats empty JSON as nothing to show', () => {
    expect(hasContent({})).toBe(false);
    expect(hasContent([])).toBe(false);
    expect(hasContent(null)).toBe(false);
    expect(hasContent({ a: 1 })).toBe(true);
    expect(hasContent(0)).toBe(true);
  });
  it('writes a log time of day with milliseconds', () => {
    const d = new Date(2026, 2, 1, 14, 3, 7, 25);
    expect(logTime(d.toISOString())).toBe('14:03:07.025');
    expect(logTime('soon')).toBe('soon');
  });
});
