// The in-memory workflows: two sample workflows with steps, enough of the rules (names, the
// graph checks with their docs/rules.md messages, the whole-step-set save) that the builder can be
// previewed; the real rules live in Rust. Next run times need the app (croner in Rust).
import type { WorkflowsApi } from '../backend';
import type { StepInput } from '../../bindings/StepInput';
import type { Workflow } from '../../bindings/Workflow';
import type { WorkflowStep } from '../../bindings/WorkflowStep';
import type { WorkflowWithSteps } from '../../bindings/WorkflowWithSteps';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { FieldError } from '../types';
import { audit, changed, fail, newId, now, paged, USER } from './core';

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
    stepKey: s.stepKey.trim(),
    stepName: s.stepName.trim(),
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
  return workflows.find((w) => w.id === id && w.deletedAt === null) ?? fail('NOT_FOUND', 'Workflow not found');
}

function withSteps(w: Workflow): WorkflowWithSteps {
  return structuredClone({ ...w, steps: [...(steps.get(w.id) ?? [])].sort((a, b) => a.position - b.position) });
}

/** A graph check's refusal, with the fields the canvas places it by (the backend's form). */
function refuse(message: string, fields: string[]): never {
  return fail('BAD_REQUEST', message, fields.map((field) => ({ field, message })));
}

/** The field checks the builder can trip over, then the four graph checks of docs/rules.md in order. */
function checkSteps(list: readonly StepInput[]) {
  const fields: FieldError[] = [];
  list.forEach((s, i) => {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(s.stepKey.trim()))
      fields.push({ field: `steps[${i}].stepKey`, message: `Step key ${JSON.stringify(s.stepKey)} must be 1-100 characters of letters, digits, _ or -` });
    if (s.stepName.trim() === '') fields.push({ field: `steps[${i}].stepName`, message: `steps[${i}].stepName is required` });
    const timeout = s.timeoutMs ?? 30000;
    if (timeout < 1000 || timeout > 3600000) fields.push({ field: `steps[${i}].timeoutMs`, message: `steps[${i}].timeoutMs must be between 1000 and 3600000` });
    const retries = s.retryCount ?? 0;
    if (retries < 0 || retries > 10) fields.push({ field: `steps[${i}].retryCount`, message: `steps[${i}].retryCount must be between 0 and 10` });
  });
  if (list.length > 100) fields.push({ field: 'steps', message: `A workflow can have at most 100 steps (got ${list.length})` });
  if (fields.length > 0) fail('VALIDATION_ERROR', fields.map((f) => f.message).join('; '), fields);

  const keys = new Map<string, StepInput>();
  for (const s of list) {
    if (keys.has(s.stepKey)) refuse(`Duplicate step key: "${s.stepKey}"`, [`steps.${s.stepKey}.stepKey`]);
    keys.set(s.stepKey, s);
  }
  for (const s of list)
    for (const d of s.dependsOn ?? []) if (!keys.has(d)) refuse(`Step "${s.stepKey}" depends on non-existent step "${d}"`, [`steps.${s.stepKey}.dependsOn`]);
  for (const s of list)
    if ((s.dependsOn ?? []).includes(s.stepKey)) refuse(`Step "${s.stepKey}" cannot depend on itself`, [`steps.${s.stepKey}.dependsOn.${s.stepKey}`]);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (key: string) => {
    state.set(key, 'open');
    path.push(key);
    for (const d of keys.get(key)?.dependsOn ?? []) {
      if (state.get(d) === 'open') {
        const cycle = [...path.slice(path.indexOf(d)), d];
        refuse(
          `Cycle detected in workflow: ${cycle.join(' -> ')}`,
          cycle.slice(1).map((to, i) => `steps.${cycle[i]}.dependsOn.${to}`),
        );
      }
      if (!state.has(d)) visit(d);
    }
    path.pop();
    state.set(key, 'done');
  };
  for (const s of list) if (!state.has(s.stepKey)) visit(s.stepKey);
}

function checkName(name: string | undefined) {
  if (name !== undefined && name.trim() === '') fail('VALIDATION_ERROR', 'name is required', [{ field: 'name', message: 'name is required' }]);
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
    checkName(input.name);
    checkSteps(input.steps);
    const at = now();
    const w: Workflow = {
      ...blank(input.name.trim(), at),
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
    if (Object.keys(input).length === 0) fail('VALIDATION_ERROR', 'No fields to update');
    checkName(input.name);
    if (input.steps) checkSteps(input.steps);
    const { steps: wanted, stepChanges: _changes, ...fields } = input;
    Object.assign(w, structuredClone(fields), { updatedAt: now() });
    if (input.name !== undefined) w.name = input.name.trim();
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

  async workflowsValidate(list) {
    checkSteps(list);
  },

  async workflowsExecutions() {
    return paged([]);
  },

  async workflowsNextRuns() {
    return fail('INTERNAL', 'Next run times are worked out by the app; they are not available in the browser preview.');
  },
};
