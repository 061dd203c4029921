// The Deployments page: a searchable list filtered by status and environment, paged; the
// create/edit panel; start and stop per the state machine (a button is enabled only where
// docs/rules.md allows it); delete with confirmation. Form logic lives in pages/deployments/*.ts,
// rules in Rust.
import { useCallback, useEffect, useRef, useState } from 'react';
import { backend, toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import type { Deployment } from '../bindings/Deployment';
import type { DeploymentQuery } from '../bindings/DeploymentQuery';
import type { DeploymentStatus } from '../bindings/DeploymentStatus';
import type { Environment } from '../bindings/Environment';
import { ConfirmDialog } from '../components/Modal';
import { EnumSelect, SearchBox } from '../components/Filters';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager, StatusBadge, When } from '../components/States';
import { count, label } from '../lib/format';
import { useDebounced, usePagedList } from '../lib/hooks';
import { isTypingTarget, matchShortcut } from '../lib/shortcuts';
import { DeploymentPanel, type PanelMode } from './deployments/DeploymentPanel';
import { canStart, canStop, ENVIRONMENTS, MASK, STATUSES, storedVarNames, transitionHint } from './deployments/form';
import { useTargets } from './deployments/targets';
import './deployments/deployments.css';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;

export function DeploymentsPage() {
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [status, setStatus] = useState<DeploymentStatus | ''>('');
  const [environment, setEnvironment] = useState<Environment | ''>('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [panel, setPanel] = useState<PanelMode | null>(null);
  const [deleting, setDeleting] = useState<Deployment | null>(null);
  const [pending, setPending] = useState<Record<string, 'start' | 'stop'>>({});
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const saveRef = useRef<(() => void) | null>(null);
  const targets = useTargets();

  const { state, shown, reload, setPage } = usePagedList(
    (page) => {
      const query: DeploymentQuery = { page, pageSize: PAGE_SIZE, sortBy: 'createdAt', sortOrder: 'desc' };
      if (search) query.search = search;
      if (status) query.status = status;
      if (environment) query.environment = environment;
      return backend.deploymentsList(query);
    },
    [search, status, environment],
  );
  const selected = shown?.items.find((d) => d.id === selectedId) ?? null;
  const filtered = search !== '' || status !== '' || environment !== '';

  const clearFilters = () => {
    setSearchText('');
    setStatus('');
    setEnvironment('');
  };

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const action = matchShortcut(e, {
        typing: isTypingTarget(e.target),
        panelOpen: panel !== null,
        dialogOpen: deleting !== null,
        hasSelection: selected !== null,
      });
      if (!action) return;
      e.preventDefault();
      if (action === 'new') setPanel({ mode: 'create' });
      else if (action === 'focusSearch') searchRef.current?.focus();
      else if (action === 'save') saveRef.current?.();
      else if (action === 'delete' && selected) setDeleting(selected);
      else if (action === 'close') {
        if (deleting) setDeleting(null);
        else setPanel(null);
      }
    },
    [panel, deleting, selected],
  );

  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onKeyDown]);

  const transition = async (d: Deployment, action: 'start' | 'stop') => {
    if (pending[d.id]) return;
    setActionError(null);
    setPending((p) => ({ ...p, [d.id]: action }));
    try {
      if (action === 'start') await backend.deploymentsStart(d.id);
      else await backend.deploymentsStop(d.id);
      reload();
    } catch (reason) {
      setActionError(toCommandError(reason));
    } finally {
      setPending(({ [d.id]: _done, ...rest }) => rest);
    }
  };

  const confirmDelete = async (d: Deployment) => {
    setDeleting(null);
    setActionError(null);
    try {
      await backend.deploymentsDelete(d.id);
      if (selectedId === d.id) setSelectedId(null);
      if (panel?.mode === 'edit' && panel.id === d.id) setPanel(null);
      reload();
    } catch (reason) {
      setActionError(toCommandError(reason));
    }
  };

  const targetCell = (d: Deployment) => {
    const kind = d.workflowId !== null ? 'workflow' : 'agent';
    const id = d.workflowId ?? d.agentId ?? '';
    return (
      <>
        <div>{targets.nameOf(kind, id)}</div>
        <div className="cell-sub">{kind === 'workflow' ? 'Workflow' : 'Agent'}</div>
      </>
    );
  };

  return (
    <section className="page deployments" aria-labelledby="deployments-heading">
      <div className="page-header">
        <h2 id="deployments-heading">Deployments</h2>
        {shown && <span className="count">{count(shown.total, 'deployment')}</span>}
        <span className="spacer" />
        <button type="button" onClick={() => setPanel({ mode: 'create' })} title="New deployment (N)">
          New deployment
        </button>
      </div>

      <div className="toolbar" role="search">
        <SearchBox ref={searchRef} label="Search deployments" placeholder="Search name or description  ( / )" value={searchText} onChange={setSearchText} />
        <EnumSelect label="Status" allLabel="All statuses" options={STATUSES} value={status} onChange={setStatus} />
        <EnumSelect label="Environment" allLabel="All environments" options={ENVIRONMENTS} value={environment} onChange={setEnvironment} />
      </div>

      {actionError && <ErrorState error={actionError} onDismiss={() => setActionError(null)} />}

      {state.kind === 'loading' && !state.previous && <LoadingState what="deployments" />}

      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown &&
        shown.items.length === 0 &&
        (filtered ? (
          <NoMatches what="deployments" onClear={clearFilters} />
        ) : (
          <EmptyState title="No deployments yet — deploy a workflow or an agent.">
            Click <strong>New deployment</strong> or press <kbd>N</kbd>, pick what to deploy and its environment, add the
            variables it needs, then start it.
          </EmptyState>
        ))}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Target</th>
                <th scope="col">Environment</th>
                <th scope="col">Status</th>
                <th scope="col">Deployed</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((d) => {
                const vars = storedVarNames(d);
                const busy = pending[d.id];
                return (
                  <tr
                    key={d.id}
                    data-deployment-id={d.id}
                    aria-selected={d.id === selectedId}
                    className={d.id === selectedId ? 'selected' : undefined}
                    tabIndex={0}
                    onClick={() => setSelectedId(d.id)}
                    onFocus={() => setSelectedId(d.id)}
                    onDoubleClick={() => setPanel({ mode: 'edit', id: d.id })}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && e.target === e.currentTarget) setPanel({ mode: 'edit', id: d.id });
                    }}
                  >
                    <td>
                      <div className="cell-name">{d.name}</div>
                      {d.description && <div className="cell-sub">{d.description}</div>}
                      {vars.length > 0 && (
                        <ul className="tags dep-var-list" aria-label="Variables">
                          {vars.map((v) => (
                            <li key={v}>
                              <span className="chip" title={`${v} = ${MASK}`}>
                                {v}
                              </span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>{targetCell(d)}</td>
                    <td>
                      <span className={`env env-${d.environment.toLowerCase()}`}>{label(d.environment)}</span>
                    </td>
                    <td>
                      <StatusBadge status={d.status} />
                      <div className={`cell-sub health health-${d.healthStatus.toLowerCase()}`} title="Health">
                        {label(d.healthStatus)}
                      </div>
                    </td>
                    <td>
                      <When at={d.deployedAt} none="Never" />
                    </td>
                    <td className="row-actions">
                      {canStop(d.status) ? (
                        <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => void transition(d, 'stop')}>
                          {busy === 'stop' ? 'Stopping…' : 'Stop'}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          disabled={busy !== undefined || !canStart(d.status)}
                          title={transitionHint('start', d.status) ?? undefined}
                          onClick={() => void transition(d, 'start')}
                        >
                          {busy === 'start' ? 'Starting…' : 'Start'}
                        </button>
                      )}
                      <button type="button" className="secondary" onClick={() => setPanel({ mode: 'edit', id: d.id })}>
                        Edit
                      </button>
                      <button type="button" className="danger" onClick={() => setDeleting(d)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />
        </>
      )}

      <p className="hints muted">
        Shortcuts: <kbd>N</kbd> new · <kbd>/</kbd> search · <kbd>Enter</kbd> edit selected · <kbd>Del</kbd> delete selected ·{' '}
        <kbd>Ctrl</kbd>+<kbd>S</kbd> save · <kbd>Esc</kbd> close
      </p>

      {panel && (
        <DeploymentPanel
          key={panel.mode === 'edit' ? panel.id : 'new'}
          mode={panel}
          targets={targets}
          saveRef={saveRef}
          onClose={() => setPanel(null)}
          onSaved={(d) => {
            setSelectedId(d.id);
            setPanel({ mode: 'edit', id: d.id });
            reload();
          }}
          onDelete={(d) => setDeleting(d)}
        />
      )}

      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          body={
            canStop(deleting.status)
              ? 'It is up: it is stopped first, then deleted. Its variables go with it.'
              : 'The deployment and its variables are deleted.'
          }
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
