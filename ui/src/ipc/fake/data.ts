// The in-memory Data browser: the ten tables described with a few of their columns, rows taken
// from the other fake areas (agents, the profile, the audit log) plus a little sample data, and
// edits of agents and the profile routed through those areas, as the Rust side routes them
// through the services. Queries are not checked (unknown tables and columns match nothing).
import type { DataColumn } from '../../bindings/DataColumn';
import type { DataFilter } from '../../bindings/DataFilter';
import type { DataTable } from '../../bindings/DataTable';
import type { RelatedRows } from '../../bindings/RelatedRows';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { DataApi } from '../backend';
import type { UpdateAgent } from '../types';
import { fakeAgents } from './agents';
import { auditRows, notFound, paged, unavailable, USER } from './core';
import { fakeSettings, profile } from './settings';

type Row = { [key in string]: JsonValue };
type Spec = [name: string, kind: string, nullable?: boolean, references?: string | null, values?: string[]];

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const ROW_DATES: Spec[] = [
  ['createdAt', 'timestamp'],
  ['updatedAt', 'timestamp'],
];

const TABLES: Record<string, { specs: Spec[]; softDelete: boolean; editable: string[]; note: string }> = {
  users: {
    specs: [['id', 'uuid'], ['email', 'text'], ['fullName', 'text', true], ['role', 'enum', false, null, ['ADMIN', 'USER']], ['isActive', 'boolean'], ['preferences', 'json'], ...ROW_DATES, ['deletedAt', 'timestamp', true]],
    softDelete: true,
    editable: ['email', 'fullName', 'preferences'],
    note: 'Only your own profile (the local user) can be edited; other users arrive by sync.',
  },
  agents: {
    specs: [
      ['id', 'uuid'],
      ['name', 'text'],
      ['description', 'text', true],
      ['type', 'enum', false, null, ['CODE', 'API', 'LLM', 'DATA', 'WORKFLOW']],
      ['status', 'enum', false, null, ['ACTIVE', 'INACTIVE', 'DRAFT', 'ARCHIVED']],
      ['version', 'int'],
      ['userId', 'uuid', false, 'users'],
      ['config', 'json'],
      ['maxMemoryMb', 'int', true],
      ['tags', 'list', true],
      ['isPublic', 'boolean'],
      ...ROW_DATES,
      ['deletedAt', 'timestamp', true],
    ],
    softDelete: true,
    editable: ['name', 'description', 'status', 'config', 'maxMemoryMb', 'tags', 'isPublic'],
    note: 'Edits go through the agent rules, as on the Agents page; the type never changes.',
  },
  workflows: {
    specs: [['id', 'uuid'], ['name', 'text'], ['status', 'enum', false, null, ['DRAFT', 'ACTIVE', 'INACTIVE', 'ARCHIVED']], ['userId', 'uuid', false, 'users'], ['definition', 'json'], ['tags', 'list', true], ...ROW_DATES, ['deletedAt', 'timestamp', true]],
    softDelete: true,
    editable: [],
    note: 'The browser preview cannot edit workflows; run the app.',
  },
  workflow_steps: {
    specs: [['id', 'uuid'], ['workflowId', 'uuid', false, 'workflows'], ['agentId', 'uuid', true, 'agents'], ['stepKey', 'text'], ['stepName', 'text'], ['position', 'int'], ['inputs', 'json'], ['dependsOn', 'list', true], ...ROW_DATES],
    softDelete: false,
    editable: [],
    note: 'The browser preview cannot edit steps; run the app.',
  },
  executions: {
    specs: [['id', 'uuid'], ['workflowId', 'uuid', false, 'workflows'], ['status', 'enum'], ['durationMs', 'int', true], ...ROW_DATES],
    softDelete: false,
    editable: [],
    note: 'Read-only: executions are written by runs; cancel a run on the Executions page.',
  },
  execution_logs: {
    specs: [['id', 'uuid'], ['executionId', 'uuid', false, 'executions'], ['level', 'enum'], ['message', 'text'], ['createdAt', 'timestamp']],
    softDelete: false,
    editable: [],
    note: 'Read-only: logs are written by runs and never edited.',
  },
  templates: {
    specs: [['id', 'uuid'], ['name', 'text'], ['category', 'text'], ['ratingAverage', 'decimal'], ['isOfficial', 'boolean'], ['templateData', 'json'], ...ROW_DATES, ['deletedAt', 'timestamp', true]],
    softDelete: true,
    editable: [],
    note: 'Read-only: templates have no edit service; rate them or save new ones on the Templates page.',
  },
  deployments: {
    specs: [['id', 'uuid'], ['name', 'text'], ['environment', 'enum'], ['status', 'enum'], ...ROW_DATES, ['deletedAt', 'timestamp', true]],
    softDelete: true,
    editable: [],
    note: 'The browser preview cannot edit deployments; run the app.',
  },
  api_keys: {
    specs: [['id', 'uuid'], ['name', 'text'], ['keyPrefix', 'text'], ['isActive', 'boolean'], ...ROW_DATES, ['deletedAt', 'timestamp', true]],
    softDelete: true,
    editable: [],
    note: 'Revoke keys on the API Keys page.',
  },
  audit_logs: {
    specs: [['id', 'uuid'], ['userId', 'uuid', true, 'users'], ['action', 'text'], ['resourceType', 'text'], ['resourceId', 'uuid', true], ['changes', 'json'], ['createdAt', 'timestamp']],
    softDelete: false,
    editable: [],
    note: 'Read-only: the audit log is append-only.',
  },
};

