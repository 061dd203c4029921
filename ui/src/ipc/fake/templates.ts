// The in-memory templates: a few gallery cards in the seed's categories, instantiate (through
// the fake agents and workflows, so the result shows on their pages), save an agent as a template,
// rate. Illustrative only: writes are stored unchecked; the rules live in Rust.
import type { Template } from '../../bindings/Template';
import type { TemplateQuery } from '../../bindings/TemplateQuery';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { TemplatesApi } from '../backend';
import type { AgentType } from '../types';
import { fakeAgents } from './agents';
import { fakeWorkflows } from './workflows';
import { audit, changed, newId, notFound, now, paged, unavailable, USER } from './core';

function template(name: string, category: string, type: Template['type'], templateData: JsonValue, extra: Partial<Template> = {}): Template {
  const at = '2025-01-01T09:00:00.000Z';
  return {
    id: newId(),
    name,
    description: null,
    category,
    type,
    userId: null,
    templateData,
    tags: [],
    isOfficial: true,
    isPublic: true,
    usageCount: 0,
    ratingAverage: '0.00',
    ratingCount: 0,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
    ...extra,
  };
}

const templates: Template[] = [
  template(
    'Web Scraper',
    'data-extraction',
    'AGENT',
    {
      type: 'CODE',
      config: { runtime: 'nodejs', version: '20' },
      parameters: { url: { type: 'string', required: true, description: 'Target URL' } },
      capabilities: ['http_request', 'html_parsing'],
    },
    { description: 'Extract data from websites with CSS selectors.', tags: ['web', 'scraping'], usageCount: 12, ratingAverage: '4.25', ratingCount: 4 },
  ),
  template(
    'LLM Assistant',
    'ai',
    'AGENT',
    { type: 'LLM', config: { provider: 'openai', model: 'gpt-4o-mini' }, parameters: { prompt: { type: 'string', required: true } } },
    { description: 'AI-powered text processing using large language models.', tags: ['ai', 'llm'], usageCount: 30, ratingAverage: '4.80', ratingCount: 10 },
  ),
  template(
    'Data Pipeline',
    'data-processing',
    'WORKFLOW',
    {
      definition: {
        version: '1.0',
        steps: [
          { key: 'fetch', type: 'AGENT', agentType: 'API' },
          { key: 'transform', type: 'AGENT', agentType: 'DATA' },
          { key: 'load', type: 'AGENT', agentType: 'API' },
        ],
      },
      inputs: { sourceUrl: { type: 'string', required: true } },
    },
    { description: 'ETL in three steps: fetch, transform, load.', tags: ['etl', 'pipeline'], usageCount: 7 },
  ),
];

function visible(id: string): Template {
  return templates.find((t) => t.id === id && t.deletedAt === null) ?? notFound();
}

const SORT_KEYS: Record<string, keyof Template> = {
  usageCount: 'usageCount',
  ratingAverage: 'ratingAverage',
  createdAt: 'createdAt',
  name: 'name',
};

function stepsOf(data: JsonValue): { key: string; type: string }[] {
  const d = data as { definition?: { steps?: { key: string; type: string }[] }; steps?: { stepKey: string; stepType: string }[] };
  if (d.steps) return d.steps.map((s) => ({ key: s.stepKey, type: s.stepType }));
  return d.definition?.steps ?? [];
}

export const fakeTemplates: TemplatesApi = {
  async templatesList(query: TemplateQuery) {
    const search = query.search?.trim().toLowerCase();
    const rows = templates.filter(
      (t) =>
        t.deletedAt === null &&
        (!search || t.name.toLowerCase().includes(search) || (t.description ?? '').toLowerCase().includes(search)) &&
        (!query.category || t.category === query.category) &&
        (!query.type || t.type === query.type) &&
        (query.isOfficial === undefined || t.isOfficial === query.isOfficial) &&
        (!query.tags?.length || query.tags.some((tag) => (t.tags ?? []).includes(tag))),
    );
    const key = SORT_KEYS[query.sortBy ?? 'usageCount'] ?? 'usageCount';
    const sign = query.sortOrder === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const byNumber = key === 'usageCount' || key === 'ratingAverage';
      return sign * (byNumber ? Number(x) - Number(y) : String(x).localeCompare(String(y)));
    });
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  async templatesCategories() {
    return [...new Set(templates.filter((t) => t.deletedAt === null).map((t) => t.category))].sort();
  },

  async templatesGet(id) {
    return structuredClone(visible(id));
  },

  async templatesInstantiate(id, input) {
    const t = visible(id);
    const data = t.templateData as { type?: string; name?: string; config?: Record<string, JsonValue>; parameters?: JsonValue };
    let result: Awaited<ReturnType<TemplatesApi['templatesInstantiate']>>;
    if (t.type === 'STEP') unavailable('Creating from a step template');
    if (t.type === 'AGENT') {
      const agent = await fakeAgents.agentsCreate({
        name: input?.name ?? data.name ?? `${t.name} Agent`,
        type: (data.type ?? 'API').toUpperCase() as AgentType,
        ...(t.description ? { description: t.description } : {}),
        config: { ...(data.config ?? {}), ...((input?.config as Record<string, JsonValue> | undefined) ?? {}) },
        parameters: data.parameters ?? {},
        tags: t.tags ?? [],
      });
      result = { kind: 'agent', ...agent };
    } else {
      const steps = stepsOf(t.templateData);
      const workflow = await fakeWorkflows.workflowsCreate({
        name: input?.name ?? t.name,
        ...(t.description ? { description: t.description } : {}),
        tags: t.tags ?? [],
        steps: steps.map((s, i) => ({ stepKey: s.key, stepName: s.key, stepType: 'AGENT', dependsOn: i === 0 ? [] : [steps[i - 1]!.key] })),
      });
      result = { kind: 'workflow', ...workflow };
    }
    t.usageCount += 1;
    audit('template.instantiate', 'template', t.id, { usageCount: { before: t.usageCount - 1, after: t.usageCount } });
    changed();
    return structuredClone(result);
  },

  async templatesSaveAgent(agentId, input) {
    const agent = await fakeAgents.agentsGet(agentId);
    const t = template(
      input.name ?? agent.name,
      input.category,
      'AGENT',
      { type: agent.type, name: agent.name, config: agent.config, parameters: agent.parameters, capabilities: agent.capabilities },
      { description: input.description ?? null, tags: input.tags ?? [], isOfficial: false, isPublic: input.isPublic ?? false, userId: USER, createdAt: now(), updatedAt: now() },
    );
    templates.push(t);
    audit('template.create', 'template', t.id, { after: structuredClone(t) as unknown as JsonValue });
    changed();
    return structuredClone(t);
  },

  async templatesSaveWorkflow() {
    return unavailable('Saving a workflow as a template');
  },

  async templatesRate(id, rating) {
    const t = visible(id);
    const sum = Math.round(Number(t.ratingAverage) * 100) * t.ratingCount + rating * 100;
    t.ratingCount += 1;
    t.ratingAverage = (Math.round(sum / t.ratingCount) / 100).toFixed(2);
    t.updatedAt = now();
    changed();
    return structuredClone(t);
  },
};
