// An in-memory backend for previewing the UI in a plain browser, where there is no Rust side.
// Its data is illustrative only; the app itself always uses the Tauri backend.
import type { Backend } from './backend';
import type { Agent, AgentType, Page } from './types';

function agent(n: number, name: string, type: AgentType, tags: string[]): Agent {
  const at = `2025-01-0${n}T09:00:00.000Z`;
  return {
    id: `00000000-0000-7000-8000-00000000000${n}`,
    name,
    description: null,
    type,
    status: 'ACTIVE',
    version: 1,
    parentId: null,
    userId: '00000000-0000-7000-8000-000000000000',
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
    tags,
    isPublic: false,
    isTemplate: false,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
}

const AGENTS: Agent[] = [
  agent(1, 'Preview Fetcher', 'API', ['preview']),
  agent(2, 'Preview Summarizer', 'LLM', ['preview', 'text']),
];

export const fakeBackend: Backend = {
  kind: 'fake',
  async agentsList(query) {
    const pageSize = query.pageSize ?? 20;
    const page = query.page ?? 1;
    const items = AGENTS.slice((page - 1) * pageSize, page * pageSize);
    const result: Page<Agent> = {
      items,
      total: AGENTS.length,
      page,
      pageSize,
      totalPages: Math.ceil(AGENTS.length / pageSize),
    };
    return result;
  },
};