function columns(table: string): DataColumn[] {
  return (TABLES[table]?.specs ?? []).map(([name, kind, nullable = false, references = null, values = null]) => ({
    name,
    column: snake(name),
    kind,
    nullable,
    values,
    references,
  }));
}

const AT = '2025-01-03T09:00:00.000Z';
const WORKFLOW = '00000000-0000-7000-8000-00000000f001';
const sample: Record<string, Row[]> = {
  workflows: [{ id: WORKFLOW, name: 'Preview Pipeline', status: 'DRAFT', userId: USER, definition: {}, tags: ['preview'], createdAt: AT, updatedAt: AT, deletedAt: null }],
  workflow_steps: [
    { id: '00000000-0000-7000-8000-00000000f101', workflowId: WORKFLOW, agentId: null, stepKey: 'fetch', stepName: 'Fetch', position: 0, inputs: { url: '{{inputs.url}}' }, dependsOn: [], createdAt: AT, updatedAt: AT },
    { id: '00000000-0000-7000-8000-00000000f102', workflowId: WORKFLOW, agentId: null, stepKey: 'sum', stepName: 'Summarize', position: 1, inputs: { text: '{{fetch.body}}' }, dependsOn: ['fetch'], createdAt: AT, updatedAt: AT },
  ],
  templates: [{ id: '00000000-0000-7000-8000-00000000f201', name: 'Preview Template', category: 'demo', ratingAverage: '4.50', isOfficial: true, templateData: { steps: [] }, createdAt: AT, updatedAt: AT, deletedAt: null }],
};

async function allRows(table: string): Promise<Row[]> {
  if (table === 'agents') return (await fakeAgents.agentsList({ pageSize: 1000 })).items as unknown as Row[];
  if (table === 'users') return [structuredClone(profile) as unknown as Row];
  if (table === 'audit_logs') return structuredClone(auditRows) as unknown as Row[];
  return structuredClone(sample[table] ?? []);
}

function matches(row: Row, f: DataFilter, cols: DataColumn[]): boolean {
  const col = cols.find((c) => c.column === f.column || c.name === f.column);
  if (!col) return false;
  const v = row[col.name] ?? null;
  const text = v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  const want = f.value ?? '';
  switch (f.op) {
    case 'isNull':
      return v === null;
    case 'notNull':
      return v !== null;
    case 'contains':
      return text.toLowerCase().includes(want.toLowerCase());
    case 'eq':
      return text.toLowerCase() === want.toLowerCase();
    case 'neq':
      return text.toLowerCase() !== want.toLowerCase();
    default: {
      const [a, b] = typeof v === 'number' ? [v, Number(want)] : [text, want];
      return f.op === 'gt' ? a > b : f.op === 'gte' ? a >= b : f.op === 'lt' ? a < b : a <= b;
    }
  }
}

export const fakeData: DataApi = {
  async dataTables() {
    const out: DataTable[] = [];
    for (const [name, t] of Object.entries(TABLES)) {
      const rows = await allRows(name);
      out.push({ name, columns: columns(name), softDelete: t.softDelete, rowCount: rows.filter((r) => !r.deletedAt).length, editable: t.editable, editNote: t.note });
    }
    return out;
  },

  async dataRows(query) {
    const cols = columns(query.table);
    let rows = await allRows(query.table);
    if (!query.includeDeleted) rows = rows.filter((r) => !r.deletedAt);
    for (const f of query.filters) rows = rows.filter((r) => matches(r, f, cols));
    const search = query.search?.toLowerCase();
    if (search) rows = rows.filter((r) => cols.some((c) => c.kind === 'text' && String(r[c.name] ?? '').toLowerCase().includes(search)));
    const sortCol = cols.find((c) => c.column === query.sortBy || c.name === query.sortBy) ?? cols.find((c) => c.name === 'createdAt');
    if (sortCol) {
      const dir = query.sortOrder === 'asc' ? 1 : -1;
      rows.sort((a, b) => dir * JSON.stringify(a[sortCol.name] ?? null).localeCompare(JSON.stringify(b[sortCol.name] ?? null), undefined, { numeric: true }));
    }
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  async dataRelated(table, id) {
    const cols = columns(table);
    const row = (await allRows(table)).find((r) => r.id === id) ?? notFound();
    const out: RelatedRows[] = [];
    for (const c of cols.filter((c) => c.references)) {
      const target = row[c.name];
      const rows = typeof target === 'string' ? (await allRows(c.references!)).filter((r) => r.id === target) : [];
      if (typeof target === 'string') out.push({ table: c.references!, column: c.column, direction: 'parent', total: rows.length, rows });
    }
    for (const other of Object.keys(TABLES)) {
      for (const c of columns(other).filter((c) => c.references === table)) {
        const rows = (await allRows(other)).filter((r) => r[c.name] === id);
        out.push({ table: other, column: c.column, direction: 'child', total: rows.length, rows: rows.slice(0, 50) });
      }
    }
    return out;
  },

  async dataUpdate(table, id, patch) {
    const p = (patch ?? {}) as Row;
    if (table === 'agents') await fakeAgents.agentsUpdate(id, p as unknown as UpdateAgent);
    else if (table === 'users') {
      const { preferences, ...rest } = p;
      if (Object.keys(rest).length > 0) await fakeSettings.profileUpdate(rest as { email?: string; fullName?: string | null });
      if (preferences !== undefined) await fakeSettings.preferencesUpdate(preferences);
    } else unavailable(`Editing the ${table} table`);
    return (await allRows(table)).find((r) => r.id === id) ?? notFound();
  },
};
