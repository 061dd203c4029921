// The builder's document: a workflow and its steps as the editor holds them, and the
// conversions to and from what the backend stores. Pure functions; the rules themselves
// (graph checks, limits) stay in Rust, and only what the editor cannot even send (a value that
// is not JSON, a default that is not a number) is reported here.
//
// Where node positions live: `definition.layout`, an object `{<stepKey>: {x, y}}` written on
// every save. Steps' `config` belongs to the engine, and `position` is the steps' order, so the
// canvas keeps its own coordinates beside the declarations of inputs and outputs.
//
// The shapes of a step's `config` (`StepConfig`) and of `definition` (`WorkflowDefinition`) are
// the Rust types of `domain::flow::config`, exported by ts-rs; the editor reads them through
// `readStepConfig` and `settingsFrom` and keeps every key they do not name.
import type { CreateWorkflow } from '../../bindings/CreateWorkflow';
import type { ErrorHandling } from '../../bindings/ErrorHandling';
import type { StepConfig } from '../../bindings/StepConfig';
import type { StepInput } from '../../bindings/StepInput';
import type { UpdateWorkflow } from '../../bindings/UpdateWorkflow';
import type { WorkflowStatus } from '../../bindings/WorkflowStatus';
import type { WorkflowStep } from '../../bindings/WorkflowStep';
import type { WorkflowStepType } from '../../bindings/WorkflowStepType';
import type { WorkflowDefinition } from '../../bindings/WorkflowDefinition';
import type { WorkflowWithSteps } from '../../bindings/WorkflowWithSteps';
import type { Json } from '../../ipc';

export type JsonObject = { [key: string]: Json };

export const STEP_TYPES: readonly WorkflowStepType[] = ['AGENT', 'CONDITION', 'LOOP', 'PARALLEL', 'WAIT'];
export const ON_ERROR: readonly ErrorHandling[] = ['FAIL', 'CONTINUE', 'RETRY'];
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['DRAFT', 'ACTIVE', 'INACTIVE', 'ARCHIVED'];
export const INPUT_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;

/** The service's defaults (docs/rules.md), used for new steps. */
export const STEP_DEFAULTS = { retryCount: 0, retryDelayMs: 1000, timeoutMs: 30000, onError: 'FAIL' as ErrorHandling };

/** The `config` keys the engine reads (`StepConfig`); a key added in Rust must be added here. */
const STEP_CONFIG_KEY_SET: Record<keyof StepConfig, true> = { condition: true, items: true, concurrency: true, waitMs: true, when: true };
export const STEP_CONFIG_KEYS = Object.keys(STEP_CONFIG_KEY_SET) as (keyof StepConfig)[];

/** The keys of a step's config the editor does not show, kept as they are. */
export function otherConfigKeys(config: JsonObject): string[] {
  return Object.keys(config).filter((k) => !(STEP_CONFIG_KEYS as string[]).includes(k));
}

/**
 * A step's config as `StepConfig`: each key the engine reads, when it has the type the engine
 * accepts (the service refuses any other on save); `durationMs` is read as `waitMs`.
 */
export function readStepConfig(c: JsonObject): StepConfig {
  const out: StepConfig = {};
  if (typeof c.condition === 'string' || typeof c.condition === 'boolean') out.condition = c.condition;
  if (typeof c.items === 'string' || Array.isArray(c.items)) out.items = c.items;
  if (typeof c.concurrency === 'number') out.concurrency = c.concurrency;
  const wait = c.waitMs ?? c.durationMs;
  if (typeof wait === 'number' || typeof wait === 'string') out.waitMs = wait;
  if (typeof c.when === 'boolean') out.when = c.when;
  else if (c.when === 'false' || c.when === 'true') out.when = c.when === 'true';
  return out;
}

/** One `name → value` row of a step's inputs or outputs; `json` rows hold JSON text. */
export interface KeyValueRow {
  key: string;
  value: string;
  json: boolean;
}

export interface StepDraft {
  /** The editor's own id (the canvas node id); step keys can be renamed, this never changes. */
  uid: string;
  stepKey: string;
  stepName: string;
  stepType: WorkflowStepType;
  agentId: string | null;
  config: JsonObject;
  inputs: KeyValueRow[];
  outputs: KeyValueRow[];
  /** Step keys, as stored; a key no step has is kept (the graph check reports it). */
  dependsOn: string[];
  retryCount: number;
  retryDelayMs: number;
  timeoutMs: number;
  onError: ErrorHandling;
}

