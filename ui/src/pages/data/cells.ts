// How the Data page shows a value of a column: nulls muted, booleans as words, timestamps
// formatted (the stored ISO text in a tooltip), ids short and linked to their row, JSON compact
// with the pretty form a click away, long text cut. Pure (cells.test.ts).
import type { DataColumn } from '../../bindings/DataColumn';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { formatDateTime, shortId } from '../../lib/format';

/** How many characters of text or JSON a grid cell shows before cutting. */
export const CELL_CHARS = 48;

export type CellView =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'time'; iso: string; text: string }
  | { kind: 'id'; id: string; short: string; /** The table whose row it names, when known. */ table: string | null }
  | { kind: 'number'; text: string }
  | { kind: 'enum'; text: string }
  | { kind: 'json'; compact: string; pretty: string; /** Cut in the grid: worth expanding. */ long: boolean }
  | { kind: 'text'; text: string; full: string };

/** Cuts `text` to `max` characters with an ellipsis. */
export function truncate(text: string, max = CELL_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line of JSON, cut to `max` characters. */
export function compactJson(value: JsonValue, max = CELL_CHARS): string {
  return truncate(JSON.stringify(value), max);
}

/**
 * The view of `value` in `column` of table `table`. The `id` column links to the row itself,
 * foreign keys to the row they point to.
 */
export function cellView(column: DataColumn, value: JsonValue | undefined, table: string): CellView {
  if (value === null || value === undefined) return { kind: 'null' };
  switch (column.kind) {
    case 'boolean':
      return { kind: 'bool', value: value === true };
    case 'timestamp':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return { kind: 'time', iso: value, text: formatDateTime(value) };
      break;
    case 'uuid':
      if (typeof value === 'string') {
        const target = column.references ?? (column.name === 'id' ? table : null);
        return { kind: 'id', id: value, short: shortId(value), table: target };
      }
      break;
    case 'int':
    case 'decimal':
      return { kind: 'number', text: String(value) };
    case 'enum':
      return { kind: 'enum', text: String(value) };
    case 'json':
    case 'list': {
      const full = JSON.stringify(value);
      return { kind: 'json', compact: truncate(full), pretty: JSON.stringify(value, null, 2), long: full.length > CELL_CHARS || /[{[]/.test(full.slice(1)) };
    }
  }
  if (typeof value === 'string') return { kind: 'text', text: truncate(value.replace(/\s+/g, ' ')), full: value };
  const full = JSON.stringify(value);
  return { kind: 'json', compact: truncate(full), pretty: JSON.stringify(value, null, 2), long: full.length > CELL_CHARS };
}

type Row = { [key in string]: JsonValue };

function isRow(v: JsonValue): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The fields that name a row for people, most telling first. */
const TITLE_FIELDS = ['name', 'stepName', 'email', 'action', 'message', 'keyPrefix', 'stepKey'];

/** A short name for a row in lists of related rows: its name, email, action… or its id. */
export function rowTitle(row: JsonValue): string {
  if (!isRow(row)) return String(row);
  for (const f of TITLE_FIELDS) {
    const v = row[f];
    if (typeof v === 'string' && v.trim() !== '') return truncate(v, 60);
  }
  return typeof row.id === 'string' ? shortId(row.id) : '(row)';
}

/** The row's id, when it has one (every table has). */
export function rowId(row: JsonValue): string | null {
  return isRow(row) && typeof row.id === 'string' ? row.id : null;
}

/** Whether a row is soft-deleted. */
export function isDeleted(row: JsonValue): boolean {
  return isRow(row) && typeof row.deletedAt === 'string';
}

/** A table name for people: "workflow_steps" → "Workflow steps". */
export function tableLabel(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
