// The Audit Log page: every change to the data, newest first, filtered by action, resource type
// and day range, each row expandable to what changed. Query building and reading `changes` live
// in pages/audit/audit.ts.
import { Fragment, useEffect, useState } from 'react';
import { backend, toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import type { AuditLog } from '../bindings/AuditLog';
import type { Page } from '../bindings/Page';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { buildAuditQuery, emptyFilters, extractChanges, formatValue, RESOURCE_TYPES, shortId, type AuditFilters } from './audit/audit';

type ListState =
  | { kind: 'loading'; previous?: Page<AuditLog> }
  | { kind: 'error'; error: CommandError }
  | { kind: 'ready'; page: Page<AuditLog> };

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function Changes({ changes }: { changes: JsonValue }) {
  const rows = extractChanges(changes);
  if (rows === null) return <pre className="json">{JSON.stringify(changes, null, 2)}</pre>;
  return (
    <table className="diff">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.field}>
            <th scope="row">{r.field}</th>
            <td className={r.before === undefined ? 'muted' : undefined}>{formatValue(r.before)}</td>
            <td className={r.after === undefined ? 'muted' : undefined}>{formatValue(r.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>(() => emptyFilters());
  const action = useDebounced(filters.action, TYPING_DELAY_MS);
  const { resourceType, from, to } = filters;
  const [page, setPage] = useState(1);
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => setPage(1), [action, resourceType, from, to]);

  useEffect(() => backend.onDataChanged(() => setReloads((n) => n + 1)), []);

  useEffect(() => {
    let live = true;
    const query = buildAuditQuery({ action, resourceType, from, to }, page, PAGE_SIZE);
    setState((s) => ({ kind: 'loading', ...(s.kind === 'ready' ? { previous: s.page } : {}) }));
    backend
      .auditList(query)
      .then((result) => {
        if (!live) return;
        if (result.items.length === 0 && page > 1 && page > result.totalPages) setPage(Math.max(1, result.totalPages));
        else setState({ kind: 'ready', page: result });
      })
      .catch((reason: unknown) => live && setState({ kind: 'error', error: toCommandError(reason) }));
    // A stale answer must not overwrite a newer one.
    return () => {
      live = false;
    };
  }, [action, resourceType, from, to, page, reloads]);

  const shown = state.kind === 'ready' ? state.page : state.kind === 'loading' ? state.previous : undefined;
  const filtered = filters.action.trim() !== '' || resourceType !== '' || from !== '' || to !== '';
  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section className="page" aria-labelledby="audit-heading">
      <div className="page-header">
        <h2 id="audit-heading">Audit Log</h2>
        {shown && (
          <span className="count">
            {shown.total} {shown.total === 1 ? 'entry' : 'entries'}
          </span>
        )}
      </div>

      <div className="toolbar" role="search">
        <input
          type="search"
          className="input search"
          placeholder="Action, e.g. agent.create or agent."
          aria-label="Action"
          value={filters.action}
          onChange={(e) => set('action', e.target.value)}
        />
        <select className="input" aria-label="Resource type" value={resourceType} onChange={(e) => set('resourceType', e.target.value)}>
          <option value="">All resources</option>
          {RESOURCE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label className="inline-field">
          <span>From</span>
          <input className="input" type="date" value={from} max={to || undefined} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label className="inline-field">
          <span>To</span>
          <input className="input" type="date" value={to} min={from || undefined} onChange={(e) => set('to', e.target.value)} />
        </label>
        {filtered && (
          <button type="button" className="secondary" onClick={() => setFilters(emptyFilters())}>
            Clear
          </button>
        )}
      </div>

      {state.kind === 'loading' && !state.previous && (
        <p className="state" role="status" aria-busy="true">
          Loading the audit log…
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
          <button type="button" onClick={() => setReloads((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}

      {shown && shown.items.length === 0 && (
        <div className="state state-empty">
          {filtered ? (
            <>
              <p className="state-title">No entries match these filters.</p>
              <p className="state-hint">
                Change the filters, or{' '}
                <button type="button" className="link" onClick={() => setFilters(emptyFilters())}>
                  clear them all
                </button>
                .
              </p>
            </>
          ) : (
            <>
              <p className="state-title">Nothing recorded yet.</p>
              <p className="state-hint">Every change to agents, workflows, keys and the database is listed here.</p>
            </>
          )}
        </div>
      )}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Resource id</th>
                <th scope="col">User</th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((row) => {
                const open = expanded.has(row.id);
                return (
                  <Fragment key={row.id}>
                    <tr data-audit-id={row.id} data-resource-id={row.resourceId ?? undefined} className={open ? 'selected' : undefined} onClick={() => toggle(row.id)}>
                      <td>
                        <button
                          type="button"
                          className="link expander"
                          aria-expanded={open}
                          aria-label={open ? 'Hide changes' : 'Show changes'}
                          onClick={(e) => {
                            e.stopPropagation();
                            toggle(row.id);
                          }}
                        >
                          {open ? '▾' : '▸'}
                        </button>{' '}
                        <time dateTime={row.createdAt}>{timeFormat.format(new Date(row.createdAt))}</time>
                      </td>
                      <td>
                        <code>{row.action}</code>
                      </td>
                      <td>
                        <span className="type">{row.resourceType}</span>
                      </td>
                      <td>
                        <code className="type" title={row.resourceId ?? undefined}>
                          {shortId(row.resourceId)}
                        </code>
                      </td>
                      <td>
                        <code className="type" title={row.userId ?? undefined}>
                          {shortId(row.userId)}
                        </code>
                      </td>
                    </tr>
                    {open && (
                      <tr className="audit-detail">
                        <td colSpan={5}>
                          <Changes changes={row.changes} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" className="secondary" disabled={shown.page <= 1} onClick={() => setPage(shown.page - 1)}>
              ← Previous
            </button>
            <span>
              Page {shown.page} of {Math.max(1, shown.totalPages)}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={shown.page >= shown.totalPages}
              onClick={() => setPage(shown.page + 1)}
            >
              Next →
            </button>
          </div>
        </>
      )}
    </section>
  );
}
