// The Deployments page: a searchable list filtered by status and environment, paged; the
// create/edit panel; start and stop per the state machine (a button is enabled only where
// docs/rules.md allows it); delete with confirmation. Form logic lives in pages/deployments/*.ts,
// rules in Rust.
import { useRef, useState } from 'react';
import { backend } from '../ipc';
import type { Deployment } from '../bindings/Deployment';
import type { DeploymentQuery } from '../bindings/DeploymentQuery';
import type { DeploymentStatus } from '../bindings/DeploymentStatus';
import type { Environment } from '../bindings/Environment';
import { ListView } from '../components/ListView';
import { ConfirmDelete } from '../components/Modal';
import { EnumSelect, SearchBox, Toolbar } from '../components/Filters';
import { EDIT_LIST_HINTS, Page, ShortcutHints } from '../components/Page';
import { ActionError, EmptyState, StatusBadge, When } from '../components/States';
import { ChipList, DataTable, NameCell, RowActions, SelectableRow } from '../components/Table';
import { count, label } from '../lib/format';
import { useAction, useDebounced, useEditPanel, usePagedList, useShortcuts } from '../lib/hooks';
import { DeploymentPanel } from './deployments/DeploymentPanel';
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
  const [deleting, setDeleting] = useState<Deployment | null>(null);
  const [pending, setPending] = useState<Record<string, 'start' | 'stop'>>({});
  const action = useAction();
  const searchRef = useRef<HTMLInputElement>(null);
  const targets = useTargets();

  const list = usePagedList(
    (page) => {
      const query: DeploymentQuery = { page, pageSize: PAGE_SIZE, sortBy: 'createdAt', sortOrder: 'desc' };
      if (search) query.search = search;
      if (status) query.status = status;
      if (environment) query.environment = environment;
      return backend.deploymentsList(query);
    },
    [search, status, environment],
  );
  const { shown, reload } = list;
  const panel = useEditPanel(reload);
  const selected = shown?.items.find((d) => d.id === panel.selectedId) ?? null;
  const filtered = search !== '' || status !== '' || environment !== '';

  const clearFilters = () => {
    setSearchText('');
    setStatus('');
    setEnvironment('');
  };

  useShortcuts(
    { panelOpen: panel.mode !== null, dialogOpen: deleting !== null, hasSelection: selected !== null },
    {
      new: panel.create,
      focusSearch: () => searchRef.current?.focus(),
      save: () => panel.saveRef.current?.(),
      delete: () => {
        if (selected) setDeleting(selected);
      },
      close: () => (deleting ? setDeleting(null) : panel.close()),
    },
  );

  const transition = async (d: Deployment, to: 'start' | 'stop') => {
    if (pending[d.id]) return;
    setPending((p) => ({ ...p, [d.id]: to }));
    await action.run(async () => {
      if (to === 'start') await backend.deploymentsStart(d.id);
      else await backend.deploymentsStop(d.id);
      reload();
    });
    setPending(({ [d.id]: _done, ...rest }) => rest);
  };

  const confirmDelete = (d: Deployment) => {
    setDeleting(null);
    return action.run(async () => {
      await backend.deploymentsDelete(d.id);
      panel.deleted(d.id);
      reload();
    });
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
    <Page
      className="deployments"
      headingId="deployments-heading"
      title="Deployments"
      count={shown && count(shown.total, 'deployment')}
      actions={
        <button type="button" onClick={panel.create} title="New deployment (N)">
          New deployment
        </button>
      }
    >
      <Toolbar>
        <SearchBox ref={searchRef} label="Search deployments" placeholder="Search name or description  ( / )" value={searchText} onChange={setSearchText} />
        <EnumSelect label="Status" allLabel="All statuses" options={STATUSES} value={status} onChange={setStatus} />
        <EnumSelect label="Environment" allLabel="All environments" options={ENVIRONMENTS} value={environment} onChange={setEnvironment} />
      </Toolbar>

      <ActionError action={action} />

      <ListView
        list={list}
        loading="deployments"
        what="deployments"
        filtered={filtered}
        onClear={clearFilters}
        empty={
          <EmptyState title="No deployments yet — deploy a workflow or an agent.">
            Click <strong>New deployment</strong> or press <kbd>N</kbd>, pick what to deploy and its environment, add the
            variables it needs, then start it.
          </EmptyState>
        }
      >
        {(page, loading) => (
          <DataTable busy={loading} columns={['Name', 'Target', 'Environment', 'Status', 'Deployed']} actions>
            {page.items.map((d) => {
              const vars = storedVarNames(d);
              const busy = pending[d.id];
              return (
                <SelectableRow
                  key={d.id}
                  data={{ 'data-deployment-id': d.id }}
                  selected={d.id === panel.selectedId}
                  onSelect={() => panel.select(d.id)}
                  onOpen={() => panel.edit(d.id)}
                >
                  <NameCell name={d.name} sub={d.description}>
                    {vars.length > 0 && (
                      <ChipList
                        label="Variables"
                        className="dep-var-list"
                        items={vars}
                        chip={(v) => (
                          <span className="chip" title={`${v} = ${MASK}`}>
                            {v}
                          </span>
                        )}
                      />
                    )}
                  </NameCell>
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
                  <RowActions
                    before={
                      canStop(d.status) ? (
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
                      )
                    }
                    onEdit={() => panel.edit(d.id)}
                    onDelete={() => setDeleting(d)}
                  />
                </SelectableRow>
              );
            })}
          </DataTable>
        )}
      </ListView>

      <ShortcutHints hints={EDIT_LIST_HINTS} />

      {panel.mode && (
        <DeploymentPanel
          key={panel.key}
          mode={panel.mode}
          targets={targets}
          saveRef={panel.saveRef}
          onClose={panel.close}
          onSaved={panel.saved}
          onDelete={(d) => setDeleting(d)}
        />
      )}

      {deleting && (
        <ConfirmDelete
          name={deleting.name}
          body={
            canStop(deleting.status)
              ? 'It is up: it is stopped first, then deleted. Its variables go with it.'
              : 'The deployment and its variables are deleted.'
          }
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </Page>
  );
}
