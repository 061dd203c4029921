// The history of runs, newest first, filtered by status, workflow and trigger, paged; each row
// opens the execution's page.
import { useState } from 'react';
import { backend } from '../../ipc';
import type { Execution } from '../../bindings/Execution';
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import type { TriggerType } from '../../bindings/TriggerType';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager, StatusBadge } from '../../components/States';
import { count, formatDuration, formatFull, formatPrecise, label, shortId } from '../../lib/format';
import { useLoad, usePagedList } from '../../lib/hooks';
import { href } from '../../routes';
import {
  buildExecutionQuery,
  emptyHistoryFilters,
  filtersFromHash,
  isHistoryFiltered,
  runDurationMs,
  STATUSES,
  stepsLabel,
  TRIGGERS,
  type HistoryFilters,
} from './history';
import { useNow } from './useNow';

const PAGE_SIZE = 20;

const open = (e: Execution) => {
  window.location.hash = href('executions', e.id);
};

export function HistoryView() {
  const [filters, setFilters] = useState<HistoryFilters>(() => filtersFromHash(window.location.hash));
  const { status, workflowId, triggerType } = filters;
  const workflows = useLoad(() => backend.workflowsList({ page: 1, pageSize: 100, sortBy: 'name', sortOrder: 'asc' }), []);
  const names = new Map((workflows.shown?.items ?? []).map((w) => [w.id, w.name]));
  const { state, shown, reload, setPage } = usePagedList(
    (page) => backend.executionsList(buildExecutionQuery({ status, workflowId, triggerType }, page, PAGE_SIZE)),
    [status, workflowId, triggerType],
  );
  const now = useNow(shown?.items.some((e) => e.status === 'RUNNING') ?? false);
  const filtered = isHistoryFiltered(filters);
  const set = <K extends keyof HistoryFilters>(key: K, value: HistoryFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const clear = () => setFilters(emptyHistoryFilters());
  const workflowOptions = workflows.shown?.items ?? [];

  return (
    <section className="page" aria-labelledby="executions-heading">
      <div className="page-header">
        <h2 id="executions-heading">Executions</h2>
        {shown && <span className="count">{count(shown.total, 'run')}</span>}
      </div>

      <div className="toolbar" role="search">
        <select className="input" aria-label="Status" value={status} onChange={(e) => set('status', e.target.value as ExecutionStatus | '')}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {label(s)}
            </option>
          ))}
        </select>
        <select className="input exec-workflow-filter" aria-label="Workflow" value={workflowId} onChange={(e) => set('workflowId', e.target.value)}>
          <option value="">All workflows</option>
          {workflowId !== '' && !names.has(workflowId) && <option value={workflowId}>Workflow {shortId(workflowId)}</option>}
          {workflowOptions.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
        <select
          className="input"
          aria-label="Trigger"
          value={triggerType}
          onChange={(e) => set('triggerType', e.target.value as TriggerType | '')}
        >
          <option value="">All triggers</option>
          {TRIGGERS.map((t) => (
            <option key={t} value={t}>
              {label(t)}
            </option>
          ))}
        </select>
        {filtered && (
          <button type="button" className="secondary" onClick={clear}>
            Clear
          </button>
        )}
      </div>

      {state.kind === 'loading' && !state.previous && <LoadingState what="executions" />}
      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown &&
        shown.items.length === 0 &&
        (filtered ? (
          <NoMatches what="runs" onClear={clear} />
        ) : (
          <EmptyState title="No runs yet.">
            Runs appear here once a workflow runs — started by hand, on its schedule, or through the API — each with its
            step-by-step timeline and logs. Build one on the <a href={href('workflows')}>Workflows</a> page and set it Active.
          </EmptyState>
        ))}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table exec-table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Workflow</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Steps</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">Run</th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((e) => {
                const at = e.startedAt ?? e.createdAt;
                return (
                  <tr
                    key={e.id}
                    data-execution-id={e.id}
                    tabIndex={0}
                    className="exec-row"
                    onClick={() => open(e)}
                    onKeyDown={(k) => k.key === 'Enter' && k.target === k.currentTarget && open(e)}
                  >
                    <td>
                      <a href={href('executions', e.id)} onClick={(k) => k.stopPropagation()}>
                        <time dateTime={at} title={formatFull(at)}>
                          {formatPrecise(at)}
                        </time>
                      </a>
                      {e.status === 'PENDING' && <div className="cell-sub">queued</div>}
                    </td>
                    <td>
                      <div className="cell-name">{names.get(e.workflowId) ?? `Workflow ${shortId(e.workflowId)}`}</div>
                      {e.errorMessage && (
                        <div className="cell-sub exec-row-error" title={e.errorMessage}>
                          {e.errorMessage}
                        </div>
                      )}
                    </td>
                    <td>
                      <StatusBadge status={e.status} />
                    </td>
                    <td>{label(e.triggerType)}</td>
                    <td>{stepsLabel(e)}</td>
                    <td className="num">{formatDuration(runDurationMs(e, now))}</td>
                    <td>
                      <code className="type" title={e.id}>
                        {shortId(e.id)}
                      </code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />
        </>
      )}
    </section>
  );
}
