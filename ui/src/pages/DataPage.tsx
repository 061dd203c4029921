// The Data page: a browser of the ten tables, like Prisma Studio. A table picker with row
// counts; the table's columns and values, filtered, sorted and paged by the backend; a row
// panel with the row in full, its related rows and, where the table has an update service, an
// edit form. `#/data/<table>/<id>` opens a row, so related rows are plain links. Query and
// display logic live in pages/data/*.ts.
import { SearchBox, Toolbar } from '../components/Filters';
import { useCallback, useMemo, useRef, useState, type RefObject } from 'react';
import { backend } from '../ipc';
import type { DataTable as Table } from '../bindings/DataTable';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import { ListView } from '../components/ListView';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, LoadingState, Pager } from '../components/States';
import { DataTable } from '../components/Table';
import { count } from '../lib/format';
import { useDebounced, useLoad, usePagedList, useShortcuts } from '../lib/hooks';
import { href, useSubpath } from '../routes';
import { Cell } from './data/Cell';
import { FilterBar } from './data/FilterBar';
import { RowPanel } from './data/RowPanel';
import { isDeleted, rowId, tableLabel } from './data/cells';
import { buildFilter, buildQuery, newFilter, nextSort, type FilterDraft, type Sort } from './data/query';
import './data/data.css';

const DEFAULT_TABLE = 'agents';
const PAGE_SIZES = [25, 50, 100];
const SEARCH_DELAY_MS = 250;

type Row = { [key in string]: JsonValue };

