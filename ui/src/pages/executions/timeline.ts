// The per-step timeline of an execution, computed from its log rows (docs/engine.md, "What is
// recorded": every step's rows carry step_started_at, step_completed_at and step_duration_ms):
// one bar per step, placed on the run's time axis in percent, with the step's latest status.
// No React here, so the geometry is unit-tested (timeline.test.ts).
import type { ExecutionLog } from '../../bindings/ExecutionLog';
import type { StepStatus } from '../../bindings/StepStatus';
import { formatDuration } from '../../lib/format';

/** What the timeline needs of an execution. */
export interface RunSpan {
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
}

export interface StepBar {
  stepKey: string;
  /** The latest status the step's rows give (by time, then by row order). */
  status: StepStatus;
  /** Milliseconds since the epoch. */
  start: number;
  end: number;
  /** The step did not finish yet: its bar runs to "now" (or the run's end). */
  open: boolean;
  durationMs: number;
  /** Position on the axis, in percent of its width. */
  left: number;
  width: number;
  /** How many retries were logged (docs/engine.md: each retry of a step is a warn row). */
  retries: number;
}

export interface Timeline {
  /** The axis: the run's start and end (or now), in ms since the epoch. */
  start: number;
  end: number;
  bars: StepBar[];
}

/** A bar never gets thinner than this, so an instant step stays visible and clickable. */
export const MIN_BAR_PERCENT = 0.75;

const ms = (iso: string | null): number | null => {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

interface Acc {
  stepKey: string;
  start: number | null;
  end: number | null;
  status: StepStatus | null;
  statusAt: number;
  durationMs: number | null;
  retries: number;
  firstSeen: number;
}

/**
 * Bars for every step that has log rows; steps are ordered by start time (then by key). The
 * axis spans the run (started_at → completed_at) widened to hold every step; an unfinished run
 * or step ends at `now`. Rows without a step key (the run's own lines) only widen nothing.
 */
export function buildTimeline(run: RunSpan, logs: readonly ExecutionLog[], now: number): Timeline | null {
  const steps = new Map<string, Acc>();
  logs.forEach((log, index) => {
    if (log.stepKey === null) return;
    const created = ms(log.createdAt) ?? 0;
    let acc = steps.get(log.stepKey);
    if (!acc) {
      acc = { stepKey: log.stepKey, start: null, end: null, status: null, statusAt: -Infinity, durationMs: null, retries: 0, firstSeen: index };
      steps.set(log.stepKey, acc);
    }
    const started = ms(log.stepStartedAt) ?? created;
    acc.start = acc.start === null ? started : Math.min(acc.start, started);
    const completed = ms(log.stepCompletedAt);
    const byDuration = log.stepDurationMs !== null && ms(log.stepStartedAt) !== null ? ms(log.stepStartedAt)! + log.stepDurationMs : null;
    const end = completed ?? byDuration;
    if (end !== null) acc.end = acc.end === null ? end : Math.max(acc.end, end);
    if (log.stepDurationMs !== null) acc.durationMs = Math.max(acc.durationMs ?? 0, log.stepDurationMs);
    if (log.stepStatus !== null && created >= acc.statusAt) {
      acc.status = log.stepStatus;
      acc.statusAt = created;
    }
    if (log.level === 'WARN') acc.retries += 1;
  });
  if (steps.size === 0) return null;

  const runStart = ms(run.startedAt) ?? ms(run.createdAt) ?? now;
  const runEnd = ms(run.completedAt);
  const accs = [...steps.values()];
  const isOpen = (a: Acc) => a.end === null || a.status === 'RUNNING' || a.status === 'PENDING';
  const axisStart = Math.min(runStart, ...accs.map((a) => a.start ?? runStart));
  const closedEnds = accs.map((a) => a.end ?? axisStart);
  const anyOpen = accs.some(isOpen);
  let axisEnd = Math.max(runEnd ?? (anyOpen ? now : axisStart), ...closedEnds);
  if (axisEnd <= axisStart) axisEnd = axisStart + 1;
  const span = axisEnd - axisStart;

  const bars = accs
    .sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.firstSeen - b.firstSeen)
    .map((a): StepBar => {
      const open = isOpen(a);
      const start = a.start ?? axisStart;
      const end = open ? Math.max(a.end ?? start, runEnd ?? now) : Math.max(a.end ?? start, start);
      const clampedEnd = Math.min(end, axisEnd);
      const left = ((start - axisStart) / span) * 100;
      const width = Math.max(MIN_BAR_PERCENT, ((clampedEnd - start) / span) * 100);
      return {
        stepKey: a.stepKey,
        status: a.status ?? 'PENDING',
        start,
        end: clampedEnd,
        open,
        durationMs: open ? clampedEnd - start : (a.durationMs ?? clampedEnd - start),
        left: Math.min(left, 100 - MIN_BAR_PERCENT),
        width: Math.min(width, 100 - Math.min(left, 100 - MIN_BAR_PERCENT)),
        retries: a.retries,
      };
    });
  return { start: axisStart, end: axisEnd, bars };
}

export interface Tick {
  /** Percent along the axis. */
  at: number;
  label: string;
}

const STEPS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

/** Round-number offsets from the start ("0 ms", "500 ms", "1.00 s", …), at most `max` + 1 of them. */
export function axisTicks(spanMs: number, max = 5): Tick[] {
  if (!(spanMs > 0)) return [{ at: 0, label: formatDuration(0) }];
  const step = STEPS_MS.find((s) => spanMs / s <= max) ?? Math.ceil(spanMs / max);
  const ticks: Tick[] = [];
  for (let t = 0; t <= spanMs + 1e-9; t += step) ticks.push({ at: (t / spanMs) * 100, label: formatDuration(t) });
  return ticks;
}
