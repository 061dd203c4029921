// The Agents page: a searchable, filterable, sorted and paged list of agents, the create/edit
// panel, duplicate and delete. It only renders what the backend returns and calls it through
// ui/src/ipc; form logic lives in pages/agents/*.ts, rules in Rust.
import { EnumSelect, SearchBox } from '../components/Filters';
import { useCallback, useEffect, useRef, useState } from 'react';
import { backend, toCommandError } from '../ipc';
import type { Agent, AgentQuery, AgentStatus, AgentType, CommandError } from '../ipc';
import { ConfirmDialog } from '../components/Modal';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager } from '../components/States';
import { useDebounced, usePagedList } from '../lib/hooks';
import { count, formatDate, formatFull } from '../lib/format';
import { AgentPanel, type PanelMode } from './agents/AgentPanel';
import { DuplicateDialog } from './agents/dialogs';
import { StatusBadge, TYPES, STATUSES } from './agents/common';
import { isTypingTarget, matchShortcut } from '../lib/shortcuts';

type SortKey = 'name' | 'createdAt' | 'updatedAt';
type Dialog = { kind: 'delete'; agent: Agent } | { kind: 'duplicate'; agent: Agent } | null;

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;
export function AgentsPage() {
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [type, setType] = useState<AgentType | ''>('');
  const [status, setStatus] = useState<AgentStatus | ''>('');
  const [tags, setTags] = useState<string[]>([]);
  const [sortBy, setSortBy] = useState<SortKey>('updatedAt');
  const [sortOrder, setSortOrder] = useState<'asc' | 'desc'>('desc');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelMode | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const saveRef = useRef<(() => void) | null>(null);

  const { state, shown, reload, setPage } = usePagedList(
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
  const selected = shown?.items.find((a) => a.id === selectedId) ?? null;
  const filtered = search !== '' || type !== '' || status !== '' || tags.length > 0;

  const addTagFilter = (tag: string) => setTags((t) => (t.includes(tag) ? t : [...t, tag]));
  const clearFilters = () => {
    setSearchText('');
    setType('');
    setStatus('');
    setTags([]);
  };

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const action = matchShortcut(e, {
        typing: isTypingTarget(e.target),
        panelOpen: panel !== null,
        dialogOpen: dialog !== null,
        hasSelection: selected !== null,
      });
      if (!action) return;
      e.preventDefault();
      if (action === 'new') setPanel({ mode: 'create' });
      else if (action === 'focusSearch') searchRef.current?.focus();
      else if (action === 'save') saveRef.current?.();
      else if (action === 'delete' && selected) setDialog({ kind: 'delete', agent: selected });
      else if (action === 'close') {
        if (dialog) setDialog(null);
        else setPanel(null);
      }
    },
    [panel, dialog, selected],
  );

  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onKeyDown]);

  const runAction = async (work: () => Promise<void>) => {
    setActionError(null);
    try {
      await work();
    } catch (reason) {
      setActionError(toCommandError(reason));
    }
  };

  const confirmDelete = (agent: Agent) =>
    runAction(async () => {
      setDialog(null);
      await backend.agentsDelete(agent.id);
      if (selectedId === agent.id) setSelectedId(null);
      if (panel?.mode === 'edit' && panel.id === agent.id) setPanel(null);
      reload();
    });

  const duplicate = (agent: Agent, name: string) =>
    runAction(async () => {
      setDialog(null);
      const copy = await backend.agentsDuplicate(agent.id, name.trim() || undefined);
      setSelectedId(copy.id);
      setPanel({ mode: 'edit', id: copy.id });
      reload();
    });

  return (
    <section className="page" aria-labelledby="agents-heading">
      <div className="page-header">
        <h2 id="agents-heading">Agents</h2>
        {shown && (
          <span className="count">
            {count(shown.total, 'agent')}
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => setPanel({ mode: 'create' })} title="New agent (N)">
          New agent
        </button>
      </div>

      <div className="toolbar" role="search">
        <SearchBox ref={searchRef} label="Search agents" placeholder="Search name or description  ( / )" value={searchText} onChange={setSearchText} />
        <EnumSelect label="Type" allLabel="All types" options={TYPES} value={type} onChange={setType} format={String} />
        <EnumSelect label="Status" allLabel="All statuses" options={STATUSES} value={status} onChange={setStatus} />
        <select className="input" aria-label="Sort by" value={sortBy} onChange={(e) => setSortBy(e.target.value as SortKey)}>
          <option value="updatedAt">Updated</option>
          <option value="createdAt">Created</option>
          <option value="name">Name</option>
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

      {tags.length > 0 && (
        <div className="active-tags" aria-label="Tag filters">
          <span className="muted">Tags:</span>
          {tags.map((t) => (
            <button key={t} type="button" className="chip chip-on" onClick={() => setTags(tags.filter((x) => x !== t))} aria-label={`Remove tag filter ${t}`}>
              {t} ×
            </button>
          ))}
        </div>
      )}

      {actionError && <ErrorState error={actionError} onDismiss={() => setActionError(null)} />}

      {state.kind === 'loading' && !state.previous && <LoadingState what="agents" />}

      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown && shown.items.length === 0 && (
        filtered ? (
          <NoMatches what="agents" onClear={clearFilters} />
        ) : (
          <EmptyState title="No agents yet — create your first one.">
            Click <strong>New agent</strong> or press <kbd>N</kbd>. An agent calls an API, an LLM, runs code, transforms
            data or starts a workflow.
          </EmptyState>
        )
      )}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Version
                </th>
                <th scope="col">Tags</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((agent) => (
                <tr
                  key={agent.id}
                  data-agent-id={agent.id}
                  aria-selected={agent.id === selectedId}
                  className={agent.id === selectedId ? 'selected' : undefined}
                  tabIndex={0}
                  onClick={() => setSelectedId(agent.id)}
                  onFocus={() => setSelectedId(agent.id)}
                  onDoubleClick={() => setPanel({ mode: 'edit', id: agent.id })}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && e.target === e.currentTarget) setPanel({ mode: 'edit', id: agent.id });
                  }}
                >
                  <td>
                    <div className="cell-name">{agent.name}</div>
                    {agent.description && <div className="cell-sub">{agent.description}</div>}
                  </td>
                  <td>
                    <span className="type">{agent.type}</span>
                  </td>
                  <td>
                    <StatusBadge status={agent.status} />
                  </td>
                  <td className="num">v{agent.version}</td>
                  <td>
                    <ul className="tags" aria-label="Tags">
                      {(agent.tags ?? []).map((tag) => (
                        <li key={tag}>
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
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <time dateTime={agent.updatedAt} title={formatFull(agent.updatedAt)}>
                      {formatDate(agent.updatedAt)}
                    </time>
                  </td>
                  <td className="row-actions">
                    <button type="button" className="secondary" onClick={() => setPanel({ mode: 'edit', id: agent.id })}>
                      Edit
                    </button>
                    <button type="button" className="secondary" onClick={() => setDialog({ kind: 'duplicate', agent })}>
                      Duplicate
                    </button>
                    <button type="button" className="danger" onClick={() => setDialog({ kind: 'delete', agent })}>
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
        Shortcuts: <kbd>N</kbd> new · <kbd>/</kbd> search · <kbd>Enter</kbd> edit selected · <kbd>Del</kbd> delete selected · <kbd>Ctrl</kbd>+<kbd>S</kbd> save ·{' '}
        <kbd>Esc</kbd> close
      </p>

      {panel && (
        <AgentPanel
          key={panel.mode === 'edit' ? panel.id : 'new'}
          mode={panel}
          saveRef={saveRef}
          onClose={() => setPanel(null)}
          onSaved={(agent) => {
            setSelectedId(agent.id);
            setPanel({ mode: 'edit', id: agent.id });
            reload();
          }}
          onOpenVersion={(id) => setPanel({ mode: 'edit', id })}
          onDelete={(agent) => setDialog({ kind: 'delete', agent })}
          onDuplicate={(agent) => setDialog({ kind: 'duplicate', agent })}
        />
      )}

      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete “${dialog.agent.name}”?`}
          body="The agent disappears from lists. Its versions list keeps it, marked as deleted."
          confirmLabel="Delete"
          onConfirm={() => confirmDelete(dialog.agent)}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'duplicate' && (
        <DuplicateDialog agent={dialog.agent} onConfirm={(name) => duplicate(dialog.agent, name)} onCancel={() => setDialog(null)} />
      )}
    </section>
  );
}
