// The Dashboard's two charts (Recharts): runs per day as stacked bars with the success rate as
// a line, and the average duration per day. Days without finished runs are gaps in the lines,
// not zeros. Colours are the theme's CSS variables, so the dark theme applies.
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { formatDuration } from '../../lib/format';
import { durationTick, longDayLabel, tickInterval, type ChartRow } from './chart';

const HEIGHT = 240;
const AXIS = { fill: 'var(--text-muted)', fontSize: 12 };
const COLOURS = {
  completed: 'var(--ok-fg)',
  failed: 'var(--danger-fg)',
  other: 'var(--idle-fg)',
  rate: 'var(--accent)',
  duration: 'var(--accent)',
};

/** The tooltip of a day: everything the service said about it. */
function DayTooltip(props: TooltipContentProps) {
  const row = props.active ? (props.payload?.[0]?.payload as ChartRow | undefined) : undefined;
  if (!row) return null;
  return (
    <div className="dash-tooltip">
      <p className="dash-tooltip-day">{longDayLabel(row.day)}</p>
      <dl>
        <dt>Runs</dt>
        <dd>{row.runs}</dd>
        <dt>Completed</dt>
        <dd>{row.completed}</dd>
        <dt>Failed</dt>
        <dd>{row.failed}</dd>
        {row.other > 0 && (
          <>
            <dt>Other</dt>
            <dd>{row.other}</dd>
          </>
        )}
        <dt>Success rate</dt>
        <dd>{row.successPct === null ? '—' : `${row.successPct} %`}</dd>
        <dt>Avg duration</dt>
        <dd>{formatDuration(row.avgDurationMs)}</dd>
      </dl>
    </div>
  );
}

export function RunsChart({ rows }: { rows: ChartRow[] }) {
  return (
    <ComposedChart
      responsive
      style={{ width: '100%', height: HEIGHT }}
      data={rows}
      margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      accessibilityLayer
    >
      <CartesianGrid stroke="var(--border)" vertical={false} />
      <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: 'var(--border)' }} interval={tickInterval(rows.length)} />
      <YAxis yAxisId="runs" allowDecimals={false} tick={AXIS} tickLine={false} axisLine={false} width={40} />
      <YAxis
        yAxisId="rate"
        orientation="right"
        domain={[0, 100]}
        ticks={[0, 25, 50, 75, 100]}
        tickFormatter={(v: number) => `${v}%`}
        tick={AXIS}
        tickLine={false}
        axisLine={false}
        width={44}
      />
      <Tooltip content={DayTooltip} cursor={{ fill: 'var(--surface-2)' }} />
      <Bar yAxisId="runs" dataKey="completed" name="Completed" stackId="runs" fill={COLOURS.completed} isAnimationActive={false} />
      <Bar yAxisId="runs" dataKey="failed" name="Failed" stackId="runs" fill={COLOURS.failed} isAnimationActive={false} />
      <Bar yAxisId="runs" dataKey="other" name="Other" stackId="runs" fill={COLOURS.other} isAnimationActive={false} />
      <Line
        yAxisId="rate"
        type="monotone"
        dataKey="successPct"
        name="Success rate"
        stroke={COLOURS.rate}
        strokeWidth={2}
        dot={{ r: 2, fill: COLOURS.rate }}
        connectNulls={false}
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}

export function DurationChart({ rows }: { rows: ChartRow[] }) {
  return (
    <LineChart
      responsive
      style={{ width: '100%', height: HEIGHT }}
      data={rows}
      margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
      accessibilityLayer
    >
      <CartesianGrid stroke="var(--border)" vertical={false} />
      <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: 'var(--border)' }} interval={tickInterval(rows.length)} />
      <YAxis tickFormatter={durationTick} tick={AXIS} tickLine={false} axisLine={false} width={56} />
      <Tooltip content={DayTooltip} cursor={{ stroke: 'var(--border)' }} />
      <Line
        type="monotone"
        dataKey="avgDurationMs"
        name="Average duration"
        stroke={COLOURS.duration}
        strokeWidth={2}
        dot={{ r: 2, fill: COLOURS.duration }}
        connectNulls={false}
        isAnimationActive={false}
      />
    </LineChart>
  );
}

/** The colour key of the runs chart, as HTML (Recharts' legend is harder to theme). */
export function RunsLegend() {
  const item = (colour: string, text: string, line = false) => (
    <li>
      <span className={line ? 'dash-key dash-key-line' : 'dash-key'} style={{ background: colour }} aria-hidden="true" />
      {text}
    </li>
  );
  return (
    <ul className="dash-legend" aria-label="Chart key">
      {item(COLOURS.completed, 'Completed')}
      {item(COLOURS.failed, 'Failed or timed out')}
      {item(COLOURS.other, 'Cancelled or unfinished')}
      {item(COLOURS.rate, 'Success rate', true)}
    </ul>
  );
}
