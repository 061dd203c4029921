// The in-memory deployments: the target rule, the state machine with its messages and masked
// variables, enough to preview the page; the real rules live in Rust.
import type { Deployment } from '../../bindings/Deployment';
import type { DeploymentStatus } from '../../bindings/DeploymentStatus';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { DeploymentsApi } from '../backend';
import type { FieldError } from '../types';
import { audit, changed, fail, newId, now, paged, USER } from './core';

/** Plain values, kept apart from the rows, which only ever hold masks. */
const secrets = new Map<string, Record<string, string>>();

function mask(value: string): string {
  return value.length > 12 ? `${value.slice(0, 4)}…${value.slice(-4)}` : '*'.repeat(Math.max(4, value.length));
}

function blank(name: string, at: string): Deployment {
  return {
    id: newId(),
    name,
    description: null,
    userId: USER,
    workflowId: null,
    agentId: null,
    environment: 'PRODUCTION',
    status: 'STOPPED',
    config: {},
    environmentVars: {},
    endpointUrl: null,
    allocatedMemoryMb: 512,
    allocatedCpuShares: 1024,
    deployedAt: null,
    lastHealthCheckAt: null,
    healthStatus: 'UNKNOWN',
    totalRequests: 0,
    totalErrors: 0,
    avgResponseTimeMs: 0,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
}

const deployments: Deployment[] = [
  {
    ...blank('Preview API', '2025-01-03T09:00:00.000Z'),
    description: 'The preview fetcher behind an endpoint',
    agentId: '00000000-0000-7000-8000-000000000001',
    status: 'RUNNING',
    healthStatus: 'HEALTHY',
    deployedAt: '2025-01-03T09:05:00.000Z',
    lastHealthCheckAt: '2025-01-03T09:05:00.000Z',
    environmentVars: { API_TOKEN: mask('preview-token-123456') },
  },
  { ...blank('Preview staging', '2025-01-04T09:00:00.000Z'), environment: 'STAGING', agentId: '00000000-0000-7000-8000-000000000002' },
];

function find(id: string): Deployment {
  return deployments.find((d) => d.id === id && d.deletedAt === null) ?? fail('NOT_FOUND', 'Deployment not found');
}

function check(fields: FieldError[], vars: Record<string, unknown> | undefined, mem?: number, cpu?: number) {
  const range = (field: string, v: number | undefined, max: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > max)) fields.push({ field, message: `${field} must be between 1 and ${max}` });
  };
  range('allocatedMemoryMb', mem, 8192);
  range('allocatedCpuShares', cpu, 4096);
  for (const k of Object.keys(vars ?? {}))
    if (!/^[A-Za-z0-9_]+$/.test(k)) fields.push({ field: 'environmentVars', message: `Invalid variable name ${JSON.stringify(k)}: use letters, digits and _` });
  if (fields.length > 0) fail('VALIDATION_ERROR', 'Invalid input', fields);
}

function transition(id: string, action: string, allowed: DeploymentStatus[], steps: DeploymentStatus[]): Deployment {
  const d = find(id);
  if (!allowed.includes(d.status))
    fail('BAD_REQUEST', `Cannot ${action} deployment in "${d.status}" status. Deployment must be ${allowed.join(' or ')}.`);
  const before = d.status;
  const at = now();
  d.status = steps[steps.length - 1]!;
  d.updatedAt = at;
  if (d.status === 'RUNNING') Object.assign(d, { deployedAt: at, healthStatus: 'HEALTHY', lastHealthCheckAt: at });
  if (d.status === 'STOPPED') d.healthStatus = 'UNKNOWN';
  audit(`deployment.${action}`, 'deployment', id, { status: { before, after: d.status } });
  changed();
  return structuredClone(d);
}

export const fakeDeployments: DeploymentsApi = {
  async deploymentsList(query) {
    const search = query.search?.trim().toLowerCase();
    const rows = deployments
      .filter(
        (d) =>
          d.deletedAt === null &&
          (!query.status || d.status === query.status) &&
          (!query.environment || d.environment === query.environment) &&
          (!search || d.name.toLowerCase().includes(search) || (d.description ?? '').toLowerCase().includes(search)),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return paged(rows, query.page ?? 1, query.pageSize ?? 20);
  },

  async deploymentsGet(id) {
    return structuredClone(find(id));
  },

  async deploymentsCreate(input) {
    const fields: FieldError[] = [];
    if (input.name.trim() === '') fields.push({ field: 'name', message: 'name is required' });
    if (!input.workflowId && !input.agentId) fields.push({ field: 'workflowId', message: 'Either workflowId or agentId must be provided' });
    if (input.workflowId && input.agentId) fields.push({ field: 'agentId', message: 'Cannot deploy both a workflow and an agent. Provide only one.' });
    check(fields, input.environmentVars, input.allocatedMemoryMb, input.allocatedCpuShares);
    const d: Deployment = {
      ...blank(input.name.trim(), now()),
      description: input.description ?? null,
      workflowId: input.workflowId ?? null,
      agentId: input.agentId ?? null,
      environment: input.environment ?? 'PRODUCTION',
      allocatedMemoryMb: input.allocatedMemoryMb ?? 512,
      allocatedCpuShares: input.allocatedCpuShares ?? 1024,
    };
    const vars = input.environmentVars ?? {};
    secrets.set(d.id, { ...vars });
    d.environmentVars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, mask(v)]));
    deployments.push(d);
    audit('deployment.create', 'deployment', d.id, { after: { name: d.name, environmentVars: Object.keys(vars) } as JsonValue });
    changed();
    return structuredClone(d);
  },

  async deploymentsUpdate(id, input) {
    const d = find(id);
    if (Object.keys(input).length === 0) fail('VALIDATION_ERROR', 'No fields to update');
    const fields: FieldError[] = [];
    if (input.name !== undefined && input.name.trim() === '') fields.push({ field: 'name', message: 'name is required' });
    check(fields, input.environmentVars, input.allocatedMemoryMb, input.allocatedCpuShares);
    const { environmentVars, ...rest } = input;
    Object.assign(d, structuredClone(rest), { updatedAt: now() });
    if (input.name !== undefined) d.name = input.name.trim();
    if (environmentVars) {
      const plain = secrets.get(id) ?? {};
      for (const [k, v] of Object.entries(environmentVars)) {
        if (v === null || v === undefined) delete plain[k];
        else plain[k] = v;
      }
      secrets.set(id, plain);
      d.environmentVars = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, mask(v)]));
    }
    audit('deployment.update', 'deployment', id, { environmentVarsChanged: Object.keys(environmentVars ?? {}) });
    changed();
    return structuredClone(d);
  },

  async deploymentsStart(id) {
    return transition(id, 'start', ['STOPPED', 'FAILED'], ['STARTING', 'RUNNING']);
  },

  async deploymentsStop(id) {
    return transition(id, 'stop', ['RUNNING', 'STARTING', 'MAINTENANCE'], ['STOPPING', 'STOPPED']);
  },

  async deploymentsDelete(id) {
    const d = find(id);
    d.status = 'STOPPED';
    d.deletedAt = now();
    secrets.delete(id);
    audit('deployment.delete', 'deployment', id, { before: { name: d.name } });
    changed();
  },
};
