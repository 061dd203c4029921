// The Dashboard: counts of everything, runs per day with the success rate and the average
// duration over a chosen range, the latest runs and the busiest workflows and agents. All of it
// comes from one `dashboard_stats` call (SQL aggregates in services/src/stats.rs) and reloads
// after any write; shaping for the charts lives in pages/dashboard/chart.ts.
import { useState } from 'react';
import { backend } from '../ipc';
import type { DashboardStats } from '../bindings/DashboardStats';
import type { TopEntry } from '../bindings/TopEntry';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, LoadingState, StatusBadge } from '../components/States';
import { DataTable } from '../components/Table';
import { formatDateTime, formatDuration, formatFull, label, shortId } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { href } from '../routes';
import { DurationChart, RunsChart, RunsLegend } from './dashboard/Charts';
import {
  barWidth,
  chartRows,
  DEFAULT_RANGE,
  formatRate,
  hasValues,
  neverRan,
  RANGES,
  shortDateTime,
  statsQuery,
  type RangeDays,
} from './dashboard/chart';
import './dashboard/dashboard.css';

function CountCard(props: { label: string; value: number; page: string; sub?: string }) {
  return (
    <a className="dash-card" href={href(props.page)} data-count={props.page}>
      <span className="dash-card-label">{props.label}</span>
      <span className="dash-card-value">{props.value.toLocaleString()}</span>
      {props.sub && <span className="dash-card-sub">{props.sub}</span>}
    </a>
  );
}

function Counts({ stats }: { stats: DashboardStats }) {
  const c = stats.counts;
  return (
    <div className="dash-cards" aria-label="Counts">
      <CountCard label="Agents" value={c.agents} page="agents" />
      <CountCard label="Workflows" value={c.workflows} page="workflows" />
      <CountCard label="Templates" value={c.templates} page="templates" />
      <CountCard label="Executions" value={c.executions} page="executions" sub="all time" />
      <CountCard label="Active deployments" value={c.activeDeployments} page="deployments" sub={`of ${c.deployments}`} />
      <CountCard label="API keys" value={c.apiKeys} page="api-keys" sub="active" />
    </div>
  );
}

function RangePicker({ days, onChange }: { days: RangeDays; onChange: (days: RangeDays) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Chart range">
      {RANGES.map((d) => (
        <button key={d} type="button" className={d === days ? 'on' : undefined} aria-pressed={d === days} onClick={() => onChange(d)}>
          {d} days
        </button>
      ))}
    </div>
  );
}

