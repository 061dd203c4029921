import { describe, expect, it } from 'vitest';
import type { Agent } from '../../ipc';
import { buildCreateInput, buildUpdateDiff, emptyForm, formFromAgent, mapFieldErrors, parseForm, type AgentForm } from './form';

const agent: Agent = {
  id: 'a1',
  name: 'Fetcher',
  description: 'Gets things',
  type: 'API',
  status: 'ACTIVE',
  version: 1,
  parentId: null,
  userId: 'u',
  config: { url: 'https://x.test', method: 'GET', retries: 3 },
  capabilities: [],
  parameters: { q: { type: 'string', required: true, description: 'query' } },
  maxExecutionTime: 60,
  maxMemoryMb: null,
  maxConcurrentExecutions: null,
  totalExecutions: 0,
  successfulExecutions: 0,
  failedExecutions: 0,
  avgExecutionTimeMs: 0,
  tags: ['web'],
  isPublic: false,
  isTemplate: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  deletedAt: null,
};

function diff(edit: (f: AgentForm) => AgentForm) {
  const parsed = parseForm(edit(formFromAgent(agent)));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return buildUpdateDiff(agent, parsed.value);
}

describe('buildUpdateDiff', () => {
  it('is empty when nothing changed (config split into fields and raw JSON round-trips)', () => {
    expect(diff((f) => f)).toEqual({ ok: true, input: {} });
  });

  it('sends only changed fields', () => {
    expect(diff((f) => ({ ...f, name: 'Fetcher 2', maxMemoryMb: '512', tags: ['web', 'prod'] }))).toEqual({
      ok: true,
      input: { name: 'Fetcher 2', maxMemoryMb: 512, tags: ['web', 'prod'] },
    });
  });

  it('sends description: null when it is cleared, and never the type', () => {
    expect(diff((f) => ({ ...f, description: '  ' }))).toEqual({ ok: true, input: { description: null } });
  });

  it('sends the whole config when a typed field changes, keeping raw keys', () => {
    expect(diff((f) => ({ ...f, config: { ...f.config, timeoutMs: '500' } }))).toEqual({
      ok: true,
      input: { config: { url: 'https://x.test', method: 'GET', retries: 3, timeoutMs: 500 } },
    });
  });

  it('refuses to clear a limit, which the backend cannot do', () => {
    expect(diff((f) => ({ ...f, maxExecutionTime: '' }))).toEqual({
      ok: false,
      errors: { maxExecutionTime: 'A limit can be changed but not removed once set' },
    });
  });
});

describe('parseForm', () => {
  it('checks names, limits and JSON locally', () => {
    const result = parseForm({
      ...emptyForm('API'),
      maxMemoryMb: '9000',
      maxConcurrentExecutions: '1.5',
      config: { headers: '[1]', timeoutMs: 'soon' },
      extraConfig: '{oops',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        name: 'Name is required',
        maxMemoryMb: 'Must be a whole number from 1 to 8192',
        maxConcurrentExecutions: 'Must be a whole number from 1 to 100',
        extraConfig: 'Not valid JSON',
        'config.headers': 'Must be a JSON object',
        'config.timeoutMs': 'Must be a number',
      },
    });
  });

  it('builds a create input without empty optional fields', () => {
    const parsed = parseForm({ ...emptyForm('LLM'), name: ' Bot ', maxExecutionTime: '30', config: { model: 'm', temperature: '0.2' } });
    expect(parsed.ok && buildCreateInput(parsed.value)).toEqual({
      name: 'Bot',
      type: 'LLM',
      status: 'DRAFT',
      config: { model: 'm', temperature: 0.2 },
      parameters: {},
      tags: [],
      maxExecutionTime: 30,
    });
  });
});

describe('mapFieldErrors', () => {
  it('puts backend field errors on the matching inputs', () => {
    expect(
      mapFieldErrors(
        [
          { field: 'name', message: 'is required' },
          { field: 'maxMemoryMb', message: 'must be between 1 and 8192' },
          { field: 'tags[2]', message: 'too long' },
          { field: 'tags', message: 'too many' },
          { field: 'config.url', message: 'not a URL' },
          { field: 'config.retries', message: 'bad' },
          { field: 'parameters.q.type', message: 'unknown type' },
          { field: 'isTemplate', message: 'not allowed' },
        ],
        'API',
      ),
    ).toEqual({
      name: 'is required',
      maxMemoryMb: 'must be between 1 and 8192',
      tags: 'too long; too many',
      'config.url': 'not a URL',
      extraConfig: 'bad',
      parameters: 'unknown type',
      _form: 'isTemplate: not allowed',
    });
  });

  it('maps config keys per type', () => {
    expect(mapFieldErrors([{ field: 'config.model', message: 'x' }], 'LLM')).toEqual({ 'config.model': 'x' });
    expect(mapFieldErrors([{ field: 'config.model', message: 'x' }], 'API')).toEqual({ extraConfig: 'x' });
  });
});
