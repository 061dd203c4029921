// An in-memory backend for previewing the UI in a plain browser, where there is no Rust side.
// Its data is illustrative only; the app itself always uses the Tauri backend. It checks a few
// rules the way the services do (so error states can be previewed), but the rules live in Rust.
import type { ApiKey } from '../bindings/ApiKey';
import type { AuditLog } from '../bindings/AuditLog';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import type { Backend } from './backend';
import type {
  Agent,
  AgentQuery,
  AgentType,
  CommandError,
  CreateAgent,
  FieldError,
  Json,
  Page,
  UpdateAgent,
} from './types';

const USER = '00000000-0000-7000-8000-000000000000';
let counter = 0;

function newId(): string {
  counter += 1;
  return `00000000-0000-7000-8000-${counter.toString(16).padStart(12, '0')}`;
}

function now(): string {
  return new Date().toISOString();
}

function blank(name: string, type: AgentType, at: string): Agent {
  return {
    id: newId(),
    name,
    description: null,
    type,
    status: 'ACTIVE',
    version: 1,
    parentId: null,
    userId: USER,
    config: {},
    capabilities: [],
    parameters: {},
    maxExecutionTime: null,
    maxMemoryMb: null,
    maxConcurrentExecutions: null,
    totalExecutions: 0,
    successfulExecutions: 0,
    failedExecutions: 0,
    avgExecutionTimeMs: 0,
    tags: [],
    isPublic: false,
    isTemplate: false,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
}

const agents: Agent[] = [
  { ...blank('Preview Fetcher', 'API', '2025-01-01T09:00:00.000Z'), tags: ['preview'] },
  { ...blank('Preview Summarizer', 'LLM', '2025-01-02T09:00:00.000Z'), tags: ['preview', 'text'] },
];

const apiKeys: ApiKey[] = [];
const auditRows: AuditLog[] = [];

function audit(action: string, resourceType: string, resourceId: string, changes: JsonValue) {
  auditRows.push({
    id: newId(),
    userId: USER,
    action,
    resourceType,
    resourceId,
    changes,
    metadata: {},
    ipAddress: null,
    userAgent: null,
    createdAt: now(),
  });
}

function paged<T>(rows: T[], page = 1, pageSize = 20): Page<T> {
  return structuredClone({
    items: rows.slice((page - 1) * pageSize, page * pageSize),
    total: rows.length,
    page,
    pageSize,
    totalPages: Math.ceil(rows.length / pageSize),
  });
}

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const listeners = new Set<() => void>();

function changed() {
  // Like the real event, it arrives after the write has returned.
  setTimeout(() => listeners.forEach((l) => l()), 0);
}

function fail(code: CommandError['code'], message: string, fields?: FieldError[]): never {
  const error: CommandError = fields ? { code, message, fields } : { code, message };
  throw error;
}

function find(id: string): Agent {
  const agent = agents.find((a) => a.id === id && a.deletedAt === null);
  return agent ?? fail('NOT_FOUND', `Agent ${id} not found`);
}

function isObject(v: Json | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function check(input: UpdateAgent) {
  const fields: FieldError[] = [];
  if (input.name !== undefined && input.name.trim() === '')
    fields.push({ field: 'name', message: 'must not be empty' });
  const range = (field: keyof UpdateAgent, v: number | undefined, min: number, max: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
      fields.push({ field, message: `must be between ${min} and ${max}` });
  };
  range('maxExecutionTime', input.maxExecutionTime, 1, 3600);
  range('maxMemoryMb', input.maxMemoryMb, 1, 8192);
  range('maxConcurrentExecutions', input.maxConcurrentExecutions, 1, 100);
  if (input.config !== undefined && !isObject(input.config))
    fields.push({ field: 'config', message: 'must be a JSON object' });
  if (input.parameters !== undefined && !isObject(input.parameters))
    fields.push({ field: 'parameters', message: 'must be a JSON object' });
  if (fields.length > 0) fail('VALIDATION_ERROR', 'Invalid input', fields);
}

function family(agent: Agent): string {
  return agent.parentId ?? agent.id;
}

function compare(a: Agent, b: Agent, sortBy: string): number {
  const x = a[sortBy as keyof Agent];
  const y = b[sortBy as keyof Agent];
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y));
}

