// The Audit Log page: every change to the data, newest first, filtered by action, resource type
// and day range, each row expandable to what changed. Query building and reading `changes` live
// in pages/audit/audit.ts.
import { Fragment, useState } from 'react';
import { backend } from '../ipc';
import { ClearFilters, EnumSelect, SearchBox, Toolbar } from '../components/Filters';
import { ListView } from '../components/ListView';
import { Page } from '../components/Page';
import { EmptyState } from '../components/States';
import { DataTable, Expander } from '../components/Table';
import { count, formatPrecise } from '../lib/format';
import { useDebounced, usePagedList, useToggleSet } from '../lib/hooks';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { buildAuditQuery, emptyFilters, extractChanges, formatValue, RESOURCE_TYPES, shortId, type AuditFilters } from './audit/audit';

const PAGE_SIZE = 20;
const TYPING_DELAY_MS = 250;
function Changes({ changes }: { changes: JsonValue }) {
  const rows = extractChanges(changes);
  if (rows === null) return <pre className="json">{JSON.stringify(changes, null, 2)}</pre>;
  return (
    <DataTable className="diff" columns={['Field', 'Before', 'After']}>
      {rows.map((r) => (
        <tr key={r.field}>
          <th scope="row">{r.field}</th>
          <td className={r.before === undefined ? 'muted' : undefined}>{formatValue(r.before)}</td>
          <td className={r.after === undefined ? 'muted' : undefined}>{formatValue(r.after)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>(() => emptyFilters());
  const action = useDebounced(filters.action, TYPING_DELAY_MS);
  const { resourceType, from, to } = filters;
  const [expanded, toggle] = useToggleSet();

  const list = usePagedList(
    (page) => backend.auditList(buildAuditQuery({ action, resourceType, from, to }, page, PAGE_SIZE)),
    [action, resourceType, from, to],
  );
  const { shown } = list;
  const filtered = filters.action.trim() !== '' || resourceType !== '' || from !== '' || to !== '';
  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const clear = () => setFilters(emptyFilters());

  return (
    <Page headingId="audit-heading" title="Audit Log" count={shown && count(shown.total, 'entry', 'entries')}>
      <Toolbar>
        <SearchBox label="Action" placeholder="Action, e.g. agent.create or agent." value={filters.action} onChange={(v) => set('action', v)} />
        <EnumSelect<string> label="Resource type" allLabel="All resources" options={RESOURCE_TYPES} value={resourceType} onChange={(v) => set('resourceType', v)} format={String} />
        <label className="inline-field">
          <span>From</span>
          <input className="input" type="date" value={from} max={to || undefined} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label className="inline-field">
          <span>To</span>
          <input className="input" type="date" value={to} min={from || undefined} onChange={(e) => set('to', e.target.value)} />
        </label>
        <ClearFilters shown={filtered} onClear={clear} />
      </Toolbar>

      <ListView
        list={list}
        loading="the audit log"
        what="entries"
        filtered={filtered}
        onClear={clear}
        empty={<EmptyState title="Nothing recorded yet.">Every change to agents, workflows, keys and the database is listed here.</EmptyState>}
      >
        {(page, busy) => (
          <DataTable busy={busy} columns={['Time', 'Action', 'Resource', 'Resource id', 'User']}>
            {page.items.map((row) => {
              const open = expanded.has(row.id);
              return (
                <Fragment key={row.id}>
                  <tr data-audit-id={row.id} data-resource-id={row.resourceId ?? undefined} className={open ? 'selected' : undefined} onClick={() => toggle(row.id)}>
                    <td>
                      <Expander open={open} what="changes" onToggle={() => toggle(row.id)} />{' '}
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
          </DataTable>
        )}
      </ListView>
    </Page>
  );
}
