// The workflows list (`#/workflows`): search, status filter, sorting and paging; open one in
// the builder, create one, import a bundle, delete with confirmation.
import { EnumSelect, SearchBox } from '../../components/Filters';
import './workflows.css';
import { useCallback, useEffect, useRef, useState } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { Workflow } from '../../bindings/Workflow';
import type { WorkflowQuery } from '../../bindings/WorkflowQuery';
import type { WorkflowStatus } from '../../bindings/WorkflowStatus';
import { ConfirmDialog } from '../../components/Modal';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager, StatusBadge, When } from '../../components/States';
import { count } from '../../lib/format';
import { useDebounced, usePagedList } from '../../lib/hooks';
import { isTypingTarget, matchShortcut } from '../../lib/shortcuts';
import { href } from '../../routes';
import { WORKFLOW_STATUSES } from './model';
import { importSummary } from './transfer';

type SortKey = 'updatedAt' | 'createdAt' | 'name' | 'lastExecutionAt';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;

const open = (id: string) => {
  window.location.hash = href('workflows', id);
};

function Schedule({ workflow }: { workflow: Workflow }) {
  if (!workflow.scheduleCron) return <span className="muted">Manual</span>;
  return (
    <>
      <div className="wf-schedule" title={workflow.scheduleEnabled ? 'Runs on this schedule while the app is open' : 'The schedule is off'}>
        {workflow.scheduleCron}
      </div>
      <div className="cell-sub">
        {workflow.scheduleTimezone}
        {workflow.scheduleEnabled ? '' : ' · off'}
      </div>
    </>
  );
}

export function WorkflowList() {
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [status, setStatus] = useState<WorkflowStatus | ''>('');
  const [sortBy, setSortBy] = useState<SortKey>('updatedAt');
  const [sortOrder, setSortOrder] = useState<'asc' | 'desc'>('desc');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Workflow | null>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const { state, shown, reload, setPage } = usePagedList(
    (page) => {
      const query: WorkflowQuery = { page, pageSize: PAGE_SIZE, sortBy, sortOrder };
      if (search) query.search = search;
      if (status) query.status = status;
      return backend.workflowsList(query);
    },
    [search, status, sortBy, sortOrder],
  );
  const selected = shown?.items.find((w) => w.id === selectedId) ?? null;
  const filtered = search !== '' || status !== '';

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const action = matchShortcut(e, { typing: isTypingTarget(e.target), panelOpen: false, dialogOpen: deleting !== null, hasSelection: selected !== null });
      if (!action) return;
      e.preventDefault();
      if (action === 'new') window.location.hash = href('workflows', 'new');
      else if (action === 'focusSearch') searchRef.current?.focus();
      else if (action === 'delete' && selected) setDeleting(selected);
      else if (action === 'close') setDeleting(null);
    },
    [deleting, selected],
  );
  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onKeyDown]);

  const confirmDelete = async (w: Workflow) => {
    setDeleting(null);
    setActionError(null);
    try {
      await backend.workflowsDelete(w.id);
      if (selectedId === w.id) setSelectedId(null);
      reload();
    } catch (reason) {
      setActionError(toCommandError(reason));
    }
  };

  const importBundle = async () => {
    setActionError(null);
    setImported(null);
    try {
      const out = await backend.bundleImport({ asCopies: true });
      if (out) setImported(importSummary(out.report, out.path));
      reload();
    } catch (reason) {
      setActionError(toCommandError(reason));
    }
  };

  return (
    <section className="page" aria-labelledby="workflows-heading">
      <div className="page-header">
        <h2 id="workflows-heading">Workflows</h2>
        {shown && <span className="count">{count(shown.total, 'workflow')}</span>}
        <span className="spacer" />
        <button type="button" className="secondary" onClick={() => void importBundle()} title="Import workflows, agents and templates from a bundle file, as copies">
          Import…
        </button>
        <a className="button-link" href={href('workflows', 'new')} title="New workflow (N)">
          New workflow
        </a>
      </div>

      <div className="toolbar" role="search">
        <SearchBox ref={searchRef} label="Search workflows" placeholder="Search name or description  ( / )" value={searchText} onChange={setSearchText} />
        <EnumSelect label="Status" allLabel="All statuses" options={WORKFLOW_STATUSES} value={status} onChange={setStatus} />
        <select className="input" aria-label="Sort by" value={sortBy} onChange={(e) => setSortBy(e.target.value as SortKey)}>
          <option value="updatedAt">Updated</option>
          <option value="createdAt">Created</option>
          <option value="name">Name</option>
          <option value="lastExecutionAt">Last run</option>
        </select>
        <button
          type="button"
          className="secondary"
          aria-label={sortOrder === 'asc' ? 'Ascending; switch to descending' : 'Descending; switch to ascending'}
          onClick={() => setSortOrder((o) => (o === 'asc' ? 'desc' : 'asc'))}
        >
          {sortOrder === 'asc' ? '↑ Asc' : '↓ Desc'}
        </button>
      </div>

      {imported && (
        <div className="wf-notice" role="status">
          <span>{imported}</span>
          <button type="button" className="link" onClick={() => setImported(null)}>
            Dismiss
          </button>
        </div>
      )}
      {actionError && <ErrorState error={actionError} onDismiss={() => setActionError(null)} />}
      {state.kind === 'loading' && !state.previous && <LoadingState what="workflows" />}
      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown &&
        shown.items.length === 0 &&
        (filtered ? (
          <NoMatches what="workflows" onClear={() => (setSearchText(''), setStatus(''))} />
        ) : (
          <EmptyState title="No workflows yet — build your first one.">
            Click <strong>New workflow</strong> or press <kbd>N</kbd> to open the canvas, or <strong>Import…</strong> a bundle. A workflow
            chains agent, condition, loop, parallel and wait steps.
          </EmptyState>
        ))}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Schedule</th>
                <th scope="col">Tags</th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((w) => (
                <tr
                  key={w.id}
                  data-workflow-id={w.id}
                  aria-selected={w.id === selectedId}
                  className={w.id === selectedId ? 'selected' : undefined}
                  tabIndex={0}
                  onClick={() => setSelectedId(w.id)}
                  onFocus={() => setSelectedId(w.id)}
                  onDoubleClick={() => open(w.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && e.target === e.currentTarget) open(w.id);
                  }}
                >
                  <td>
                    <div className="cell-name">{w.name}</div>
                    {w.description && <div className="cell-sub">{w.description}</div>}
                  </td>
                  <td>
                    <StatusBadge status={w.status} />
                  </td>
                  <td>
                    <Schedule workflow={w} />
                  </td>
                  <td>
                    <ul className="tags wf-list-tags" aria-label="Tags">
                      {(w.tags ?? []).map((t) => (
                        <li key={t} className="chip">
                          {t}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="num wf-runs">
                    <div>{w.totalExecutions}</div>
                    <div className="cell-sub">
                      <When at={w.lastExecutionAt} none="never run" />
                    </div>
                  </td>
                  <td>
                    <When at={w.updatedAt} none="—" />
                  </td>
                  <td className="row-actions">
                    <a className="button-link secondary" href={href('workflows', w.id)}>
                      Open
                    </a>
                    <button type="button" className="danger" onClick={() => setDeleting(w)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />
        </>
      )}

      <p className="hints muted">
        Shortcuts: <kbd>N</kbd> new · <kbd>/</kbd> search · <kbd>Enter</kbd> open selected · <kbd>Del</kbd> delete selected · <kbd>Esc</kbd> close
      </p>

      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          body="The workflow and its steps disappear from lists. Its past executions stay in the history."
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
