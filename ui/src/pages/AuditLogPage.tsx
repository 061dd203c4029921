// The Audit Log page: every change to the data, newest first, filtered by action, resource type
// and day range, each row expandable to what changed. Query building and reading `changes` live
// in pages/audit/audit.ts.
import { Fragment, useState } from 'react';
import { backend } from '../ipc';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager } from '../components/States';
import { count, formatPrecise } from '../lib/format';
import { useDebounced, usePagedList } from '../lib/hooks';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { buildAuditQuery, emptyFilters, extractChanges, formatValue, RESOURCE_TYPES, shortId, type AuditFilters } from './audit/audit';

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
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
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const { state, shown, reload, setPage } = usePagedList(
    (page) => backend.auditList(buildAuditQuery({ action, resourceType, from, to }, page, PAGE_SIZE)),
    [action, resourceType, from, to],
  );
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
            {count(shown.total, 'entry', 'entries')}
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

      {state.kind === 'loading' && !state.previous && <LoadingState what="the audit log" />}

      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown && shown.items.length === 0 && (
        filtered ? (
          <NoMatches what="entries" onClear={() => setFilters(emptyFilters())} />
        ) : (
          <EmptyState title="Nothing recorded yet.">
            Every change to agents, workflows, keys and the database is listed here.
          </EmptyState>
        )
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
                        <time dateTime={row.createdAt}>{formatPrecise(row.createdAt)}</time>
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
          <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />
        </>
      )}
    </section>
  );
}