export const fakeBackend: Backend = {
  kind: 'fake',

  async agentsList(query: AgentQuery) {
    const pageSize = query.pageSize ?? 20;
    const page = query.page ?? 1;
    const search = query.search?.trim().toLowerCase();
    const matching = agents.filter(
      (a) =>
        a.deletedAt === null &&
        (!search ||
          a.name.toLowerCase().includes(search) ||
          (a.description ?? '').toLowerCase().includes(search)) &&
        (!query.type || a.type === query.type) &&
        (!query.status || a.status === query.status) &&
        (!query.tags?.length || query.tags.every((t) => (a.tags ?? []).includes(t))),
    );
    const sign = query.sortOrder === 'asc' ? 1 : -1;
    matching.sort((a, b) => sign * compare(a, b, query.sortBy ?? 'createdAt'));
    const result: Page<Agent> = {
      items: matching.slice((page - 1) * pageSize, page * pageSize),
      total: matching.length,
      page,
      pageSize,
      totalPages: Math.ceil(matching.length / pageSize),
    };
    return structuredClone(result);
  },

  async agentsGet(id) {
    return structuredClone(find(id));
  },

  async agentsCreate(input: CreateAgent) {
    if (input.name === undefined) fail('VALIDATION_ERROR', 'Invalid input', [{ field: 'name', message: 'is required' }]);
    check(input);
    const agent: Agent = {
      ...blank(input.name.trim(), input.type, now()),
      description: input.description ?? null,
      status: input.status ?? 'DRAFT',
      config: input.config ?? {},
      capabilities: input.capabilities ?? [],
      parameters: input.parameters ?? {},
      maxExecutionTime: input.maxExecutionTime ?? null,
      maxMemoryMb: input.maxMemoryMb ?? null,
      maxConcurrentExecutions: input.maxConcurrentExecutions ?? null,
      tags: input.tags ?? [],
      isPublic: input.isPublic ?? false,
    };
    agents.push(agent);
    audit('agent.create', 'agent', agent.id, { after: structuredClone(agent) as unknown as JsonValue });
    changed();
    return structuredClone(agent);
  },

  async agentsUpdate(id, input) {
    const agent = find(id);
    if (Object.keys(input).length === 0) fail('VALIDATION_ERROR', 'No fields to update');
    if (input.type !== undefined && input.type !== agent.type)
      fail('VALIDATION_ERROR', 'Invalid input', [{ field: 'type', message: 'cannot be changed' }]);
    check(input);
    const { type: _type, ...rest } = input;
    Object.assign(agent, structuredClone(rest), { updatedAt: now() });
    changed();
    return structuredClone(agent);
  },

  async agentsDelete(id) {
    find(id).deletedAt = now();
    changed();
  },

  async agentsDuplicate(id, name) {
    const source = find(id);
    const root = family(source);
    const version = Math.max(...agents.filter((a) => family(a) === root).map((a) => a.version)) + 1;
    const copy: Agent = {
      ...structuredClone(source),
      id: newId(),
      name: name?.trim() || `Copy of ${source.name}`,
      status: 'DRAFT',
      version,
      parentId: root,
      totalExecutions: 0,
      successfulExecutions: 0,
      failedExecutions: 0,
      avgExecutionTimeMs: 0,
      createdAt: now(),
      updatedAt: now(),
    };
    agents.push(copy);
    changed();
    return structuredClone(copy);
  },

  async agentsVersions(id) {
    const agent = agents.find((a) => a.id === id) ?? fail('NOT_FOUND', `Agent ${id} not found`);
    const root = family(agent);
    return structuredClone(
      agents.filter((a) => family(a) === root).sort((a, b) => b.version - a.version),
    );
  },

  async apiKeysList(query) {
    const search = query.search?.trim().toLowerCase();
    const rows = apiKeys
      .filter((k) => !search || k.name.toLowerCase().includes(search) || k.keyPrefix.toLowerCase().includes(search))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  async apiKeysCreate(input) {
    const fields: FieldError[] = [];
    if (input.name.trim() === '') fields.push({ field: 'name', message: 'must not be empty' });
    const rate = input.rateLimitPerMinute;
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 100_000))
      fields.push({ field: 'rateLimitPerMinute', message: 'must be between 1 and 100000' });
    if (input.expiresAt !== undefined && input.expiresAt <= now())
      fields.push({ field: 'expiresAt', message: 'expiresAt must be in the future' });
    if (fields.length > 0) fail('VALIDATION_ERROR', 'Invalid input', fields);
    const random = crypto.getRandomValues(new Uint8Array(40));
    const key = `tc_${Array.from(random, (b) => KEY_CHARS[b % KEY_CHARS.length]).join('')}`;
    const at = now();
    const apiKey: ApiKey = {
      id: newId(),
      userId: USER,
      name: input.name.trim(),
      keyPrefix: key.slice(0, 12),
      scopes: input.scopes ?? [],
      isActive: true,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      usageCount: 0,
      rateLimitPerMinute: rate ?? 60,
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
    };
    apiKeys.push(apiKey);
    audit('api_key.create', 'api_key', apiKey.id, { after: structuredClone(apiKey) as unknown as JsonValue });
    changed();
    return { key, apiKey: structuredClone(apiKey) };
  },

  async apiKeysRevoke(id) {
    const apiKey = apiKeys.find((k) => k.id === id) ?? fail('NOT_FOUND', `API key ${id} not found`);
    if (apiKey.isActive) {
      apiKey.isActive = false;
      apiKey.updatedAt = now();
      audit('api_key.revoke', 'api_key', id, { isActive: { before: true, after: false } });
      changed();
    }
    return structuredClone(apiKey);
  },

  async auditList(query) {
    const action = query.action;
    const rows = auditRows
      .filter(
        (r) =>
          (!action || (action.endsWith('.') ? r.action.startsWith(action) : r.action === action)) &&
          (!query.resourceType || r.resourceType === query.resourceType) &&
          (!query.resourceId || r.resourceId === query.resourceId) &&
          (!query.from || r.createdAt >= query.from) &&
          (!query.to || r.createdAt <= query.to),
      )
      .reverse();
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  onDataChanged(callback) {
    listeners.add(callback);
    return () => listeners.delete(callback);
  },
};
