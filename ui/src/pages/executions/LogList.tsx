// An execution's log lines, oldest first, filtered by level and step, paged; a row with
// metadata (resolved inputs, output, error) expands to show it.
import { Fragment, useState } from 'react';
import { backend } from '../../ipc';
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager } from '../../components/States';
import { count, formatDuration, formatFull, label } from '../../lib/format';
import { usePagedList } from '../../lib/hooks';
import { buildLogQuery, emptyLogFilters, hasContent, LEVELS, logTime, prettyJson, type LogFilters } from './history';

const PAGE_SIZE = 50;

export function LogList(props: {
  executionId: string;
  status: ExecutionStatus;
  stepKeys: readonly string[];
  filters: LogFilters;
  onFilters: (f: LogFilters) => void;
}) {
  const { executionId, filters } = props;
  const { level, stepKey } = filters;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const { state, shown, reload, setPage } = usePagedList(
    (page) => backend.executionsLogs(executionId, buildLogQuery({ level, stepKey }, page, PAGE_SIZE)),
    [executionId, level, stepKey],
  );
  const filtered = level !== '' || stepKey !== '';
  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const stepKeys = stepKey !== '' && !props.stepKeys.includes(stepKey) ? [...props.stepKeys, stepKey] : props.stepKeys;

  return (
    <section className="exec-section" aria-labelledby="logs-heading">
      <div className="exec-section-head">
        <h3 id="logs-heading">Logs</h3>
        {shown && <span className="count">{count(shown.total, 'line')}</span>}
        <span className="spacer" />
        <select
          className="input"
          aria-label="Level"
          value={level}
          onChange={(e) => props.onFilters({ ...filters, level: e.target.value as LogFilters['level'] })}
        >
          <option value="">All levels</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {label(l)}
            </option>
          ))}
        </select>
        <select className="input" aria-label="Step" value={stepKey} onChange={(e) => props.onFilters({ ...filters, stepKey: e.target.value })}>
          <option value="">All steps</option>
          {stepKeys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>

      {state.kind === 'loading' && !state.previous && <LoadingState what="the logs" />}
      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown &&
        shown.items.length === 0 &&
        (filtered ? (
          <NoMatches what="log lines" onClear={() => props.onFilters(emptyLogFilters())} />
        ) : (
          <EmptyState title={props.status === 'PENDING' ? 'No log lines yet — this run has not started.' : 'No log lines for this run.'}>
            The engine writes a line as each step starts, retries, completes, fails or is skipped; they appear here as the run
            goes.
          </EmptyState>
        ))}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table log-table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Step</th>
                <th scope="col">Message</th>
                <th scope="col" className="num">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((row) => {
                const details = hasContent(row.metadata);
                const open = expanded.has(row.id);
                return (
                  <Fragment key={row.id}>
                    <tr data-log-id={row.id} className={`log-row log-${row.level.toLowerCase()}${open ? ' selected' : ''}`}>
                      <td className="log-time">
                        {details ? (
                          <button
                            type="button"
                            className="link expander"
                            aria-expanded={open}
                            aria-label={open ? 'Hide details' : 'Show details'}
                            onClick={() => toggle(row.id)}
                          >
                            {open ? '▾' : '▸'}
                          </button>
                        ) : (
                          <span className="expander-space" />
                        )}{' '}
                        <time dateTime={row.createdAt} title={formatFull(row.createdAt)}>
                          {logTime(row.createdAt)}
                        </time>
                      </td>
                      <td>
                        <span className={`log-level level-${row.level.toLowerCase()}`}>{row.level}</span>
                      </td>
                      <td>
                        {row.stepKey ? (
                          <span className="log-step">
                            <code>{row.stepKey}</code>
                            {row.stepStatus && <span className={`step-dot dot-${row.stepStatus.toLowerCase()}`} title={label(row.stepStatus)} />}
                          </span>
                        ) : (
                          <span className="muted">run</span>
                        )}
                      </td>
                      <td className="log-message">{row.message}</td>
                      <td className="num">{row.stepDurationMs !== null ? formatDuration(row.stepDurationMs) : ''}</td>
                    </tr>
                    {open && (
                      <tr className="log-detail">
                        <td colSpan={5}>
                          <pre className="json">{prettyJson(row.metadata)}</pre>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {shown.totalPages > 1 && <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />}
        </>
      )}
    </section>
  );
}
