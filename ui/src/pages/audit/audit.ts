// Pure logic of the Audit Log page: the filters → the `audit_list` query, and reading a row's
// `changes` as before/after pairs when it has that shape.
import type { AuditQuery } from '../../bindings/AuditQuery';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { endOfDayIso, startOfDayIso } from '../api-keys/keys';

/** The resource types services write (`resource_type` of audit rows). */
export const RESOURCE_TYPES = [
  'agent',
  'workflow',
  'template',
  'deployment',
  'api_key',
  'execution',
  'user',
  'bundle',
  'database',
] as const;

export interface AuditFilters {
  /** An exact action (`agent.create`) or a prefix ending in a dot (`agent.`); `agent.*` counts as `agent.`. */
  action: string;
  resourceType: string;
  /** Local `YYYY-MM-DD` days, inclusive; '' for no bound. */
  from: string;
  to: string;
}

export function emptyFilters(): AuditFilters {
  return { action: '', resourceType: '', from: '', to: '' };
}

/** Newest first; empty filters are left out; days become the whole local day's ISO range. */
export function buildAuditQuery(filters: AuditFilters, page: number, pageSize: number): AuditQuery {
  const query: AuditQuery = { page, pageSize, sortBy: 'createdAt', sortOrder: 'desc' };
  const action = filters.action.trim().toLowerCase().replace(/\.\*$/, '.');
  if (action !== '') query.action = action;
  if (filters.resourceType !== '') query.resourceType = filters.resourceType;
  const from = filters.from === '' ? null : startOfDayIso(filters.from);
  const to = filters.to === '' ? null : endOfDayIso(filters.to);
  if (from !== null) query.from = from;
  if (to !== null) query.to = to;
  return query;
}

export interface ChangeRow {
  field: string;
  /** `undefined` when that side has no value (a create has no before, a delete no after). */
  before: JsonValue | undefined;
  after: JsonValue | undefined;
}

type JsonObject = { [key in string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: JsonObject, allowed: readonly string[]): boolean {
  const keys = Object.keys(o);
  return keys.length > 0 && keys.every((k) => allowed.includes(k));
}

/**
 * Before/after rows for the two shapes services write: an update's `{field: {before, after}}`
 * and a create's or delete's snapshot `{after: {...}}` / `{before: {...}}`. Anything else
 * (or an empty object) gives null: show it as JSON.
 */
export function extractChanges(changes: JsonValue): ChangeRow[] | null {
  if (!isObject(changes)) return null;
  if (onlyKeys(changes, ['before', 'after']) && Object.values(changes).every((v) => v === null || isObject(v))) {
    const before = isObject(changes.before) ? changes.before : {};
    const after = isObject(changes.after) ? changes.after : {};
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    if (fields.length > 0) return fields.map((field) => ({ field, before: before[field], after: after[field] }));
  }
  const entries = Object.entries(changes);
  if (entries.length === 0 || !entries.every(([, v]) => isObject(v) && onlyKeys(v, ['before', 'after']))) return null;
  return entries.map(([field, v]) => {
    const pair = v as JsonObject;
    return { field, before: pair.before, after: pair.after };
  });
}

/** A cell's text: strings as they are, other values as compact JSON, no value as a dash. */
export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export { shortId } from '../../lib/format';
