// The create/edit form of a deployment as plain data: the state machine's allowed actions, the
// form from a deployment, the form to a CreateDeployment or to the UpdateDeployment diff, and
// backend field errors onto form fields. No React here, so all of it is unit-tested
// (form.test.ts). The rules themselves live in Rust (services/src/deployments.rs, docs/rules.md
// "Deployments"); the form only repeats the ones it can see, with the same messages.
import type { CreateDeployment } from '../../bindings/CreateDeployment';
import type { Deployment } from '../../bindings/Deployment';
import type { DeploymentStatus } from '../../bindings/DeploymentStatus';
import type { Environment } from '../../bindings/Environment';
import type { UpdateDeployment } from '../../bindings/UpdateDeployment';
import type { CommandError, FieldError } from '../../ipc';

export const ENVIRONMENTS: readonly Environment[] = ['DEVELOPMENT', 'STAGING', 'PRODUCTION'];
export const STATUSES: readonly DeploymentStatus[] = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'FAILED', 'MAINTENANCE'];

/** What a stored variable's value looks like: it is never sent back, not even masked. */
export const MASK = '••••';

/** The target rule's messages, exactly as docs/rules.md and the service word them. */
export const TARGET_MISSING = 'Either workflowId or agentId must be provided';
export const TARGET_BOTH = 'Cannot deploy both a workflow and an agent. Provide only one.';

export const RESOURCES = {
  allocatedMemoryMb: { label: 'Memory (MB)', min: 1, max: 8192, default: 512 },
  allocatedCpuShares: { label: 'CPU shares', min: 1, max: 4096, default: 1024 },
} as const;
export type ResourceKey = keyof typeof RESOURCES;

// The state machine (docs/rules.md): start from stopped or failed; stop from running, starting or
// maintenance. backend.deploymentsStart/Stop run both steps of each transition.
const STARTABLE: readonly DeploymentStatus[] = ['STOPPED', 'FAILED'];
const STOPPABLE: readonly DeploymentStatus[] = ['RUNNING', 'STARTING', 'MAINTENANCE'];

export const canStart = (status: DeploymentStatus): boolean => STARTABLE.includes(status);
export const canStop = (status: DeploymentStatus): boolean => STOPPABLE.includes(status);

/** Why a button is disabled, for its tooltip; null when it is enabled. */
export function transitionHint(action: 'start' | 'stop', status: DeploymentStatus): string | null {
  if (action === 'start') return canStart(status) ? null : 'Only a stopped or failed deployment can start';
  return canStop(status) ? null : 'Only a running, starting or maintenance deployment can stop';
}

export type TargetKind = 'workflow' | 'agent';

/** One row of the variables editor. */
export interface VarRow {
  /** Kept in the database: the name is fixed and the value is write-only. */
  stored: boolean;
  key: string;
  /** A stored row: '' keeps the stored value, anything else replaces it. A new row: the value. */
  value: string;
  /** A stored row marked for removal. */
  removed: boolean;
}

/** What the inputs hold: text as typed, so a half-typed number is not lost. */
export interface DeploymentForm {
  name: string;
  description: string;
  environment: Environment;
  targetKind: TargetKind;
  workflowId: string;
  agentId: string;
  allocatedMemoryMb: string;
  allocatedCpuShares: string;
  vars: VarRow[];
}

export type FormKey = 'name' | 'description' | 'environment' | 'target' | 'environmentVars' | ResourceKey;
/** Errors per field, plus `vars.<index>` per variable row and `_form` for the rest. */
export type FormErrors = Partial<Record<FormKey | '_form' | `vars.${number}`, string>>;

export const newVarRow = (): VarRow => ({ stored: false, key: '', value: '', removed: false });

export function emptyForm(): DeploymentForm {
  return {
    name: '',
    description: '',
    environment: 'PRODUCTION',
    targetKind: 'workflow',
    workflowId: '',
    agentId: '',
    allocatedMemoryMb: '',
    allocatedCpuShares: '',
    vars: [],
  };
}

/** The names of a deployment's stored variables, sorted (their values are masked anyway). */
export function storedVarNames(d: Pick<Deployment, 'environmentVars'>): string[] {
  const vars = d.environmentVars;
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) return [];
  return Object.keys(vars).sort();
}

export function formFromDeployment(d: Deployment): DeploymentForm {
  return {
    name: d.name,
    description: d.description ?? '',
    environment: d.environment,
    targetKind: d.agentId !== null ? 'agent' : 'workflow',
    workflowId: d.workflowId ?? '',
    agentId: d.agentId ?? '',
    allocatedMemoryMb: String(d.allocatedMemoryMb),
    allocatedCpuShares: String(d.allocatedCpuShares),
    vars: storedVarNames(d).map((key) => ({ stored: true, key, value: '', removed: false })),
  };
}

