// The in-memory workflows: two sample workflows with steps; a save stores the whole step set it
// is given, unchecked (names, fields and the graph checks are Rust's, so the builder's problem
// display needs the app). Next run times need the app (croner in Rust).
import type { WorkflowsApi } from '../backend';
import type { StepInput } from '../../bindings/StepInput';
import type { Workflow } from '../../bindings/Workflow';
import type { WorkflowStep } from '../../bindings/WorkflowStep';
import type { WorkflowWithSteps } from '../../bindings/WorkflowWithSteps';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { audit, changed, newId, notFound, now, paged, unavailable, USER } from './core';

function blank(name: string, at: string): Workflow {
  return {
    id: newId(),
    name,
    description: null,
    userId: USER,
    status: 'DRAFT',
    version: 1,
    parentId: null,
    definition: {},
    triggerConfig: {},
    scheduleEnabled: false,
    scheduleCron: null,
    scheduleTimezone: 'UTC',
    totalExecutions: 0,
    successfulExecutions: 0,
    failedExecutions: 0,
    avgExecutionTimeMs: 0,
    lastExecutionAt: null,
    tags: [],
    isPublic: false,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
}

function toStep(workflowId: string, s: StepInput, index: number, at: string): WorkflowStep {
  return {
    id: s.id ?? newId(),
    workflowId,
    agentId: s.agentId ?? null,
    stepKey: s.stepKey,
    stepName: s.stepName,
    stepType: s.stepType ?? 'AGENT',
    position: s.position ?? index,
    config: s.config ?? {},
    inputs: s.inputs ?? {},
    outputs: s.outputs ?? {},
    dependsOn: s.dependsOn ?? [],
    retryCount: s.retryCount ?? 0,
    retryDelayMs: s.retryDelayMs ?? 1000,
    timeoutMs: s.timeoutMs ?? 30000,
    onError: s.onError ?? 'FAIL',
    createdAt: at,
    updatedAt: at,
  };
}

const workflows: Workflow[] = [];
const steps = new Map<string, WorkflowStep[]>();

function sample(name: string, description: string, at: string, extra: Partial<Workflow>, stepInputs: StepInput[]) {
  const w = { ...blank(name, at), description, ...extra };
  workflows.push(w);
  steps.set(w.id, stepInputs.map((s, i) => toStep(w.id, s, i, at)));
}

sample(
  'Preview Pipeline',
  'Fetches, transforms and saves data',
  '2025-01-03T09:00:00.000Z',
  {
    status: 'ACTIVE',
    tags: ['preview', 'etl'],
    definition: { inputs: { apiUrl: { type: 'string', required: true }, outputFormat: { type: 'string', default: 'json' } }, outputs: { recordCount: { type: 'number' } } },
  },
  [
    { stepKey: 'fetch_data', stepName: 'Fetch data', stepType: 'AGENT', inputs: { url: '{{inputs.apiUrl}}', method: 'GET' } },
    { stepKey: 'check', stepName: 'Anything fetched?', stepType: 'CONDITION', config: { condition: 'fetch_data.statusCode == 200' }, dependsOn: ['fetch_data'] },
    { stepKey: 'transform', stepName: 'Transform', stepType: 'AGENT', inputs: { input: '{{fetch_data.data}}' }, dependsOn: ['check'] },
    { stepKey: 'save', stepName: 'Save results', stepType: 'AGENT', inputs: { data: '{{transform.result}}' }, dependsOn: ['transform'], onError: 'CONTINUE' },
  ],
);
sample(
  'Preview Digest',
  'A weekly summary, on a schedule',
  '2025-01-04T09:00:00.000Z',
  { tags: ['preview'], scheduleEnabled: true, scheduleCron: '0 9 * * 1', scheduleTimezone: 'Europe/Paris' },
  [
    { stepKey: 'wait', stepName: 'Let the week settle', stepType: 'WAIT', config: { waitMs: 2000 } },
    { stepKey: 'summarize', stepName: 'Summarize', stepType: 'AGENT', dependsOn: ['wait'] },
  ],
);

function find(id: string): Workflow {
  return workflows.find((w) => w.id === id && w.deletedAt === null) ?? notFound();
}

function withSteps(w: Workflow): WorkflowWithSteps {
  return structuredClone({ ...w, steps: [...(steps.get(w.id) ?? [])].sort((a, b) => a.position - b.position) });
}

export const fakeWorkflows: WorkflowsApi = {
  async workflowsList(query) {
    const search = query.search?.trim().toLowerCase();
    const matching = workflows.filter(
      (w) =>
        w.deletedAt === null &&
        (!search || w.name.toLowerCase().includes(search) || (w.description ?? '').toLowerCase().includes(search)) &&
        (!query.status || w.status === query.status) &&
        (!query.tags?.length || query.tags.some((t) => (w.tags ?? []).includes(t))),
    );
    const key = (query.sortBy ?? 'createdAt') as keyof Workflow;
    const sign = query.sortOrder === 'asc' ? 1 : -1;
    matching.sort((a, b) => sign * String(a[key] ?? '').localeCompare(String(b[key] ?? '')));
    return paged(matching, query.page ?? 1, query.pageSize ?? 20);
  },

  async workflowsGet(id) {
    return withSteps(find(id));
  },

  async workflowsCreate(input) {
    const at = now();
    const w: Workflow = {
      ...blank(input.name, at),
      description: input.description ?? null,
      status: input.status ?? 'DRAFT',
      definition: input.definition ?? {},
      scheduleEnabled: input.scheduleEnabled ?? false,
      scheduleCron: input.scheduleCron ?? null,
      scheduleTimezone: input.scheduleTimezone ?? 'UTC',
      tags: input.tags ?? [],
    };
    workflows.push(w);
    steps.set(w.id, input.steps.map((s, i) => toStep(w.id, s, i, at)));
    audit('workflow.create', 'workflow', w.id, { after: withSteps(w) as unknown as JsonValue });
    changed();
    return withSteps(w);
  },

  async workflowsUpdate(id, input) {
    const w = find(id);
    const { steps: wanted, stepChanges: _changes, ...fields } = input;
    Object.assign(w, structuredClone(fields), { updatedAt: now() });
    if (wanted) {
      const old = new Map((steps.get(id) ?? []).map((s) => [s.stepKey, s]));
      steps.set(
        id,
        wanted.map((s, i) => {
          const step = toStep(id, s, i, now());
          const before = old.get(step.stepKey);
          return before ? { ...step, id: before.id, createdAt: before.createdAt } : step;
        }),
      );
    }
    audit('workflow.update', 'workflow', id, {});
    changed();
    return withSteps(w);
  },

  async workflowsDelete(id) {
    const w = find(id);
    w.deletedAt = now();
    audit('workflow.delete', 'workflow', id, {});
    changed();
  },

  // The checks are the service's; the preview finds nothing to report.
  async workflowsValidate() {},

  async workflowsExecutions() {
    return paged([]);
  },

  async workflowsNextRuns() {
    return unavailable('Next run times');
  },
};
