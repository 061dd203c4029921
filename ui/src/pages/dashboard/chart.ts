// Pure logic of the Dashboard: the per-day numbers of `dashboard_stats` shaped for the charts,
// and how the page writes rates and ranges. No React here, so all of it is unit-tested
// (chart.test.ts). The numbers themselves are computed in Rust (services/src/stats.rs).
import type { DashboardStats } from '../../bindings/DashboardStats';
import type { DayStats } from '../../bindings/DayStats';
import type { StatsQuery } from '../../bindings/StatsQuery';

/** The ranges the selector offers, in days; the service accepts 1–366. */
export const RANGES = [7, 30, 90] as const;
export type RangeDays = (typeof RANGES)[number];
export const DEFAULT_RANGE: RangeDays = 30;

/** One point of the charts. Null values are gaps: days without finished runs. */
export interface ChartRow {
  /** `YYYY-MM-DD`. */
  day: string;
  /** "Mar 10": the axis label. */
  label: string;
  runs: number;
  completed: number;
  failed: number;
  /** Cancelled, pending and running runs: counted in `runs`, neither success nor failure. */
  other: number;
  /** 0–100 with one decimal, or null. */
  successPct: number | null;
  avgDurationMs: number | null;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' });

function dayDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/**
 * "Mar 10" for a `YYYY-MM-DD` day. The day is a calendar date already in the user's zone (the
 * service buckets by it), so it is formatted as UTC to keep the browser from shifting it.
 */
export function dayLabel(day: string): string {
  return dayFormat.format(dayDate(day));
}

const shortDateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** "Mar 10, 3:04 PM": a recent moment without its year (the full one goes in a tooltip). */
export function shortDateTime(iso: string): string {
  return shortDateTimeFormat.format(new Date(iso));
}

/** "Tuesday, March 10, 2026", for tooltips. */
export function longDayLabel(day: string): string {
  return longDayFormat.format(dayDate(day));
}

/** A rate of 0–1 as a percentage with one decimal (0.6667 → 66.7), or null. */
export function toPercent(rate: number | null): number | null {
  if (rate === null || !Number.isFinite(rate)) return null;
  return Math.round(rate * 1000) / 10;
}

/** "66.7 %", "100 %", or "—" when there is no rate. */
export function formatRate(rate: number | null): string {
  const pct = toPercent(rate);
  if (pct === null) return '—';
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

export function chartRows(days: readonly DayStats[]): ChartRow[] {
  return days.map((d) => ({
    day: d.day,
    label: dayLabel(d.day),
    runs: d.runs,
    completed: d.completed,
    failed: d.failed,
    other: Math.max(0, d.runs - d.completed - d.failed),
    successPct: toPercent(d.successRate),
    avgDurationMs: d.avgDurationMs,
  }));
}

/** Whether any point has a value, so a chart of only gaps can say so instead of drawing axes. */
export function hasValues(rows: readonly ChartRow[], key: 'successPct' | 'avgDurationMs' | 'runs'): boolean {
  return rows.some((r) => r[key] !== null && r[key] !== 0);
}

/**
 * How many ticks to skip between x-axis labels so that about `target` labels show (Recharts'
 * `interval`): every day for a week, about weekly for a quarter.
 */
export function tickInterval(points: number, target = 8): number {
  if (points <= target) return 0;
  return Math.ceil(points / target) - 1;
}

/** The user's offset from UTC in minutes (UTC+2 → 120), for day buckets at local midnight. */
export function utcOffsetMinutes(at: Date = new Date()): number {
  const offset = -at.getTimezoneOffset();
  return offset === 0 ? 0 : offset; // never -0
}

export function statsQuery(days: number, at: Date = new Date()): StatsQuery {
  return { days, utcOffsetMinutes: utcOffsetMinutes(at) };
}

/** The range selector's value from a stored or typed one; anything else is the default. */
export function parseRange(value: unknown): RangeDays {
  const n = Number(value);
  return (RANGES as readonly number[]).includes(n) ? (n as RangeDays) : DEFAULT_RANGE;
}

/** Nothing ever ran: the page shows what to do instead of empty charts. */
export function neverRan(stats: Pick<DashboardStats, 'counts'>): boolean {
  return stats.counts.executions === 0;
}

/** A compact duration for a chart axis: "850 ms", "12 s", "4.5 min", "2.1 h". */
export function durationTick(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms === 0) return '0';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

function trim(n: number): string {
  return n >= 10 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, '');
}

/** The share of `part` in `whole` as a bar width, 0–100 (top lists). */
export function barWidth(part: number, whole: number): number {
  if (whole <= 0 || part <= 0) return 0;
  return Math.min(100, Math.round((part / whole) * 1000) / 10);
}