/** A declared workflow input (`definition.inputs`); `extra` keeps keys the editor does not show. */
export interface InputDecl {
  name: string;
  type: string;
  required: boolean;
  /** The default as typed: raw text for strings, JSON for the other types; '' for none. */
  defaultText: string;
  extra: JsonObject;
}

/** A declared workflow output (`definition.outputs`). */
export interface OutputDecl {
  name: string;
  type: string;
  extra: JsonObject;
}

export interface WorkflowSettings {
  name: string;
  description: string;
  status: WorkflowStatus;
  tags: string[];
  scheduleEnabled: boolean;
  scheduleCron: string;
  scheduleTimezone: string;
  inputs: InputDecl[];
  outputs: OutputDecl[];
  /** The rest of `definition` (version, description, …), written back unchanged. */
  definitionRest: JsonObject;
}

export interface Point {
  x: number;
  y: number;
}

export interface WorkflowDoc {
  settings: WorkflowSettings;
  steps: StepDraft[];
  /** Canvas positions by step uid; a step without one is placed by the automatic layout. */
  positions: Record<string, Point>;
}

/** Something the editor cannot send as it is; `stepUid` names the step it belongs to. */
export interface LocalProblem {
  message: string;
  stepUid?: string;
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function rowsFrom(value: Json): KeyValueRow[] {
  if (!isObject(value)) return [];
  return Object.entries(value).map(([key, v]) =>
    typeof v === 'string' ? { key, value: v, json: false } : { key, value: JSON.stringify(v), json: true },
  );
}

/** The object for a step's rows; bad rows become problems and are left out. */
export function objectFromRows(rows: readonly KeyValueRow[], what: string): { value: JsonObject; problems: string[] } {
  const value: JsonObject = {};
  const problems: string[] = [];
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '') {
      if (row.value.trim() !== '') problems.push(`an ${what} row has a value but no name`);
      continue;
    }
    if (Object.hasOwn(value, key)) {
      problems.push(`${what} "${key}" appears twice`);
      continue;
    }
    if (!row.json) {
      value[key] = row.value;
      continue;
    }
    try {
      value[key] = JSON.parse(row.value) as Json;
    } catch {
      problems.push(`${what} "${key}" is not valid JSON`);
    }
  }
  return { value, problems };
}

export function stepFromStored(step: WorkflowStep, uid: string): StepDraft {
  return {
    uid,
    stepKey: step.stepKey,
    stepName: step.stepName,
    stepType: step.stepType,
    agentId: step.agentId,
    config: isObject(step.config) ? step.config : {},
    inputs: rowsFrom(step.inputs),
    outputs: rowsFrom(step.outputs),
    dependsOn: [...(step.dependsOn ?? [])],
    retryCount: step.retryCount,
    retryDelayMs: step.retryDelayMs,
    timeoutMs: step.timeoutMs,
    onError: step.onError,
  };
}

function defaultText(type: string, value: Json | undefined): string {
  if (value === undefined) return '';
  if (type === 'string' && typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The stored default for an input's typed text; `undefined` for none. */
export function parseDefault(type: string, text: string): { ok: true; value: Json | undefined } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  if (type === 'string') return { ok: true, value: text };
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return { ok: false, error: `is not valid ${type === 'number' || type === 'boolean' ? type : 'JSON'}` };
  }
  const ok =
    (type === 'number' && typeof value === 'number') ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'object' && isObject(value)) ||
    (type === 'array' && Array.isArray(value)) ||
    !(INPUT_TYPES as readonly string[]).includes(type);
  return ok ? { ok: true, value } : { ok: false, error: `must be ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}` };
}

/** A workflow's `definition` as `WorkflowDefinition`, with the keys it does not name. */
function definitionFrom(w: WorkflowWithSteps | null): WorkflowDefinition & JsonObject {
  return (w && isObject(w.definition) ? w.definition : {}) as WorkflowDefinition & JsonObject;
}

