// The Agents page: the agents in the local database as a table, with loading, error and empty
// states. It only renders what the backend returns; rules and queries live in Rust.
import { useCallback, useEffect, useState } from 'react';
import { backend, toCommandError } from '../ipc';
import type { Agent, AgentStatus, CommandError, Page } from '../ipc';

type State =
  | { kind: 'loading' }
  | { kind: 'error'; error: CommandError }
  | { kind: 'ready'; page: Page<Agent> };

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "ACTIVE" → "Active": the wire value stays the stable one, people read the friendly one. */
function label(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase();
}

function StatusBadge({ status }: { status: AgentStatus }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{label(status)}</span>;
}

function AgentsTable({ agents }: { agents: Agent[] }) {
  return (
    <table className="table">
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
        </tr>
      </thead>
      <tbody>
        {agents.map((agent) => (
          <tr key={agent.id} data-agent-id={agent.id}>
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
                  <li key={tag} className="tag">
                    {tag}
                  </li>
                ))}
              </ul>
            </td>
            <td>
              <time dateTime={agent.updatedAt} title={agent.updatedAt}>
                {dateFormat.format(new Date(agent.updatedAt))}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AgentsPage() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(() => {
    let live = true;
    setState({ kind: 'loading' });
    backend
      .agentsList({})
      .then((page) => live && setState({ kind: 'ready', page }))
      .catch((reason: unknown) => live && setState({ kind: 'error', error: toCommandError(reason) }));
    // StrictMode mounts twice in development; the stale request must not overwrite the new one.
    return () => {
      live = false;
    };
  }, []);

  useEffect(load, [load]);

  return (
    <section className="page" aria-labelledby="agents-heading">
      <div className="page-header">
        <h2 id="agents-heading">Agents</h2>
        {state.kind === 'ready' && (
          <span className="count">
            {state.page.total} {state.page.total === 1 ? 'agent' : 'agents'}
          </span>
        )}
      </div>

      {state.kind === 'loading' && (
        <p className="state" role="status" aria-busy="true">
          Loading agents…
        </p>
      )}

      {state.kind === 'error' && (
        <div className="state state-error" role="alert">
          <p>
            <code className="error-code">{state.error.code}</code> {state.error.message}
          </p>
          {state.error.fields && state.error.fields.length > 0 && (
            <ul>
              {state.error.fields.map((f) => (
                <li key={f.field}>
                  <code>{f.field}</code>: {f.message}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={load}>
            Try again
          </button>
        </div>
      )}

      {state.kind === 'ready' && state.page.items.length === 0 && (
        <div className="state state-empty">
          <p className="state-title">No agents yet — create one, or start from a template.</p>
          <p className="state-hint">Agents you create or import will be listed here.</p>
        </div>
      )}

      {state.kind === 'ready' && state.page.items.length > 0 && (
        <AgentsTable agents={state.page.items} />
      )}
    </section>
  );
}