function asRow(v: JsonValue): Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** The grid of one table, with its own filters, search, sorting and paging. */
function TableView(props: { table: Table; selectedId: string | null; searchRef: RefObject<HTMLInputElement | null> }) {
  const { table } = props;
  const [filters, setFilters] = useState<FilterDraft[]>([]);
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [sort, setSort] = useState<Sort | null>(null);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]!);
  const debouncedFilters = useDebounced(filters, SEARCH_DELAY_MS);
  // Only complete filters reach the query, so typing half a value does not reload anything.
  const filterKey = JSON.stringify(
    debouncedFilters.map((f) => buildFilter(f, table.columns.find((c) => c.name === f.column))).filter((b) => b.ok),
  );
  const sortKey = sort ? `${sort.column}:${sort.order}` : '';
  const hasText = table.columns.some((c) => c.kind === 'text');

  const list = usePagedList(
    (p) => backend.dataRows(buildQuery({ table: table.name, filters: debouncedFilters, search, includeDeleted, sort, page: p, pageSize }, table.columns)),
    [table.name, filterKey, search, includeDeleted, sortKey, pageSize],
  );
  const { shown, page, setPage } = list;
  const filtered = filters.length > 0 || search !== '';
  const clear = () => {
    setFilters([]);
    setSearchText('');
  };
  const first = shown ? (shown.page - 1) * shown.pageSize + 1 : 0;

  return (
    <div className="data-main">
      <Toolbar>
        {hasText && (
          <SearchBox ref={props.searchRef} label={`Search ${table.name}`} placeholder="Search the text columns  ( / )" value={searchText} onChange={setSearchText} />
        )}
        <select
          className="input"
          aria-label="Add a filter on a column"
          value=""
          onChange={(e) => {
            const c = table.columns.find((x) => x.name === e.target.value);
            if (c) setFilters((f) => [...f, newFilter(c)]);
          }}
        >
          <option value="">+ Filter…</option>
          {table.columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        {table.softDelete && (
          <label className="inline-field data-toggle">
            <input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} />
            <span>Include deleted</span>
          </label>
        )}
      </Toolbar>

      <FilterBar columns={table.columns} filters={filters} onChange={setFilters} />

      <ListView
        list={list}
        loading={`the ${table.name} rows`}
        what="rows"
        filtered={filtered}
        onClear={clear}
        pager="none"
        empty={
          <EmptyState title={`The ${table.name} table is empty.`}>
            {includeDeleted || !table.softDelete ? 'Rows appear here as the app writes them.' : 'Rows appear here as the app writes them; tick “Include deleted” to see soft-deleted ones.'}
          </EmptyState>
        }
      >
        {(rows, busy) => (
          <>
            <div className="data-grid-wrap">
              <DataTable
                className="table data-grid"
                busy={busy}
                label={`${table.name} rows`}
                header={table.columns.map((c) => {
                  const sorted = sort?.column === c.name ? sort.order : null;
                  return (
                    <th key={c.name} scope="col" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
                      <button type="button" className="data-sort" title={`${c.kind}${c.nullable ? ', nullable' : ''}${c.references ? ` → ${c.references}` : ''}; click to sort`} onClick={() => setSort((s) => nextSort(s, c.name))}>
                        {c.name}
                        <span className="data-sort-mark" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    </th>
                  );
                })}
              >
                {rows.items.map((item, i) => {
                  const row = asRow(item);
                  const id = rowId(item);
                  const classes = [id !== null && id === props.selectedId ? 'selected' : '', isDeleted(item) ? 'deleted' : ''].filter(Boolean).join(' ');
                  return (
                    <tr
                      key={id ?? i}
                      data-row-id={id ?? undefined}
                      className={classes || undefined}
                      tabIndex={0}
                      aria-label={id ? `Open row ${id}` : undefined}
                      onClick={() => id && (window.location.hash = href('data', table.name, id))}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && id && e.target === e.currentTarget) window.location.hash = href('data', table.name, id);
                      }}
                    >
                      {table.columns.map((c) => (
                        <td key={c.name} className={`data-cell data-${c.kind}`}>
                          <Cell column={c} value={row[c.name]} table={table.name} />
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </DataTable>
            </div>
            <div className="data-footer">
              <span className="muted">
                Rows {first}–{first + rows.items.length - 1} of {rows.total}
              </span>
              <label className="inline-field">
                <span>Per page</span>
                <select className="input" value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))}>
                  {PAGE_SIZES.map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </select>
              </label>
              <Pager page={page} totalPages={rows.totalPages} onPage={setPage} />
            </div>
          </>
        )}
      </ListView>
    </div>
  );
}

export function DataPage() {
  const [tableParam, idParam] = useSubpath();
  const tables = useLoad(() => backend.dataTables(), []);
  const list = tables.shown;
  const table = list?.find((t) => t.name === (tableParam ?? DEFAULT_TABLE)) ?? null;
  const selectedId = table && idParam ? idParam : null;
  const searchRef = useRef<HTMLInputElement>(null);
  const saveRef = useRef<(() => void) | null>(null);
  const cancelRef = useRef<(() => void) | null>(null);
  const closeRow = useCallback(() => {
    if (table) window.location.hash = href('data', table.name);
  }, [table]);

  useShortcuts(
    { panelOpen: selectedId !== null, dialogOpen: false, hasSelection: false },
    {
      focusSearch: () => searchRef.current?.focus(),
      save: () => (saveRef.current ? saveRef.current() : false),
      close: () => (cancelRef.current ? cancelRef.current() : closeRow()),
    },
    true,
  );

  const total = useMemo(() => list?.reduce((n, t) => n + t.rowCount, 0) ?? 0, [list]);

  return (
    <Page
      className="data-page"
      headingId="data-heading"
      title="Data"
      count={
        list && (
          <>
            {count(total, 'row')} in {count(list.length, 'table')}
          </>
        )
      }
    >
      {tables.state.kind === 'loading' && !list && <LoadingState what="the tables" />}
      {tables.state.kind === 'error' && <ErrorState error={tables.state.error} onRetry={tables.reload} />}

      {list && (
        <div className="data-layout">
          <nav className="data-tables" aria-label="Tables">
            <ul>
              {list.map((t) => (
                <li key={t.name}>
                  <a href={href('data', t.name)} className="data-table-link" aria-current={t.name === table?.name ? 'page' : undefined}>
                    <span className="data-table-name">{t.name}</span>
                    <span className="data-table-count" aria-label={count(t.rowCount, 'row')}>
                      {t.rowCount}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>

          {table ? (
            <div className="data-content">
              <div className="data-title">
                <h3>{tableLabel(table.name)}</h3>
                <span className="count">{count(table.rowCount, 'row')}{table.softDelete ? ' (not deleted)' : ''}</span>
                <span className={table.editable.length > 0 ? 'badge badge-active' : 'badge badge-inactive'}>{table.editable.length > 0 ? 'Editable' : 'Read-only'}</span>
              </div>
              <p className="muted data-note">{table.editNote}</p>
              <TableView key={table.name} table={table} selectedId={selectedId} searchRef={searchRef} />
            </div>
          ) : (
            <EmptyState title={`There is no table ${tableParam ?? ''}.`}>Pick one of the ten tables on the left.</EmptyState>
          )}
        </div>
      )}

      {table && selectedId && <RowPanel table={table} id={selectedId} onClose={closeRow} saveRef={saveRef} cancelRef={cancelRef} />}
    </Page>
  );
}
