// An execution's log lines, oldest first, filtered by level and step, paged; a row with
// metadata (resolved inputs, output, error) expands to show it.
import { Fragment } from 'react';
import { backend } from '../../ipc';
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import { EnumSelect } from '../../components/Filters';
import { ListView } from '../../components/ListView';
import { EmptyState } from '../../components/States';
import { DataTable, Expander } from '../../components/Table';
import { count, formatDuration, formatFull, label } from '../../lib/format';
import { usePagedList, useToggleSet } from '../../lib/hooks';
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
  const [expanded, toggle] = useToggleSet();
  const list = usePagedList(
    (page) => backend.executionsLogs(executionId, buildLogQuery({ level, stepKey }, page, PAGE_SIZE)),
    [executionId, level, stepKey],
  );
  const { shown } = list;
  const filtered = level !== '' || stepKey !== '';
  const stepKeys = stepKey !== '' && !props.stepKeys.includes(stepKey) ? [...props.stepKeys, stepKey] : props.stepKeys;

  return (
    <section className="exec-section" aria-labelledby="logs-heading">
      <div className="exec-section-head">
        <h3 id="logs-heading">Logs</h3>
        {shown && <span className="count">{count(shown.total, 'line')}</span>}
        <span className="spacer" />
        <EnumSelect label="Level" allLabel="All levels" options={LEVELS} value={level} onChange={(v) => props.onFilters({ ...filters, level: v })} />
        <EnumSelect<string> label="Step" allLabel="All steps" options={stepKeys} value={stepKey} onChange={(v) => props.onFilters({ ...filters, stepKey: v })} format={String} />
      </div>

      <ListView
        list={list}
        loading="the logs"
        what="log lines"
        filtered={filtered}
        onClear={() => props.onFilters(emptyLogFilters())}
        pager="several"
        empty={
          <EmptyState title={props.status === 'PENDING' ? 'No log lines yet — this run has not started.' : 'No log lines for this run.'}>
            The engine writes a line as each step starts, retries, completes, fails or is skipped; they appear here as the run
            goes.
          </EmptyState>
        }
      >
        {(page, busy) => (
          <DataTable className="table log-table" busy={busy} columns={['Time', 'Level', 'Step', 'Message', { label: 'Duration', num: true }]}>
            {page.items.map((row) => {
              const details = hasContent(row.metadata);
              const open = expanded.has(row.id);
              return (
                <Fragment key={row.id}>
                  <tr data-log-id={row.id} className={`log-row log-${row.level.toLowerCase()}${open ? ' selected' : ''}`}>
                    <td className="log-time">
                      {details ? (
                        <Expander open={open} what="details" onToggle={() => toggle(row.id)} />
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
          </DataTable>
        )}
      </ListView>
    </section>
  );
}
