// The Data page's query logic: which filter operators suit a column, how a filter the user
// typed becomes a DataFilter the backend accepts, sorting by a header click, and the whole
// DataQuery of a view. Pure, so it is tested without a DOM (query.test.ts).
import type { DataColumn } from '../../bindings/DataColumn';
import type { DataFilter } from '../../bindings/DataFilter';
import type { DataQuery } from '../../bindings/DataQuery';
import type { FilterOp } from '../../bindings/FilterOp';

/** How each operator reads in the filter bar. */
export const OP_LABELS: Record<FilterOp, string> = {
  eq: '=',
  neq: '≠',
  contains: 'contains',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  isNull: 'is empty',
  notNull: 'is not empty',
};

/** Timestamps read better as "after"/"before" a day than as > and <. */
const TIME_LABELS: Partial<Record<FilterOp, string>> = { gt: 'after', gte: 'on or after', lt: 'before', lte: 'on or before' };

export function opLabel(op: FilterOp, column: DataColumn | undefined): string {
  return (column?.kind === 'timestamp' ? TIME_LABELS[op] : undefined) ?? OP_LABELS[op];
}

/** The operators that make sense for a column (the backend accepts each of these for it). */
export function opsFor(column: DataColumn): FilterOp[] {
  const nulls: FilterOp[] = column.nullable ? ['isNull', 'notNull'] : [];
  switch (column.kind) {
    case 'int':
    case 'decimal':
      return ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', ...nulls];
    case 'timestamp':
      return ['gt', 'gte', 'lt', 'lte', ...nulls];
    case 'boolean':
      return ['eq'];
    case 'enum':
    case 'uuid':
      return ['eq', 'neq', ...nulls];
    case 'json':
    case 'list':
      return ['contains', ...nulls];
    default:
      return ['contains', 'eq', 'neq', ...nulls];
  }
}

export function needsValue(op: FilterOp): boolean {
  return op !== 'isNull' && op !== 'notNull';
}

/** A filter as the filter bar holds it: the column's API name and the text typed. */
export interface FilterDraft {
  column: string;
  op: FilterOp;
  value: string;
}

/** A new filter on `column`: its first operator, and a value that already means something. */
export function newFilter(column: DataColumn): FilterDraft {
  const op = opsFor(column)[0]!;
  const value = column.kind === 'boolean' ? 'true' : column.kind === 'enum' ? (column.values?.[0] ?? '') : '';
  return { column: column.name, op, value };
}

/** Keeps a draft valid when its column or operator changes. */
export function retarget(draft: FilterDraft, column: DataColumn): FilterDraft {
  if (draft.column !== column.name) return newFilter(column);
  return opsFor(column).includes(draft.op) ? draft : { ...draft, op: opsFor(column)[0]! };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a real `YYYY-MM-DD` day, or null. */
function localDay(text: string): Date | null {
  const m = DAY.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(y, mo, d);
  return date.getFullYear() === y && date.getMonth() === mo && date.getDate() === d ? date : null;
}

/**
 * The instant a timestamp filter compares with, for a local day typed as `YYYY-MM-DD` (or a
 * full date and time, passed through as ISO). Stored timestamps are fixed-width ISO text in
 * UTC, so "after the 5th" (`gt`) and "on or before the 5th" (`lte`) compare with the last
 * millisecond of the 5th, "on or after" and "before" with its first.
 */
export function timeBound(op: FilterOp, text: string): string | null {
  const day = localDay(text);
  if (day === null) {
    if (DAY.test(text.trim())) return null;
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  if (op === 'gt' || op === 'lte') {
    const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    return new Date(next.getTime() - 1).toISOString();
  }
  return day.toISOString();
}

/** "4.25" → "425": decimal columns are compared as the hundredths they are stored as. */
export function hundredths(text: string): string | null {
  const m = /^\s*(-?)(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0') || 0);
  return `${m[1] === '-' && cents !== 0 ? '-' : ''}${cents}`;
}

export type BuiltFilter = { ok: true; filter: DataFilter } | { ok: false; message: string };

/** The backend filter of a draft, or why the draft cannot be used yet. */
export function buildFilter(draft: FilterDraft, column: DataColumn | undefined): BuiltFilter {
  if (!column) return { ok: false, message: `No column ${draft.column}` };
  if (!needsValue(draft.op)) return { ok: true, filter: { column: column.column, op: draft.op, value: null } };
  const raw = draft.value.trim();
  if (raw === '') return { ok: false, message: 'Type a value' };
  let value: string | null = raw;
  if (column.kind === 'timestamp') value = timeBound(draft.op, raw);
  else if (column.kind === 'decimal') value = hundredths(raw);
  else if (column.kind === 'int') value = /^-?\d+$/.test(raw) ? raw : null;
  else if (column.kind === 'json' || column.kind === 'list' || column.kind === 'text') value = draft.value;
  if (value === null) {
    const what = column.kind === 'timestamp' ? 'a day (YYYY-MM-DD)' : column.kind === 'decimal' ? 'a number like 4.25' : 'a whole number';
    return { ok: false, message: `Type ${what}` };
  }
  return { ok: true, filter: { column: column.column, op: draft.op, value } };
}

export interface Sort {
  /** API name of the column. */
  column: string;
  order: 'asc' | 'desc';
}

/** A header click: a new column sorts ascending, the same column flips, a third click resets. */
export function nextSort(current: Sort | null, column: string): Sort | null {
  if (current?.column !== column) return { column, order: 'asc' };
  return current.order === 'asc' ? { column, order: 'desc' } : null;
}

export interface View {
  table: string;
  filters: FilterDraft[];
  search: string;
  includeDeleted: boolean;
  sort: Sort | null;
  page: number;
  pageSize: number;
}

/** The backend query of a view; drafts that are not complete yet are left out. */
export function buildQuery(view: View, columns: readonly DataColumn[]): DataQuery {
  const filters: DataFilter[] = [];
  for (const draft of view.filters) {
    const built = buildFilter(
      draft,
      columns.find((c) => c.name === draft.column),
    );
    if (built.ok) filters.push(built.filter);
  }
  const query: DataQuery = { table: view.table, filters, includeDeleted: view.includeDeleted, page: view.page, pageSize: view.pageSize };
  if (view.sort) {
    const col = columns.find((c) => c.name === view.sort!.column);
    if (col) {
      query.sortBy = col.column;
      query.sortOrder = view.sort.order;
    }
  }
  const search = view.search.trim();
  if (search !== '') query.search = search;
  return query;
}
