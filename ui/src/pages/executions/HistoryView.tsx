// The history of runs, newest first, filtered by status, workflow and trigger, paged; each row
// opens the execution's page.
import { useState } from 'react';
import { backend } from '../../ipc';
import type { Execution } from '../../bindings/Execution';
import { ClearFilters, EnumSelect, Toolbar } from '../../components/Filters';
import { ListView } from '../../components/ListView';
import { Page } from '../../components/Page';
import { EmptyState, StatusBadge } from '../../components/States';
import { DataTable } from '../../components/Table';
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
  const list = usePagedList(
    (page) => backend.executionsList(buildExecutionQuery({ status, workflowId, triggerType }, page, PAGE_SIZE)),
    [status, workflowId, triggerType],
  );
  const { shown } = list;
  const now = useNow(shown?.items.some((e) => e.status === 'RUNNING') ?? false);
  const filtered = isHistoryFiltered(filters);
  const set = <K extends keyof HistoryFilters>(key: K, value: HistoryFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const clear = () => setFilters(emptyHistoryFilters());
  const workflowOptions = workflows.shown?.items ?? [];

  return (
    <Page headingId="executions-heading" title="Executions" count={shown && count(shown.total, 'run')}>
      <Toolbar>
        <EnumSelect label="Status" allLabel="All statuses" options={STATUSES} value={status} onChange={(v) => set('status', v)} />
        <select className="input exec-workflow-filter" aria-label="Workflow" value={workflowId} onChange={(e) => set('workflowId', e.target.value)}>
          <option value="">All workflows</option>
          {workflowId !== '' && !names.has(workflowId) && <option value={workflowId}>Workflow {shortId(workflowId)}</option>}
          {workflowOptions.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
        <EnumSelect label="Trigger" allLabel="All triggers" options={TRIGGERS} value={triggerType} onChange={(v) => set('triggerType', v)} />
        <ClearFilters shown={filtered} onClear={clear} />
      </Toolbar>

      <ListView
        list={list}
        loading="executions"
        what="runs"
        filtered={filtered}
        onClear={clear}
        empty={
          <EmptyState title="No runs yet.">
            Runs appear here once a workflow runs — started by hand, on its schedule, or through the API — each with its
            step-by-step timeline and logs. Build one on the <a href={href('workflows')}>Workflows</a> page and set it Active.
          </EmptyState>
        }
      >
        {(page, busy) => (
          <DataTable className="table exec-table" busy={busy} columns={['Started', 'Workflow', 'Status', 'Trigger', 'Steps', { label: 'Duration', num: true }, 'Run']}>
            {page.items.map((e) => {
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
          </DataTable>
        )}
      </ListView>
    </Page>
  );
}
