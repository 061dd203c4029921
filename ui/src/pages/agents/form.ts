// The create/edit form of an agent as plain data: from an agent to form values, from form values
// to a CreateAgent or to the UpdateAgent diff, and backend field errors onto form fields. No
// React here, so all of it is unit-tested (form.test.ts).
import type {
  Agent,
  AgentStatus,
  AgentType,
  CreateAgent,
  FieldError,
  Json,
  UpdateAgent,
} from '../../ipc';
import { CONFIG_FIELDS, isConfigKey } from './config';
import { parametersFromRows, rowsFromParameters, type ParamRow } from './parameters';

type JsonObject = { [key: string]: Json };

/** What the inputs hold: text as typed, so a half-typed number is not lost. */
export interface AgentForm {
  name: string;
  description: string;
  type: AgentType;
  status: AgentStatus;
  tags: string[];
  maxExecutionTime: string;
  maxMemoryMb: string;
  maxConcurrentExecutions: string;
  /** The type's own config fields (CONFIG_FIELDS), as text. */
  config: Record<string, string>;
  /** Every other config key, as a JSON object text. */
  extraConfig: string;
  params: ParamRow[];
}

/** Form field → message. Keys: AgentForm keys, `config.<key>`, `parameters`, `_form`. */
export type FormErrors = Record<string, string>;

export const LIMITS = {
  maxExecutionTime: { min: 1, max: 3600, label: 'Max execution time (s)' },
  maxMemoryMb: { min: 1, max: 8192, label: 'Max memory (MB)' },
  maxConcurrentExecutions: { min: 1, max: 100, label: 'Max concurrent executions' },
} as const;
export type LimitKey = keyof typeof LIMITS;
const LIMIT_KEYS = Object.keys(LIMITS) as LimitKey[];

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function emptyForm(type: AgentType = 'API'): AgentForm {
  return {
    name: '',
    description: '',
    type,
    status: 'DRAFT',
    tags: [],
    maxExecutionTime: '',
    maxMemoryMb: '',
    maxConcurrentExecutions: '',
    config: {},
    extraConfig: '{}',
    params: [],
  };
}

function configText(v: Json, kind: string): string {
  if (kind === 'json') return JSON.stringify(v, null, 2);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function formFromAgent(agent: Agent): AgentForm {
  const config = isObject(agent.config) ? agent.config : {};
  const typed: Record<string, string> = {};
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    const field = CONFIG_FIELDS[agent.type].find((f) => f.key === key);
    if (field) typed[key] = configText(value, field.kind);
    else rest[key] = value;
  }
  const limit = (v: number | null) => (v === null ? '' : String(v));
  return {
    name: agent.name,
    description: agent.description ?? '',
    type: agent.type,
    status: agent.status,
    tags: agent.tags ?? [],
    maxExecutionTime: limit(agent.maxExecutionTime),
    maxMemoryMb: limit(agent.maxMemoryMb),
    maxConcurrentExecutions: limit(agent.maxConcurrentExecutions),
    config: typed,
    extraConfig: JSON.stringify(rest, null, 2),
    params: rowsFromParameters(agent.parameters),
  };
}

/** The form's values checked and converted to what the backend stores. */
export interface ParsedForm {
  name: string;
  description: string | null;
  type: AgentType;
  status: AgentStatus;
  tags: string[];
  maxExecutionTime: number | null;
  maxMemoryMb: number | null;
  maxConcurrentExecutions: number | null;
  config: JsonObject;
  parameters: JsonObject;
}

export type ParseResult = { ok: true; value: ParsedForm } | { ok: false; errors: FormErrors };

export { addTag } from '../../lib/tags';

/**
 * Checks what the form can check by itself (so the user hears about a typo before a round
 * trip); the backend still enforces every rule and its field errors are shown the same way.
 */
