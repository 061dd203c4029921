// Editing a row on the Data page: the form's draft of each editable column, reading a draft
// back into the JSON value the column holds, and the patch of what changed, which the backend
// hands to the table's own service. Pure (edit.test.ts); the rules themselves live in Rust.
import type { DataColumn } from '../../bindings/DataColumn';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { FieldError } from '../../bindings/FieldError';

/** What a form control holds: text, a checkbox, or a list of chips. */
export type Draft = string | boolean | string[];

export type Parsed = { ok: true; value: JsonValue } | { ok: false; message: string };

/** The form control's starting value for `value` in `column`. */
export function draftOf(column: DataColumn, value: JsonValue | undefined): Draft {
  if (column.kind === 'boolean') return value === true;
  if (column.kind === 'list') return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : [];
  if (value === null || value === undefined) return '';
  if (column.kind === 'json') return JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : String(value);
}

/** The value a draft stands for, or why it is not one. Empty text is null where allowed. */
export function parseDraft(column: DataColumn, draft: Draft): Parsed {
  if (typeof draft === 'boolean') return { ok: true, value: draft };
  if (Array.isArray(draft)) return { ok: true, value: draft };
  const text = draft.trim();
  if (text === '' && column.nullable && column.kind !== 'json') return { ok: true, value: null };
  switch (column.kind) {
    case 'int':
      return /^-?\d+$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: 'Type a whole number' };
    case 'json':
      if (text === '') return column.nullable ? { ok: true, value: null } : { ok: false, message: 'Type JSON, e.g. {}' };
      try {
        return { ok: true, value: JSON.parse(text) as JsonValue };
      } catch (e) {
        return { ok: false, message: `Not valid JSON: ${(e as Error).message}` };
      }
    case 'uuid':
    case 'enum':
      return { ok: true, value: text };
    default:
      // Text keeps its spaces; the services trim what they trim.
      return { ok: true, value: draft };
  }
}

/** Structural equality of two JSON values (key order ignored). */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && sameJson(a[k], b[k]));
}

export interface PatchResult {
  /** Only the columns whose value changed. */
  patch: { [key in string]: JsonValue };
  /** Column (API name) → what is wrong with its draft. */
  errors: Record<string, string>;
}

/** What changed between `row` and the form's drafts of the editable `columns`. */
export function buildPatch(columns: readonly DataColumn[], row: { [key in string]?: JsonValue }, drafts: Record<string, Draft>): PatchResult {
  const patch: PatchResult['patch'] = {};
  const errors: Record<string, string> = {};
  for (const column of columns) {
    const draft = drafts[column.name];
    if (draft === undefined) continue;
    const parsed = parseDraft(column, draft);
    if (!parsed.ok) errors[column.name] = parsed.message;
    else if (!sameJson(parsed.value, row[column.name])) patch[column.name] = parsed.value;
  }
  return { patch, errors };
}

/** The backend's field errors by column, for showing each under its field. */
export function errorsByField(fields: readonly FieldError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) out[f.field] = out[f.field] ? `${out[f.field]}; ${f.message}` : f.message;
  return out;
}
