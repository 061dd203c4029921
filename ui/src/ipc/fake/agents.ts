// The in-memory agents: two sample agents and their versions; writes are stored as given,
// unchecked (names, limits and JSON shapes are Rust's rules, so the form's refusals need the app).
import type { AgentsApi } from '../backend';
import type { Agent, AgentQuery, AgentType, CreateAgent } from '../types';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { audit, changed, newId, notFound, now, paged, USER } from './core';

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
  return agents.find((a) => a.id === id && a.deletedAt === null) ?? notFound();
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
    return paged(matching, query.page ?? 1, query.pageSize ?? 20);
  },

  async agentsGet(id) {
    return structuredClone(find(id));
  },

  async agentsCreate(input: CreateAgent) {
    const agent: Agent = {
      ...blank(input.name, input.type ?? 'API', now()), // the form always sends a type
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
    Object.assign(agent, structuredClone(input), { updatedAt: now() });
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
      name: name || `Copy of ${source.name}`,
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
    const agent = agents.find((a) => a.id === id) ?? notFound();
    const root = family(agent);
    return structuredClone(
      agents.filter((a) => family(a) === root).sort((a, b) => b.version - a.version),
    );
  },
};