function settingsFrom(w: WorkflowWithSteps | null): WorkflowSettings {
  const { inputs, outputs, layout: _layout, ...definitionRest } = definitionFrom(w);
  return {
    name: w?.name ?? 'New workflow',
    description: w?.description ?? '',
    status: w?.status ?? 'DRAFT',
    tags: [...(w?.tags ?? [])],
    scheduleEnabled: w?.scheduleEnabled ?? false,
    scheduleCron: w?.scheduleCron ?? '',
    scheduleTimezone: w?.scheduleTimezone ?? 'UTC',
    inputs: isObject(inputs)
      ? Object.entries(inputs).map(([name, spec]) => {
          const { type, required, default: value, ...extra } = isObject(spec) ? spec : {};
          const t = typeof type === 'string' ? type : 'string';
          return { name, type: t, required: required === true, defaultText: defaultText(t, value), extra };
        })
      : [],
    outputs: isObject(outputs)
      ? Object.entries(outputs).map(([name, spec]) => {
          const { type, ...extra } = isObject(spec) ? spec : {};
          return { name, type: typeof type === 'string' ? type : 'string', extra };
        })
      : [],
    definitionRest,
  };
}

function isPoint(v: Json | undefined): v is { x: number; y: number } {
  return isObject(v) && typeof v.x === 'number' && typeof v.y === 'number' && Number.isFinite(v.x) && Number.isFinite(v.y);
}

/**
 * The editor's document for a stored workflow (or a new one for `null`): steps in their stored
 * order, positions from `definition.layout`. `uid(i)` names the i-th step.
 */
export function docFromWorkflow(w: WorkflowWithSteps | null, uid: (index: number) => string): WorkflowDoc {
  const steps = [...(w?.steps ?? [])].sort((a, b) => a.position - b.position || a.stepKey.localeCompare(b.stepKey));
  const drafts = steps.map((s, i) => stepFromStored(s, uid(i)));
  const stored = definitionFrom(w).layout;
  const layout: JsonObject = isObject(stored) ? stored : {};
  const positions: Record<string, Point> = {};
  for (const d of drafts) {
    const p = layout[d.stepKey];
    if (isPoint(p)) positions[d.uid] = { x: p.x, y: p.y };
  }
  return { settings: settingsFrom(w), steps: drafts, positions };
}

/** What the backend receives for the steps: the whole set in order, `position` = index. */
export function stepsToInputs(steps: readonly StepDraft[]): { steps: StepInput[]; problems: LocalProblem[] } {
  const problems: LocalProblem[] = [];
  const out = steps.map((s, index): StepInput => {
    const inputs = objectFromRows(s.inputs, 'input');
    const outputs = objectFromRows(s.outputs, 'output');
    const name = s.stepKey || `#${index + 1}`;
    for (const p of [...inputs.problems, ...outputs.problems]) problems.push({ message: `Step "${name}": ${p}`, stepUid: s.uid });
    for (const [label, v] of [
      ['retry count', s.retryCount],
      ['retry delay', s.retryDelayMs],
      ['timeout', s.timeoutMs],
    ] as const) {
      if (!Number.isInteger(v)) problems.push({ message: `Step "${name}": the ${label} must be a whole number`, stepUid: s.uid });
    }
    const step: StepInput = {
      stepKey: s.stepKey,
      stepName: s.stepName,
      stepType: s.stepType,
      position: index,
      config: s.config,
      inputs: inputs.value,
      outputs: outputs.value,
      dependsOn: [...s.dependsOn],
      retryCount: s.retryCount,
      retryDelayMs: s.retryDelayMs,
      timeoutMs: s.timeoutMs,
      onError: s.onError,
    };
    if (s.agentId) step.agentId = s.agentId;
    return step;
  });
  return { steps: out, problems };
}

