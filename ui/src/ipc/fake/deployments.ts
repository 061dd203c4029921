// The in-memory deployments: two samples; writes are stored as given, unchecked, and start and
// stop always succeed (the target rule and the state machine with its messages are Rust's).
// Variables are kept by name only, as the rows show them.
import type { Deployment } from '../../bindings/Deployment';
import type { DeploymentStatus } from '../../bindings/DeploymentStatus';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { DeploymentsApi } from '../backend';
import { audit, changed, newId, notFound, now, paged, USER } from './core';

/** What a stored variable's value reads as in a row. */
const STORED = '********';

/** The row's variables after a write: a value stores the name, null removes it. */
function withVars(stored: JsonValue, written: { [key in string]: string | null | undefined }): JsonValue {
  const vars: { [key in string]: JsonValue } = { ...(stored as { [key in string]: JsonValue }) };
  for (const [k, v] of Object.entries(written)) {
    if (v === null || v === undefined) delete vars[k];
    else vars[k] = STORED;
  }
  return vars;
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
    environmentVars: { API_TOKEN: STORED },
  },
  { ...blank('Preview staging', '2025-01-04T09:00:00.000Z'), environment: 'STAGING', agentId: '00000000-0000-7000-8000-000000000002' },
];

function find(id: string): Deployment {
  return deployments.find((d) => d.id === id && d.deletedAt === null) ?? notFound();
}

/** Moves the deployment to `status` (RUNNING: deployed and healthy now; STOPPED: health unknown). */
function transition(id: string, action: string, status: DeploymentStatus): Deployment {
  const d = find(id);
  const before = d.status;
  const at = now();
  d.status = status;
  d.updatedAt = at;
  if (status === 'RUNNING') Object.assign(d, { deployedAt: at, healthStatus: 'HEALTHY', lastHealthCheckAt: at });
  if (status === 'STOPPED') d.healthStatus = 'UNKNOWN';
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
    const d: Deployment = {
      ...blank(input.name, now()),
      description: input.description ?? null,
      workflowId: input.workflowId ?? null,
      agentId: input.agentId ?? null,
      environment: input.environment ?? 'PRODUCTION',
      allocatedMemoryMb: input.allocatedMemoryMb ?? 512,
      allocatedCpuShares: input.allocatedCpuShares ?? 1024,
      environmentVars: withVars({}, input.environmentVars ?? {}),
    };
    deployments.push(d);
    audit('deployment.create', 'deployment', d.id, { after: { name: d.name, environmentVars: Object.keys(input.environmentVars ?? {}) } as JsonValue });
    changed();
    return structuredClone(d);
  },

  async deploymentsUpdate(id, input) {
    const d = find(id);
    const { environmentVars, ...rest } = input;
    Object.assign(d, structuredClone(rest), { updatedAt: now() });
    if (environmentVars) d.environmentVars = withVars(d.environmentVars, environmentVars);
    audit('deployment.update', 'deployment', id, { environmentVarsChanged: Object.keys(environmentVars ?? {}) });
    changed();
    return structuredClone(d);
  },

  async deploymentsStart(id) {
    return transition(id, 'start', 'RUNNING');
  },

  async deploymentsStop(id) {
    return transition(id, 'stop', 'STOPPED');
  },

  async deploymentsDelete(id) {
    const d = find(id);
    d.status = 'STOPPED';
    d.deletedAt = now();
    audit('deployment.delete', 'deployment', id, { before: { name: d.name } });
    changed();
  },
};
