import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../bindings/Deployment';
import {
  buildCreateInput,
  buildUpdateInput,
  canStart,
  canStop,
  emptyForm,
  errorsOfSave,
  formFromDeployment,
  mapFieldErrors,
  newVarRow,
  STATUSES,
  storedVarNames,
  TARGET_BOTH,
  TARGET_MISSING,
  transitionHint,
  withTargetKind,
  type DeploymentForm,
} from './form';

const WF = '00000000-0000-4000-8000-000000002001';
const AG = '00000000-0000-4000-8000-000000001001';

function deployment(patch: Partial<Deployment> = {}): Deployment {
  return {
    id: '00000000-0000-7000-8000-0000000000d1',
    name: 'Edge',
    description: null,
    userId: '00000000-0000-4000-8000-000000000001',
    workflowId: WF,
    agentId: null,
    environment: 'PRODUCTION',
    status: 'STOPPED',
    config: {},
    environmentVars: { TOKEN: 'abcd…wxyz', REGION: '****' },
    endpointUrl: null,
    allocatedMemoryMb: 512,
    allocatedCpuShares: 1024,
    deployedAt: null,
    lastHealthCheckAt: null,
    healthStatus: 'UNKNOWN',
    totalRequests: 0,
    totalErrors: 0,
    avgResponseTimeMs: 0,
    createdAt: '2026-03-10T10:00:00.000Z',
    updatedAt: '2026-03-10T10:00:00.000Z',
    deletedAt: null,
    ...patch,
  };
}

const filled = (patch: Partial<DeploymentForm> = {}): DeploymentForm => ({ ...emptyForm(), name: 'Edge', workflowId: WF, ...patch });

describe('the state machine', () => {
  it('starts only from stopped or failed and stops only from running, starting or maintenance', () => {
    expect(STATUSES.filter(canStart)).toEqual(['STOPPED', 'FAILED']);
    expect(STATUSES.filter(canStop)).toEqual(['STARTING', 'RUNNING', 'MAINTENANCE']);
    expect(STATUSES.some((s) => canStart(s) && canStop(s))).toBe(false);
    expect(canStart('STOPPING')).toBe(false);
    expect(canStop('STOPPING')).toBe(false);
  });

  it('says why a button is disabled', () => {
    expect(transitionHint('start', 'STOPPED')).toBeNull();
    expect(transitionHint('start', 'RUNNING')).toMatch(/stopped or failed/);
    expect(transitionHint('stop', 'RUNNING')).toBeNull();
    expect(transitionHint('stop', 'STOPPED')).toMatch(/running, starting or maintenance/);
  });
});

describe('creating', () => {
  it('needs exactly one target, with the messages of docs/rules.md on the target field', () => {
    const none = buildCreateInput(filled({ workflowId: '' }));
    expect(none).toEqual({ ok: false, errors: { target: TARGET_MISSING } });
    expect(TARGET_MISSING).toBe('Either workflowId or agentId must be provided');
    const both = buildCreateInput(filled({ agentId: AG }));
    expect(both).toEqual({ ok: false, errors: { target: TARGET_BOTH } });
    expect(TARGET_BOTH).toBe('Cannot deploy both a workflow and an agent. Provide only one.');
  });

  it('sends only what was filled in', () => {
    expect(buildCreateInput(filled())).toEqual({ ok: true, input: { name: 'Edge', environment: 'PRODUCTION', workflowId: WF } });
    const agent = withTargetKind(filled(), 'agent');
    expect(agent.workflowId).toBe('');
    const r = buildCreateInput({
      ...agent,
      agentId: AG,
      name: '  Edge  ',
      description: ' The edge ',
      environment: 'STAGING',
      allocatedMemoryMb: '1024',
      allocatedCpuShares: ' 2048 ',
      vars: [
        { ...newVarRow(), key: 'API_TOKEN', value: 's3cret' },
        newVarRow(), // blank rows are ignored
        { ...newVarRow(), key: 'EMPTY', value: '' },
      ],
    });
    expect(r).toEqual({
      ok: true,
      input: {
        name: 'Edge',
        description: 'The edge',
        environment: 'STAGING',
        agentId: AG,
        allocatedMemoryMb: 1024,
        allocatedCpuShares: 2048,
        environmentVars: { API_TOKEN: 's3cret', EMPTY: '' },
      },
    });
  });

  it('switching the target kind forgets the other pick', () => {
    const f = withTargetKind({ ...filled(), agentId: AG }, 'workflow');
    expect([f.targetKind, f.workflowId, f.agentId]).toEqual(['workflow', WF, '']);
  });

  it('checks names, ranges and variable rows', () => {
    const r = buildCreateInput(
      filled({
        name: ' ',
        allocatedMemoryMb: '9000',
        allocatedCpuShares: '1.5',
        vars: [
          { ...newVarRow(), key: 'BAD-NAME', value: 'x' },
          { ...newVarRow(), key: '', value: 'orphan' },
          { ...newVarRow(), key: 'A', value: '1' },
          { ...newVarRow(), key: 'A', value: '2' },
        ],
      }),
    );
    expect(r).toEqual({
      ok: false,
      errors: {
        name: 'name is required',
        allocatedMemoryMb: 'allocatedMemoryMb must be between 1 and 8192',
        allocatedCpuShares: 'allocatedCpuShares must be between 1 and 4096',
        'vars.0': 'Invalid variable name "BAD-NAME": use letters, digits and _',
        'vars.1': 'Name the variable',
        'vars.3': 'A is already in the list',
      },
    });
  });
});

