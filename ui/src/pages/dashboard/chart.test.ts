import { describe, expect, it } from 'vitest';
import type { DayStats } from '../../bindings/DayStats';
import {
  barWidth,
  chartRows,
  dayLabel,
  DEFAULT_RANGE,
  durationTick,
  formatRate,
  hasValues,
  neverRan,
  parseRange,
  shortDateTime,
  statsQuery,
  tickInterval,
  toPercent,
  utcOffsetMinutes,
} from './chart';

const day = (d: string, patch: Partial<DayStats> = {}): DayStats => ({
  day: d,
  runs: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  successRate: null,
  avgDurationMs: null,
  ...patch,
});

describe('chartRows', () => {
  const rows = chartRows([
    day('2026-03-08', { runs: 1, failed: 1, successRate: 0, avgDurationMs: 500 }),
    day('2026-03-09'),
    day('2026-03-10', { runs: 5, completed: 2, failed: 1, cancelled: 1, successRate: 2 / 3, avgDurationMs: 2000 }),
  ]);

  it('keeps every day, in order, with empty days as gaps', () => {
    expect(rows.map((r) => r.day)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    expect(rows[1]).toMatchObject({ runs: 0, successPct: null, avgDurationMs: null });
  });

  it('turns rates into percentages and keeps a 0 % day apart from a gap', () => {
    expect(rows[0]!.successPct).toBe(0);
    expect(rows[2]!.successPct).toBe(66.7);
  });

  it('splits the runs into completed, failed and the rest', () => {
    expect(rows[2]).toMatchObject({ completed: 2, failed: 1, other: 2, avgDurationMs: 2000 });
    expect(rows[2]!.completed + rows[2]!.failed + rows[2]!.other).toBe(rows[2]!.runs);
  });

  it('knows whether a series has anything to draw', () => {
    expect(hasValues(rows, 'successPct')).toBe(true);
    expect(hasValues(chartRows([day('2026-03-09'), day('2026-03-10')]), 'avgDurationMs')).toBe(false);
    expect(hasValues(chartRows([day('2026-03-09')]), 'runs')).toBe(false);
  });
});

describe('labels', () => {
  it('writes a day as the calendar date it is, in any time zone', () => {
    const local = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }).format(new Date(2026, 2, 10));
    expect(dayLabel('2026-03-10')).toBe(local);
    expect(chartRows([day('2026-01-01')])[0]!.label).toBe(
      new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }).format(new Date(2026, 0, 1)),
    );
  });

  it('writes a recent moment without its year', () => {
    const text = shortDateTime('2026-03-10T15:04:00.000Z');
    expect(text).not.toContain('2026');
    expect(text).toContain(String(new Date('2026-03-10T15:04:00.000Z').getDate()));
  });

  it('formats rates', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(1)).toBe('100 %');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(2 / 3)).toBe('66.7 %');
    expect(toPercent(Number.NaN)).toBeNull();
  });

  it('writes compact durations for the axis', () => {
    expect(durationTick(0)).toBe('0');
    expect(durationTick(850)).toBe('850 ms');
    expect(durationTick(1500)).toBe('1.5 s');
    expect(durationTick(12_000)).toBe('12 s');
    expect(durationTick(270_000)).toBe('4.5 min');
    expect(durationTick(7_560_000)).toBe('2.1 h');
    expect(durationTick(-1)).toBe('');
  });
});

describe('ranges and queries', () => {
  it('accepts only the offered ranges', () => {
    expect(parseRange('7')).toBe(7);
    expect(parseRange(90)).toBe(90);
    expect(parseRange(31)).toBe(DEFAULT_RANGE);
    expect(parseRange(null)).toBe(DEFAULT_RANGE);
  });

  it('sends the local UTC offset with the range', () => {
    const at = new Date(2026, 2, 10, 12);
    expect(utcOffsetMinutes(at)).toBe(-at.getTimezoneOffset() || 0);
    expect(Object.is(utcOffsetMinutes({ getTimezoneOffset: () => 0 } as Date), -0)).toBe(false);
    expect(utcOffsetMinutes({ getTimezoneOffset: () => -120 } as Date)).toBe(120);
    expect(statsQuery(7, { getTimezoneOffset: () => 300 } as Date)).toEqual({ days: 7, utcOffsetMinutes: -300 });
  });

  it('thins the axis labels of long ranges', () => {
    expect(tickInterval(7)).toBe(0);
    expect(tickInterval(30)).toBe(3);
    expect(tickInterval(90)).toBe(11);
  });

  it('knows when nothing ever ran', () => {
    const counts = { agents: 5, workflows: 2, templates: 6, executions: 0, deployments: 0, activeDeployments: 0, apiKeys: 0 };
    expect(neverRan({ counts })).toBe(true);
    expect(neverRan({ counts: { ...counts, executions: 1 } })).toBe(false);
  });

  it('sizes the bars of the top lists', () => {
    expect(barWidth(5, 10)).toBe(50);
    expect(barWidth(0, 0)).toBe(0);
    expect(barWidth(12, 10)).toBe(100);
  });
});