/** Switching the target kind forgets the other kind's pick, so only one target is ever sent. */
export function withTargetKind(form: DeploymentForm, kind: TargetKind): DeploymentForm {
  return { ...form, targetKind: kind, workflowId: kind === 'workflow' ? form.workflowId : '', agentId: kind === 'agent' ? form.agentId : '' };
}

const VAR_NAME = /^[A-Za-z0-9_]+$/;

/** The variables to send: set or replaced ones with their value, removed ones as null. */
function parseVars(rows: readonly VarRow[], errors: FormErrors): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    if (!row.stored && key === '' && row.value === '') return; // a blank row is ignored
    if (key === '') {
      errors[`vars.${i}`] = 'Name the variable';
      return;
    }
    if (!VAR_NAME.test(key)) {
      errors[`vars.${i}`] = `Invalid variable name ${JSON.stringify(key)}: use letters, digits and _`;
      return;
    }
    if (seen.has(key)) {
      errors[`vars.${i}`] = `${key} is already in the list`;
      return;
    }
    seen.add(key);
    if (row.stored) {
      if (row.removed) out[key] = null;
      else if (row.value !== '') out[key] = row.value;
    } else {
      out[key] = row.value;
    }
  });
  return out;
}

function parseResource(form: DeploymentForm, key: ResourceKey, errors: FormErrors): number | undefined {
  const text = form[key].trim();
  if (text === '') return undefined;
  const { min, max } = RESOURCES[key];
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors[key] = `${key} must be between ${min} and ${max}`;
    return undefined;
  }
  return n;
}

export type Parsed<T> = { ok: true; input: T } | { ok: false; errors: FormErrors };

/** The create input, with only what the user filled in; exactly one target (docs/rules.md). */
export function buildCreateInput(form: DeploymentForm): Parsed<CreateDeployment> {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'name is required';
  const workflowId = form.workflowId.trim();
  const agentId = form.agentId.trim();
  if (workflowId === '' && agentId === '') errors.target = TARGET_MISSING;
  else if (workflowId !== '' && agentId !== '') errors.target = TARGET_BOTH;
  const memory = parseResource(form, 'allocatedMemoryMb', errors);
  const cpu = parseResource(form, 'allocatedCpuShares', errors);
  const vars = parseVars(form.vars, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const input: CreateDeployment = { name, environment: form.environment };
  const description = form.description.trim();
  if (description !== '') input.description = description;
  if (workflowId !== '') input.workflowId = workflowId;
  if (agentId !== '') input.agentId = agentId;
  if (memory !== undefined) input.allocatedMemoryMb = memory;
  if (cpu !== undefined) input.allocatedCpuShares = cpu;
  const set = Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== null));
  if (Object.keys(set).length > 0) input.environmentVars = set;
  return { ok: true, input };
}

/** Only what differs from the stored deployment; `{}` when nothing does. The target is fixed. */
export function buildUpdateInput(d: Deployment, form: DeploymentForm): Parsed<UpdateDeployment> {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'name is required';
  const memory = parseResource(form, 'allocatedMemoryMb', errors);
  const cpu = parseResource(form, 'allocatedCpuShares', errors);
  const vars = parseVars(form.vars, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const input: UpdateDeployment = {};
  if (name !== d.name) input.name = name;
  const description = form.description.trim();
  if (description !== (d.description ?? '')) input.description = description === '' ? null : description;
  if (form.environment !== d.environment) input.environment = form.environment;
  if (memory !== undefined && memory !== d.allocatedMemoryMb) input.allocatedMemoryMb = memory;
  if (cpu !== undefined && cpu !== d.allocatedCpuShares) input.allocatedCpuShares = cpu;
  if (Object.keys(vars).length > 0) input.environmentVars = vars;
  return { ok: true, input };
}

/** Backend field errors onto the form: both target fields land on the one target picker. */
export function mapFieldErrors(fields: readonly FieldError[]): FormErrors {
  const errors: FormErrors = {};
  for (const f of fields) {
    const key: FormKey | '_form' =
      f.field === 'workflowId' || f.field === 'agentId'
        ? 'target'
        : f.field === 'name' ||
            f.field === 'description' ||
            f.field === 'environment' ||
            f.field === 'environmentVars' ||
            f.field === 'allocatedMemoryMb' ||
            f.field === 'allocatedCpuShares'
          ? f.field
          : '_form';
    errors[key] = errors[key] ? `${errors[key]}; ${f.message}` : f.message;
  }
  return errors;
}

/** A save that failed: field errors onto fields, and a missing target under the target picker. */
export function errorsOfSave(error: CommandError): FormErrors {
  if (error.fields && error.fields.length > 0) return mapFieldErrors(error.fields);
  if (error.code === 'NOT_FOUND' && /^(Workflow|Agent) not found/.test(error.message)) return { target: error.message };
  return {};
}