/** `definition` for the settings and positions; declaration problems are reported. */
export function definitionOf(doc: WorkflowDoc): { value: JsonObject; problems: LocalProblem[] } {
  const problems: LocalProblem[] = [];
  const value: JsonObject = { ...doc.settings.definitionRest };
  const inputs: JsonObject = {};
  for (const decl of doc.settings.inputs) {
    const name = decl.name.trim();
    if (name === '') {
      if (decl.defaultText.trim() !== '') problems.push({ message: 'A workflow input has a default but no name' });
      continue;
    }
    if (Object.hasOwn(inputs, name)) {
      problems.push({ message: `Workflow input "${name}" is declared twice` });
      continue;
    }
    const spec: JsonObject = { ...decl.extra, type: decl.type, required: decl.required };
    const parsed = parseDefault(decl.type, decl.defaultText);
    if (!parsed.ok) problems.push({ message: `The default of workflow input "${name}" ${parsed.error}` });
    else if (parsed.value !== undefined) spec.default = parsed.value;
    inputs[name] = spec;
  }
  const outputs: JsonObject = {};
  for (const decl of doc.settings.outputs) {
    const name = decl.name.trim();
    if (name === '') continue;
    if (Object.hasOwn(outputs, name)) {
      problems.push({ message: `Workflow output "${name}" is declared twice` });
      continue;
    }
    outputs[name] = { ...decl.extra, type: decl.type };
  }
  if (Object.keys(inputs).length > 0) value.inputs = inputs;
  if (Object.keys(outputs).length > 0) value.outputs = outputs;
  const layout: JsonObject = {};
  for (const s of doc.steps) {
    const p = doc.positions[s.uid];
    if (p && s.stepKey !== '') layout[s.stepKey] = { x: Math.round(p.x), y: Math.round(p.y) };
  }
  value.layout = layout;
  return { value, problems };
}

/** Everything the editor cannot send as it is, or that the service would refuse for sure. */
export function localProblems(doc: WorkflowDoc): LocalProblem[] {
  const problems: LocalProblem[] = [];
  if (doc.settings.name.trim() === '') problems.push({ message: 'The workflow needs a name' });
  if (doc.settings.scheduleEnabled && doc.settings.scheduleCron.trim() === '')
    problems.push({ message: 'The schedule is on but has no cron expression' });
  problems.push(...definitionOf(doc).problems, ...stepsToInputs(doc.steps).problems);
  return problems;
}

function commonFields(doc: WorkflowDoc) {
  const s = doc.settings;
  const cron = s.scheduleCron.trim();
  return {
    name: s.name.trim(),
    status: s.status,
    definition: definitionOf(doc).value,
    scheduleEnabled: s.scheduleEnabled,
    scheduleTimezone: s.scheduleTimezone.trim() || 'UTC',
    tags: [...s.tags],
    cron,
    description: s.description.trim(),
    steps: stepsToInputs(doc.steps).steps,
  };
}

/** The update the Save button sends: every field and the whole step set. */
export function toUpdate(doc: WorkflowDoc): UpdateWorkflow {
  const c = commonFields(doc);
  return {
    name: c.name,
    description: c.description === '' ? null : c.description,
    status: c.status,
    definition: c.definition,
    scheduleEnabled: c.scheduleEnabled,
    scheduleCron: c.cron === '' ? null : c.cron,
    scheduleTimezone: c.scheduleTimezone,
    tags: c.tags,
    steps: c.steps,
  };
}

/** The create of a new workflow with its steps. */
export function toCreate(doc: WorkflowDoc): CreateWorkflow {
  const c = commonFields(doc);
  const input: CreateWorkflow = {
    name: c.name,
    status: c.status,
    definition: c.definition,
    scheduleEnabled: c.scheduleEnabled,
    scheduleTimezone: c.scheduleTimezone,
    tags: c.tags,
    steps: c.steps,
  };
  if (c.description !== '') input.description = c.description;
  if (c.cron !== '') input.scheduleCron = c.cron;
  return input;
}

/** A new step with the service's defaults and a key no other step has (`step_1`, `step_2`, …). */
export function newStep(uid: string, existing: readonly StepDraft[], stepType: WorkflowStepType = 'AGENT'): StepDraft {
  const keys = new Set(existing.map((s) => s.stepKey));
  let n = existing.length + 1;
  while (keys.has(`step_${n}`)) n += 1;
  return {
    uid,
    stepKey: `step_${n}`,
    stepName: `Step ${n}`,
    stepType,
    agentId: null,
    config: {},
    inputs: [],
    outputs: [],
    dependsOn: [],
    ...STEP_DEFAULTS,
  };
}