export function parseForm(form: AgentForm): ParseResult {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Name is required';

  const limits = {} as Record<LimitKey, number | null>;
  for (const key of LIMIT_KEYS) {
    const text = form[key].trim();
    const { min, max } = LIMITS[key];
    const n = Number(text);
    if (text === '') limits[key] = null;
    else if (!Number.isInteger(n) || n < min || n > max) {
      errors[key] = `Must be a whole number from ${min} to ${max}`;
      limits[key] = null;
    } else limits[key] = n;
  }

  let config: JsonObject = {};
  try {
    const extra: Json = form.extraConfig.trim() === '' ? {} : JSON.parse(form.extraConfig);
    if (isObject(extra)) config = { ...extra };
    else errors.extraConfig = 'Must be a JSON object';
  } catch {
    errors.extraConfig = 'Not valid JSON';
  }
  for (const field of CONFIG_FIELDS[form.type]) {
    const text = (form.config[field.key] ?? '').trim();
    const key = `config.${field.key}`;
    if (text === '') {
      // An emptied field removes the key, also when the raw JSON editor had it.
      delete config[field.key];
      continue;
    }
    if (field.kind === 'number') {
      const n = Number(text);
      if (Number.isFinite(n)) config[field.key] = n;
      else errors[key] = 'Must be a number';
    } else if (field.kind === 'json') {
      try {
        const v: Json = JSON.parse(text);
        if (field.shape === 'object' && !isObject(v)) errors[key] = 'Must be a JSON object';
        else if (field.shape === 'array' && !Array.isArray(v)) errors[key] = 'Must be a JSON array';
        else config[field.key] = v;
      } catch {
        errors[key] = 'Not valid JSON';
      }
    } else {
      // Text keeps its exact spelling (code and prompts may rely on whitespace).
      config[field.key] = form.config[field.key] ?? '';
    }
  }

  const parameters = parametersFromRows(form.params);
  if (!parameters.ok) errors.parameters = parameters.error;

  if (Object.keys(errors).length > 0 || !parameters.ok) return { ok: false, errors };
  const description = form.description.trim();
  return {
    ok: true,
    value: {
      name,
      description: description === '' ? null : description,
      type: form.type,
      status: form.status,
      tags: form.tags,
      ...limits,
      config,
      parameters: parameters.value,
    },
  };
}

/** The create input: empty optional fields are left out, so the backend's defaults apply. */
export function buildCreateInput(v: ParsedForm): CreateAgent {
  const input: CreateAgent = {
    name: v.name,
    type: v.type,
    status: v.status,
    config: v.config,
    parameters: v.parameters,
    tags: v.tags,
  };
  if (v.description !== null) input.description = v.description;
  for (const key of LIMIT_KEYS) {
    const n = v[key];
    if (n !== null) input[key] = n;
  }
  return input;
}

/** Structural equality of JSON values; key order does not matter. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return false;
}

export type DiffResult = { ok: true; input: UpdateAgent } | { ok: false; errors: FormErrors };

/**
 * The UpdateAgent that turns `agent` into the form's values: only changed fields (the backend
 * refuses an update with none, and a field sent unchanged would still count as a change in the
 * audit log). A cleared description is sent as null. The type is never sent. Limits cannot be
 * cleared by the backend once set, so clearing one is an error here rather than silently kept.
 */
export function buildUpdateDiff(agent: Agent, v: ParsedForm): DiffResult {
  const input: UpdateAgent = {};
  const errors: FormErrors = {};
  if (v.name !== agent.name) input.name = v.name;
  if (v.description !== agent.description) input.description = v.description;
  if (v.status !== agent.status) input.status = v.status;
  if (!sameJson(v.tags, agent.tags ?? [])) input.tags = v.tags;
  for (const key of LIMIT_KEYS) {
    const n = v[key];
    if (n === agent[key]) continue;
    if (n === null) errors[key] = 'A limit can be changed but not removed once set';
    else input[key] = n;
  }
  if (!sameJson(v.config, agent.config)) input.config = v.config;
  if (!sameJson(v.parameters, agent.parameters)) input.parameters = v.parameters;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

const FORM_KEYS = new Set([
  'name',
  'description',
  'type',
  'status',
  'tags',
  'maxExecutionTime',
  'maxMemoryMb',
  'maxConcurrentExecutions',
  'parameters',
]);

/**
 * Backend field errors (`[{field, message}]`, camelCase fields, possibly with a path such as
 * `tags[2]` or `config.url`) as form errors. A field the form has no input for goes to `_form`
 * with its name, so no message is ever dropped; several messages for one field are joined.
 */
export function mapFieldErrors(fields: readonly FieldError[], type: AgentType): FormErrors {
  const errors: FormErrors = {};
  const add = (key: string, message: string) => {
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  };
  for (const { field, message } of fields) {
    const [head = '', ...rest] = field.split(/[.[]/);
    if (head === 'config') {
      const sub = rest[0]?.replace(/]$/, '');
      add(sub && isConfigKey(type, sub) ? `config.${sub}` : 'extraConfig', message);
    } else if (FORM_KEYS.has(head)) {
      add(head, message);
    } else {
      add('_form', `${field}: ${message}`);
    }
  }
  return errors;
}