describe('editing', () => {
  it('shows stored variables by name only, with empty write-only values', () => {
    const form = formFromDeployment(deployment());
    expect(form.vars).toEqual([
      { stored: true, key: 'REGION', value: '', removed: false },
      { stored: true, key: 'TOKEN', value: '', removed: false },
    ]);
    expect(JSON.stringify(form)).not.toContain('abcd');
    expect(storedVarNames({ environmentVars: null })).toEqual([]);
  });

  it('sends nothing when nothing changed', () => {
    const d = deployment();
    expect(buildUpdateInput(d, formFromDeployment(d))).toEqual({ ok: true, input: {} });
  });

  it('sends the changed fields, replaced and new variables, and removals as null', () => {
    const d = deployment({ description: 'Old' });
    const form = formFromDeployment(d);
    form.name = 'Edge 2';
    form.description = '';
    form.environment = 'DEVELOPMENT';
    form.allocatedMemoryMb = '512';
    form.allocatedCpuShares = '2048';
    form.vars = [
      { ...form.vars[0]!, removed: true },
      { ...form.vars[1]!, value: 'new-token' },
      { ...newVarRow(), key: 'DEBUG', value: '1' },
    ];
    expect(buildUpdateInput(d, form)).toEqual({
      ok: true,
      input: {
        name: 'Edge 2',
        description: null,
        environment: 'DEVELOPMENT',
        allocatedCpuShares: 2048,
        environmentVars: { REGION: null, TOKEN: 'new-token', DEBUG: '1' },
      },
    });
  });

  it('refuses a new variable named like a stored one', () => {
    const d = deployment();
    const form = formFromDeployment(d);
    form.vars.push({ ...newVarRow(), key: 'TOKEN', value: 'x' });
    expect(buildUpdateInput(d, form)).toEqual({ ok: false, errors: { 'vars.2': 'TOKEN is already in the list' } });
  });
});

describe('errors from the backend', () => {
  it('puts both target fields on the target picker and the rest on their fields', () => {
    expect(
      mapFieldErrors([
        { field: 'agentId', message: TARGET_BOTH },
        { field: 'name', message: 'name is required' },
        { field: 'environmentVars', message: 'Invalid variable name "a-b": use letters, digits and _' },
        { field: 'config', message: 'must be an object' },
      ]),
    ).toEqual({
      target: TARGET_BOTH,
      name: 'name is required',
      environmentVars: 'Invalid variable name "a-b": use letters, digits and _',
      _form: 'must be an object',
    });
    expect(mapFieldErrors([{ field: 'workflowId', message: TARGET_MISSING }])).toEqual({ target: TARGET_MISSING });
  });

  it('shows a target that vanished under the target picker', () => {
    expect(errorsOfSave({ code: 'NOT_FOUND', message: 'Workflow not found' })).toEqual({ target: 'Workflow not found' });
    expect(errorsOfSave({ code: 'NOT_FOUND', message: 'Deployment not found' })).toEqual({});
    expect(errorsOfSave({ code: 'VALIDATION_ERROR', message: 'Invalid input', fields: [{ field: 'name', message: 'x' }] })).toEqual({ name: 'x' });
  });
});