function Charts({ stats, days }: { stats: DashboardStats; days: RangeDays }) {
  const rows = chartRows(stats.days);
  const t = stats.totals;
  return (
    <section className="dash-panel dash-charts" aria-labelledby="dash-charts-heading">
      <header className="dash-panel-header">
        <h3 id="dash-charts-heading">Runs, last {days} days</h3>
        <dl className="dash-summary">
          <div>
            <dt>Runs</dt>
            <dd data-total="runs">{t.runs.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Success rate</dt>
            <dd>{formatRate(t.successRate)}</dd>
          </div>
          <div>
            <dt>Avg duration</dt>
            <dd>{formatDuration(t.avgDurationMs)}</dd>
          </div>
        </dl>
      </header>
      {t.runs === 0 ? (
        <p className="dash-note">No runs in the last {days} days. Choose a longer range to see older ones.</p>
      ) : (
        <div className="dash-chart-grid">
          <figure className="dash-figure">
            <figcaption>Runs per day and success rate</figcaption>
            <RunsChart rows={rows} />
            <RunsLegend />
          </figure>
          <figure className="dash-figure">
            <figcaption>Average duration per day</figcaption>
            {hasValues(rows, 'avgDurationMs') ? (
              <DurationChart rows={rows} />
            ) : (
              <p className="dash-note">No finished runs with a duration in this range yet.</p>
            )}
            <p className="dash-figure-note muted">Completed and failed runs; days without any are gaps.</p>
          </figure>
        </div>
      )}
    </section>
  );
}

function Recent({ stats }: { stats: DashboardStats }) {
  return (
    <section className="dash-panel" aria-labelledby="dash-recent-heading">
      <header className="dash-panel-header">
        <h3 id="dash-recent-heading">Recent executions</h3>
        <span className="spacer" />
        <a href={href('executions')}>All executions →</a>
      </header>
      <div className="dash-table-wrap">
        <DataTable className="table dash-table" columns={['Workflow', 'Status', 'Started', { label: 'Duration', num: true }]}>
          {stats.recent.map((e) => (
            <tr key={e.id} data-execution-id={e.id}>
              <td>
                <a className="cell-name" href={href('executions', e.id)}>
                  {e.workflowName || 'Deleted workflow'}
                </a>
                <div className="cell-sub">
                  <span title={e.id}>{shortId(e.id)}</span> · {label(e.triggerType)}
                </div>
              </td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>
                <time dateTime={e.createdAt} title={formatFull(e.createdAt)}>
                  {shortDateTime(e.createdAt)}
                </time>
              </td>
              <td className="num">{formatDuration(e.durationMs)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </section>
  );
}

function TopList(props: { title: string; note: string; entries: TopEntry[]; link: (e: TopEntry) => string; empty: string }) {
  const most = props.entries[0]?.runs ?? 0;
  return (
    <section className="dash-panel" aria-label={props.title}>
      <header className="dash-panel-header">
        <h3>{props.title}</h3>
        <span className="muted dash-panel-note">{props.note}</span>
      </header>
      {props.entries.length === 0 ? (
        <p className="dash-note">{props.empty}</p>
      ) : (
        <ol className="dash-top">
          {props.entries.map((e) => (
            <li key={e.id}>
              <a href={props.link(e)} className="dash-top-name">
                {e.name || shortId(e.id)}
              </a>
              <span className="dash-top-runs">
                {e.runs.toLocaleString()} {e.runs === 1 ? 'run' : 'runs'}
              </span>
              <span className="dash-top-sub muted">{e.successful.toLocaleString()} successful</span>
              <span className="dash-top-bar" aria-hidden="true">
                <span style={{ width: `${barWidth(e.runs, most)}%` }} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function DashboardPage() {
  const [days, setDays] = useState<RangeDays>(DEFAULT_RANGE);
  const { state, shown, reload } = useLoad(() => backend.dashboardStats(statsQuery(days)), [days]);

  return (
    <Page
      className="dashboard"
      headingId="dashboard-heading"
      title="Dashboard"
      count={shown && <>as of {formatDateTime(shown.asOf)}</>}
      countTitle={shown && formatFull(shown.asOf)}
      actions={<RangePicker days={days} onChange={setDays} />}
    >

      {state.kind === 'loading' && !state.previous && <LoadingState what="the dashboard" />}
      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown && (
        <div className="dash-body" aria-busy={state.kind === 'loading'}>
          <Counts stats={shown} />
          {neverRan(shown) ? (
            <EmptyState title="No runs yet.">
              Build a workflow on the <a href={href('workflows')}>Workflows</a> page, or start from one in{' '}
              <a href={href('templates')}>Templates</a>, set it to Active and press <strong>Run…</strong> in the builder.
              Its runs appear here, with the success rate and duration charts.
            </EmptyState>
          ) : (
            <>
              <Charts stats={shown} days={days} />
              <div className="dash-columns">
                <Recent stats={shown} />
                <div className="dash-side">
                  <TopList
                    title="Top workflows"
                    note={`runs, last ${days} days`}
                    entries={shown.topWorkflows}
                    link={(e) => href('workflows', e.id)}
                    empty={`No workflow ran in the last ${days} days.`}
                  />
                  <TopList
                    title="Top agents"
                    note="step runs, all time"
                    entries={shown.topAgents}
                    link={() => href('agents')}
                    empty="No agent has run a step yet."
                  />
                </div>
              </div>
            </>
          )}
        </div>
      )}
    </Page>
  );
}
