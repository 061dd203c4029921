import { describe, expect, it } from 'vitest';
import type { ExecutionLog } from '../../bindings/ExecutionLog';
import { axisTicks, buildTimeline, MIN_BAR_PERCENT } from './timeline';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

let n = 0;
function log(partial: Partial<ExecutionLog> & { createdAt: string }): ExecutionLog {
  n += 1;
  return {
    id: `log-${n}`,
    executionId: 'e',
    workflowStepId: null,
    level: 'INFO',
    message: 'm',
    metadata: {},
    stepKey: null,
    stepStatus: null,
    stepStartedAt: null,
    stepCompletedAt: null,
    stepDurationMs: null,
    ...partial,
  };
}

/** A step's started row and its finished row, as the engine writes them. */
function step(key: string, startMs: number, endMs: number, status: 'COMPLETED' | 'FAILED' | 'SKIPPED' = 'COMPLETED') {
  return [
    log({ createdAt: at(startMs), stepKey: key, stepStatus: 'RUNNING', stepStartedAt: at(startMs) }),
    log({
      createdAt: at(endMs),
      stepKey: key,
      stepStatus: status,
      level: status === 'FAILED' ? 'ERROR' : 'INFO',
      stepStartedAt: at(startMs),
      stepCompletedAt: at(endMs),
      stepDurationMs: endMs - startMs,
    }),
  ];
}

const finishedRun = { startedAt: at(0), completedAt: at(1000), createdAt: at(0) };

describe('buildTimeline', () => {
  it('is null when no row belongs to a step', () => {
    expect(buildTimeline(finishedRun, [log({ createdAt: at(5), message: 'Execution cancelled by user', level: 'WARN' })], T0 + 2000)).toBeNull();
    expect(buildTimeline(finishedRun, [], T0)).toBeNull();
  });

  it('places each step on the run axis in percent, in start order, with its final status', () => {
    const logs = [...step('fetch', 0, 200), ...step('transform', 200, 700, 'FAILED'), ...step('load', 700, 1000, 'SKIPPED')];
    const t = buildTimeline(finishedRun, logs, T0 + 5000)!;
    expect(t.start).toBe(T0);
    expect(t.end).toBe(T0 + 1000);
    expect(t.bars.map((b) => [b.stepKey, b.status, b.left, b.width, b.durationMs])).toEqual([
      ['fetch', 'COMPLETED', 0, 20, 200],
      ['transform', 'FAILED', 20, 50, 500],
      ['load', 'SKIPPED', 70, 30, 300],
    ]);
    expect(t.bars.every((b) => !b.open)).toBe(true);
  });

  it('orders bars by start time whatever order the rows came in', () => {
    const logs = [...step('b', 500, 600), ...step('a', 100, 200)];
    expect(buildTimeline(finishedRun, logs, T0)!.bars.map((b) => b.stepKey)).toEqual(['a', 'b']);
  });

  it('runs an unfinished step of a running run up to now', () => {
    const running = { startedAt: at(0), completedAt: null, createdAt: at(0) };
    const logs = [...step('fetch', 0, 100), log({ createdAt: at(100), stepKey: 'work', stepStatus: 'RUNNING', stepStartedAt: at(100) })];
    const t = buildTimeline(running, logs, T0 + 400)!;
    expect(t.end).toBe(T0 + 400);
    const work = t.bars.find((b) => b.stepKey === 'work')!;
    expect(work.open).toBe(true);
    expect(work.status).toBe('RUNNING');
    expect(work.left).toBe(25);
    expect(work.width).toBe(75);
    expect(work.durationMs).toBe(300);
  });

  it('widens the axis to hold a step that ends after the recorded completion', () => {
    const run = { startedAt: at(0), completedAt: at(500), createdAt: at(0) };
    const t = buildTimeline(run, step('late', 0, 1000), T0)!;
    expect(t.end).toBe(T0 + 1000);
    expect(t.bars[0]!.width).toBe(100);
  });

  it('keeps an instant step visible with the minimum width', () => {
    const logs = [...step('a', 0, 1000), ...step('instant', 1000, 1000)];
    const bar = buildTimeline(finishedRun, logs, T0)!.bars.find((b) => b.stepKey === 'instant')!;
    expect(bar.width).toBe(MIN_BAR_PERCENT);
    expect(bar.left + bar.width).toBeLessThanOrEqual(100);
  });

  it('uses start + duration when a row has no completion time, and counts retries', () => {
    const logs = [
      log({ createdAt: at(0), stepKey: 's', stepStatus: 'RUNNING', stepStartedAt: at(0) }),
      log({ createdAt: at(100), stepKey: 's', stepStatus: 'RUNNING', level: 'WARN', stepStartedAt: at(0) }),
      log({ createdAt: at(250), stepKey: 's', stepStatus: 'COMPLETED', stepStartedAt: at(0), stepDurationMs: 250 }),
    ];
    const bar = buildTimeline(finishedRun, logs, T0)!.bars[0]!;
    expect(bar.end).toBe(T0 + 250);
    expect(bar.width).toBe(25);
    expect(bar.retries).toBe(1);
    expect(bar.status).toBe('COMPLETED');
  });
});

describe('axisTicks', () => {
  it('picks a round step giving at most max + 1 ticks', () => {
    expect(axisTicks(1000).map((t) => t.label)).toEqual(['0 ms', '200 ms', '400 ms', '600 ms', '800 ms', '1.00 s']);
    expect(axisTicks(1000).map((t) => t.at)).toEqual([0, 20, 40, 60, 80, 100]);
    const long = axisTicks(125_000);
    expect(long.length).toBeLessThanOrEqual(6);
    expect(long[1]!.label).toBe('30.0 s');
  });
  it('gives a single tick for an empty span', () => {
    expect(axisTicks(0)).toEqual([{ at: 0, label: '0 ms' }]);
  });
});
