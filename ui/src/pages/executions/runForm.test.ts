import { describe, expect, it } from 'vitest';
import { buildInput, declaredInputs, fieldErrors, initialValues } from './runForm';

const definition = {
  inputs: {
    apiUrl: { type: 'string', required: true },
    outputFormat: { type: 'string', default: 'json' },
    limit: { type: 'integer', default: 10 },
    ratio: { type: 'number' },
    dryRun: { type: 'boolean', default: true },
    filter: { type: 'object', default: { a: 1 } },
    ids: { type: 'array' },
    when: { type: 'date' },
    extra: {},
  },
};

describe('declaredInputs', () => {
  it('reads names, types, required and defaults in order', () => {
    const specs = declaredInputs(definition);
    expect(specs.map((s) => `${s.name}:${s.type}`)).toEqual([
      'apiUrl:string',
      'outputFormat:string',
      'limit:integer',
      'ratio:number',
      'dryRun:boolean',
      'filter:object',
      'ids:array',
      'when:string',
      'extra:any',
    ]);
    expect(specs[0]!.required).toBe(true);
    expect(specs[1]!.default).toBe('json');
    expect(specs[3]!.default).toBeUndefined();
  });
  it('is empty without declared inputs', () => {
    expect(declaredInputs({})).toEqual([]);
    expect(declaredInputs(null)).toEqual([]);
    expect(declaredInputs({ inputs: [] })).toEqual([]);
  });
});

describe('initialValues and buildInput', () => {
  const specs = declaredInputs(definition);
  it('starts from the defaults', () => {
    const v = initialValues(specs);
    expect(v).toMatchObject({ apiUrl: '', outputFormat: 'json', limit: '10', dryRun: true, ids: '' });
    expect(JSON.parse(v['filter'] as string)).toEqual({ a: 1 });
  });
  it('requires a required input without a default', () => {
    const { errors } = buildInput(specs, initialValues(specs));
    expect(errors).toEqual({ apiUrl: 'apiUrl is required' });
  });
  it('converts each type and leaves empty fields to their defaults', () => {
    const values = { ...initialValues(specs), apiUrl: 'http://x', ratio: '0.5', ids: '[1, 2]', extra: 'plain text' };
    const { input, errors } = buildInput(specs, values);
    expect(errors).toEqual({});
    expect(input).toEqual({
      apiUrl: 'http://x',
      outputFormat: 'json',
      limit: 10,
      ratio: 0.5,
      dryRun: true,
      filter: { a: 1 },
      ids: [1, 2],
      extra: 'plain text',
    });
    expect('when' in input).toBe(false);
  });
  it('refuses values of the wrong type', () => {
    const values = { ...initialValues(specs), apiUrl: 'x', limit: '1.5', ratio: 'abc', ids: '{"a":1}', filter: '{oops' };
    expect(buildInput(specs, values).errors).toEqual({
      limit: 'limit must be a whole number',
      ratio: 'ratio must be a number',
      ids: 'ids must be a JSON array',
      filter: 'filter must be valid JSON',
    });
  });
});

describe('fieldErrors', () => {
  it('maps the engine’s field errors to inputs', () => {
    expect(fieldErrors([{ field: 'inputData.apiUrl', message: 'Input "apiUrl" is required' }, { field: 'name', message: 'x' }])).toEqual({
      apiUrl: 'Input "apiUrl" is required',
    });
    expect(fieldErrors(undefined)).toEqual({});
  });
});
