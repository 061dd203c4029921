// The workflows list (`#/workflows`): search, status filter, sorting and paging; open one in
// the builder, create one, import a bundle, delete with confirmation.
import { EnumSelect, SearchBox, SortOrderToggle, SortSelect, Toolbar, type SortOrder } from '../../components/Filters';
import './workflows.css';
import { useRef, useState } from 'react';
import { backend } from '../../ipc';
import type { Workflow } from '../../bindings/Workflow';
import type { WorkflowQuery } from '../../bindings/WorkflowQuery';
import type { WorkflowStatus } from '../../bindings/WorkflowStatus';
import { ListView } from '../../components/ListView';
import { ConfirmDelete } from '../../components/Modal';
import { Page, ShortcutHints } from '../../components/Page';
import { ActionError, EmptyState, StatusBadge, When } from '../../components/States';
import { DataTable, NameCell, RowActions, SelectableRow } from '../../components/Table';
import { count } from '../../lib/format';
import { useAction, useDebounced, usePagedList, useShortcuts } from '../../lib/hooks';
import { href } from '../../routes';
import { WORKFLOW_STATUSES } from './model';
import { importSummary } from './transfer';

type SortKey = 'updatedAt' | 'createdAt' | 'name' | 'lastExecutionAt';

const SORTS: readonly (readonly [SortKey, string])[] = [
  ['updatedAt', 'Updated'],
  ['createdAt', 'Created'],
  ['name', 'Name'],
  ['lastExecutionAt', 'Last run'],
];

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
  const [sortOrder, setSortOrder] = useState<SortOrder>('desc');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Workflow | null>(null);
  const action = useAction();
  const [imported, setImported] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const list = usePagedList(
    (page) => {
      const query: WorkflowQuery = { page, pageSize: PAGE_SIZE, sortBy, sortOrder };
      if (search) query.search = search;
      if (status) query.status = status;
      return backend.workflowsList(query);
    },
    [search, status, sortBy, sortOrder],
  );
  const { shown, reload } = list;
  const selected = shown?.items.find((w) => w.id === selectedId) ?? null;
  const filtered = search !== '' || status !== '';

  useShortcuts(
    { panelOpen: false, dialogOpen: deleting !== null, hasSelection: selected !== null },
    {
      new: () => {
        window.location.hash = href('workflows', 'new');
      },
      focusSearch: () => searchRef.current?.focus(),
      delete: () => {
        if (selected) setDeleting(selected);
      },
      close: () => setDeleting(null),
    },
  );

  const confirmDelete = (w: Workflow) => {
    setDeleting(null);
    return action.run(async () => {
      await backend.workflowsDelete(w.id);
      if (selectedId === w.id) setSelectedId(null);
      reload();
    });
  };

  const importBundle = () => {
    setImported(null);
    return action.run(async () => {
      const out = await backend.bundleImport({ asCopies: true });
      if (out) setImported(importSummary(out.report, out.path));
      reload();
    });
  };

  return (
    <Page
      headingId="workflows-heading"
      title="Workflows"
      count={shown && count(shown.total, 'workflow')}
      actions={
        <>
          <button type="button" className="secondary" onClick={() => void importBundle()} title="Import workflows, agents and templates from a bundle file, as copies">
            Import…
          </button>
          <a className="button-link" href={href('workflows', 'new')} title="New workflow (N)">
            New workflow
          </a>
        </>
      }
    >
      <Toolbar>
        <SearchBox ref={searchRef} label="Search workflows" placeholder="Search name or description  ( / )" value={searchText} onChange={setSearchText} />
        <EnumSelect label="Status" allLabel="All statuses" options={WORKFLOW_STATUSES} value={status} onChange={setStatus} />
        <SortSelect options={SORTS} value={sortBy} onChange={setSortBy} />
        <SortOrderToggle order={sortOrder} onChange={setSortOrder} />
      </Toolbar>

      {imported && (
        <div className="wf-notice" role="status">
          <span>{imported}</span>
          <button type="button" className="link" onClick={() => setImported(null)}>
            Dismiss
          </button>
        </div>
      )}
      <ActionError action={action} />
      <ListView
        list={list}
        loading="workflows"
        what="workflows"
        filtered={filtered}
        onClear={() => (setSearchText(''), setStatus(''))}
        empty={
          <EmptyState title="No workflows yet — build your first one.">
            Click <strong>New workflow</strong> or press <kbd>N</kbd> to open the canvas, or <strong>Import…</strong> a bundle. A workflow
            chains agent, condition, loop, parallel and wait steps.
          </EmptyState>
        }
      >
        {(page, busy) => (
          <DataTable busy={busy} columns={['Name', 'Status', 'Schedule', 'Tags', { label: 'Runs', num: true }, 'Updated']} actions>
            {page.items.map((w) => (
              <SelectableRow
                key={w.id}
                data={{ 'data-workflow-id': w.id }}
                selected={w.id === selectedId}
                onSelect={() => setSelectedId(w.id)}
                onOpen={() => open(w.id)}
              >
                <NameCell name={w.name} sub={w.description} />
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
                <RowActions
                  before={
                    <a className="button-link secondary" href={href('workflows', w.id)}>
                      Open
                    </a>
                  }
                  onDelete={() => setDeleting(w)}
                />
              </SelectableRow>
            ))}
          </DataTable>
        )}
      </ListView>

      <ShortcutHints
        hints={[
          ['N', 'new'],
          ['/', 'search'],
          ['Enter', 'open selected'],
          ['Del', 'delete selected'],
          ['Esc', 'close'],
        ]}
      />

      {deleting && (
        <ConfirmDelete
          name={deleting.name}
          body="The workflow and its steps disappear from lists. Its past executions stay in the history."
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </Page>
  );
}
