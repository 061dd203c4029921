// The Agents page: a searchable, filterable, sorted and paged list of agents, the create/edit
// panel, duplicate and delete. It only renders what the backend returns and calls it through
// ui/src/ipc; form logic lives in pages/agents/*.ts, rules in Rust.
import { EnumSelect, SearchBox, SortOrderToggle, SortSelect, TagFilters, Toolbar, type SortOrder } from '../components/Filters';
import { useRef, useState } from 'react';
import { backend } from '../ipc';
import type { Agent, AgentQuery, AgentStatus, AgentType } from '../ipc';
import { ListView } from '../components/ListView';
import { ConfirmDelete } from '../components/Modal';
import { EDIT_LIST_HINTS, Page, ShortcutHints } from '../components/Page';
import { ActionError, EmptyState, StatusBadge, When } from '../components/States';
import { ChipList, DataTable, NameCell, RowActions, SelectableRow } from '../components/Table';
import { useAction, useDebounced, useEditPanel, usePagedList, useShortcuts } from '../lib/hooks';
import { count } from '../lib/format';
import { AgentPanel } from './agents/AgentPanel';
import { DuplicateDialog } from './agents/dialogs';
import { TYPES, STATUSES } from './agents/common';

type SortKey = 'name' | 'createdAt' | 'updatedAt';
type Dialog = { kind: 'delete'; agent: Agent } | { kind: 'duplicate'; agent: Agent } | null;

const SORTS: readonly (readonly [SortKey, string])[] = [
  ['updatedAt', 'Updated'],
  ['createdAt', 'Created'],
  ['name', 'Name'],
];
const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;
export function AgentsPage() {
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [type, setType] = useState<AgentType | ''>('');
  const [status, setStatus] = useState<AgentStatus | ''>('');
  const [tags, setTags] = useState<string[]>([]);
  const [sortBy, setSortBy] = useState<SortKey>('updatedAt');
  const [sortOrder, setSortOrder] = useState<SortOrder>('desc');
  const [dialog, setDialog] = useState<Dialog>(null);
  const action = useAction();
  const searchRef = useRef<HTMLInputElement>(null);

  const list = usePagedList(
    (page) => {
      const query: AgentQuery = { page, pageSize: PAGE_SIZE, sortBy, sortOrder };
      if (search) query.search = search;
      if (type) query.type = type;
      if (status) query.status = status;
      if (tags.length > 0) query.tags = tags;
      return backend.agentsList(query);
    },
    [search, type, status, tags, sortBy, sortOrder],
  );
  const { shown, reload } = list;
  const panel = useEditPanel(reload);
  const selected = shown?.items.find((a) => a.id === panel.selectedId) ?? null;
  const filtered = search !== '' || type !== '' || status !== '' || tags.length > 0;

  const addTagFilter = (tag: string) => setTags((t) => (t.includes(tag) ? t : [...t, tag]));
  const clearFilters = () => {
    setSearchText('');
    setType('');
    setStatus('');
    setTags([]);
  };

  useShortcuts(
    { panelOpen: panel.mode !== null, dialogOpen: dialog !== null, hasSelection: selected !== null },
    {
      new: panel.create,
      focusSearch: () => searchRef.current?.focus(),
      save: () => panel.saveRef.current?.(),
      delete: () => {
        if (selected) setDialog({ kind: 'delete', agent: selected });
      },
      close: () => (dialog ? setDialog(null) : panel.close()),
    },
  );

  const confirmDelete = (agent: Agent) =>
    action.run(async () => {
      setDialog(null);
      await backend.agentsDelete(agent.id);
      panel.deleted(agent.id);
      reload();
    });

  const duplicate = (agent: Agent, name: string) =>
    action.run(async () => {
      setDialog(null);
      panel.saved(await backend.agentsDuplicate(agent.id, name.trim() || undefined));
    });

  return (
    <Page
      headingId="agents-heading"
      title="Agents"
      count={shown && count(shown.total, 'agent')}
      actions={
        <button type="button" onClick={panel.create} title="New agent (N)">
          New agent
        </button>
      }
    >
      <Toolbar>
        <SearchBox ref={searchRef} label="Search agents" placeholder="Search name or description  ( / )" value={searchText} onChange={setSearchText} />
        <EnumSelect label="Type" allLabel="All types" options={TYPES} value={type} onChange={setType} format={String} />
        <EnumSelect label="Status" allLabel="All statuses" options={STATUSES} value={status} onChange={setStatus} />
        <SortSelect options={SORTS} value={sortBy} onChange={setSortBy} />
        <SortOrderToggle order={sortOrder} onChange={setSortOrder} />
      </Toolbar>

      <TagFilters tags={tags} onRemove={(t) => setTags(tags.filter((x) => x !== t))} />

      <ActionError action={action} />

      <ListView
        list={list}
        loading="agents"
        what="agents"
        filtered={filtered}
        onClear={clearFilters}
        empty={
          <EmptyState title="No agents yet — create your first one.">
            Click <strong>New agent</strong> or press <kbd>N</kbd>. An agent calls an API, an LLM, runs code, transforms
            data or starts a workflow.
          </EmptyState>
        }
      >
        {(page, busy) => (
          <DataTable busy={busy} columns={['Name', 'Type', 'Status', { label: 'Version', num: true }, 'Tags', 'Updated']} actions>
            {page.items.map((agent) => (
              <SelectableRow
                key={agent.id}
                data={{ 'data-agent-id': agent.id }}
                selected={agent.id === panel.selectedId}
                onSelect={() => panel.select(agent.id)}
                onOpen={() => panel.edit(agent.id)}
              >
                <NameCell name={agent.name} sub={agent.description} />
                <td>
                  <span className="type">{agent.type}</span>
                </td>
                <td>
                  <StatusBadge status={agent.status} />
                </td>
                <td className="num">v{agent.version}</td>
                <td>
                  <ChipList
                    label="Tags"
                    items={agent.tags ?? []}
                    chip={(tag) => (
                      <button
                        type="button"
                        className={tags.includes(tag) ? 'chip chip-on' : 'chip'}
                        title={`Show only agents tagged ${tag}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          addTagFilter(tag);
                        }}
                      >
                        {tag}
                      </button>
                    )}
                  />
                </td>
                <td>
                  <When at={agent.updatedAt} none="" />
                </td>
                <RowActions onEdit={() => panel.edit(agent.id)} onDelete={() => setDialog({ kind: 'delete', agent })}>
                  <button type="button" className="secondary" onClick={() => setDialog({ kind: 'duplicate', agent })}>
                    Duplicate
                  </button>
                </RowActions>
              </SelectableRow>
            ))}
          </DataTable>
        )}
      </ListView>

      <ShortcutHints hints={EDIT_LIST_HINTS} />

      {panel.mode && (
        <AgentPanel
          key={panel.key}
          mode={panel.mode}
          saveRef={panel.saveRef}
          onClose={panel.close}
          onSaved={panel.saved}
          onOpenVersion={panel.edit}
          onDelete={(agent) => setDialog({ kind: 'delete', agent })}
          onDuplicate={(agent) => setDialog({ kind: 'duplicate', agent })}
        />
      )}

      {dialog?.kind === 'delete' && (
        <ConfirmDelete
          name={dialog.agent.name}
          body="The agent disappears from lists. Its versions list keeps it, marked as deleted."
          onConfirm={() => void confirmDelete(dialog.agent)}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'duplicate' && (
        <DuplicateDialog agent={dialog.agent} onConfirm={(name) => void duplicate(dialog.agent, name)} onCancel={() => setDialog(null)} />
      )}
    </Page>
  );
}
