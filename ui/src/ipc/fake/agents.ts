// The in-memory agents: enough rules checked (names, limits, JSON shapes, versions) that the
// form's error states can be previewed; the real rules live in Rust.
import type { AgentsApi } from '../backend';
import type { Agent, AgentQuery, AgentType, CreateAgent, FieldError, Json, Page, UpdateAgent } from '../types';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { audit, changed, fail, newId, now, USER } from './core';

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

export const fakeAgents: AgentsApi = {
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
    if (input.type === undefined) fail('VALIDATION_ERROR', 'Invalid input', [{ field: 'type', message: 'is required' }]);
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
};
