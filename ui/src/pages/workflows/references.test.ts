import { describe, expect, it } from 'vitest';
import type { AgentType } from '../../bindings/AgentType';
import { docFromWorkflow } from './model';
import { stored, workflow } from './fixtures';
import { applySuggestion, openBareReference, openReference, outputFields, outputReferences, stepReferences, suggestReferences } from './references';

const doc = docFromWorkflow(
  workflow(
    [
      stored('fetch', 0, [], { agentId: 'api-agent' }),
      stored('shape', 1, ['fetch'], { outputs: { rows: '{{result}}', total: '{{result.length}}' } }),
      stored('check', 2, ['shape'], { stepType: 'CONDITION', config: { condition: 'shape.total > 0' } }),
      stored('side', 3, []),
      stored('report', 4, ['check'], { inputs: { title: 'Daily' } }),
    ],
    { inputs: { apiUrl: { type: 'string', required: true } } },
  ),
  (i) => `s${i + 1}`,
);
const agentTypes = new Map<string, AgentType>([['api-agent', 'API']]);
const refsOfReport = stepReferences(doc.steps, 's5', ['apiUrl', 'limit'], agentTypes);
const paths = (r: { path: string }[]) => r.map((s) => s.path);

describe('stepReferences', () => {
  it('offers workflow inputs, every upstream step with its output fields, and metadata', () => {
    expect(paths(refsOfReport)).toEqual([
      'inputs.apiUrl',
      'inputs.limit',
      'check',
      'check.result',
      'shape',
      'shape.rows',
      'shape.total',
      'fetch',
      'fetch.data',
      'fetch.statusCode',
      'fetch.statusText',
      'fetch.headers',
      'fetch.responseTimeMs',
      'metadata.executionId',
      'metadata.workflowId',
      'metadata.triggerType',
    ]);
  });

  it('never offers the step itself, a step downstream or a step on another branch', () => {
    const refs = paths(stepReferences(doc.steps, 's2', [], agentTypes));
    expect(refs).toContain('fetch.data');
    for (const k of ['shape', 'check', 'side', 'report']) expect(refs).not.toContain(k);
  });

  it('knows what each kind of step outputs', () => {
    const [fetch, shape, check, , report] = doc.steps;
    expect(outputFields(fetch!, 'API')).toContain('statusCode');
    expect(outputFields(shape!, undefined)).toEqual(['rows', 'total']);
    expect(outputFields(check!, undefined)).toEqual(['result']);
    // An agent step without an agent passes its inputs through.
    expect(outputFields(report!, undefined)).toEqual(['title']);
    expect(paths(outputReferences(fetch!, 'API'))).toEqual(['result', 'output', 'response.body', 'response.status', 'response.headers', 'output.data', 'output.statusCode', 'output.statusText', 'output.headers', 'output.responseTimeMs']);
  });
});

describe('openReference', () => {
  it('finds the reference being typed after an unclosed {{', () => {
    expect(openReference('{{', 2)).toEqual({ from: 2, query: '' });
    expect(openReference('Hi {{ inp', 9)).toEqual({ from: 6, query: 'inp' });
    expect(openReference('{{a}} and {{b.c', 15)).toEqual({ from: 12, query: 'b.c' });
  });

  it('is null outside a reference', () => {
    expect(openReference('plain', 5)).toBe(null);
    expect(openReference('{{a}} x', 7)).toBe(null);
    expect(openReference('{{a b', 5)).toBe(null);
    expect(openReference('{{ab', 1)).toBe(null);
  });
});

describe('suggestReferences', () => {
  it('lists everything right after {{', () => {
    const r = suggestReferences('{{', 2, refsOfReport, 100)!;
    expect(r.items).toHaveLength(refsOfReport.length);
  });

  it('puts prefix matches first, then matches inside, case-insensitively', () => {
    const r = suggestReferences('x {{ SHA', 8, refsOfReport)!;
    expect(r.from).toBe(5);
    expect(paths(r.items)).toEqual(['shape', 'shape.rows', 'shape.total']);
    expect(paths(suggestReferences('{{stat', 6, refsOfReport)!.items)).toEqual(['fetch.statusCode', 'fetch.statusText']);
  });

  it('honours the limit and says nothing outside a reference', () => {
    expect(suggestReferences('{{', 2, refsOfReport, 3)!.items).toHaveLength(3);
    expect(suggestReferences('no braces', 3, refsOfReport)).toBe(null);
  });
});

describe('applySuggestion', () => {
  it('replaces what was typed and closes the braces', () => {
    expect(applySuggestion('Hi {{ sh', 8, 6, 'shape.rows')).toEqual({ text: 'Hi {{ shape.rows}}', caret: 18 });
  });

  it('keeps existing closing braces and the rest of the text', () => {
    expect(applySuggestion('{{sh}} done', 4, 2, 'shape')).toEqual({ text: '{{shape}} done', caret: 9 });
    expect(applySuggestion('{{shxx }} done', 4, 2, 'shape')).toEqual({ text: '{{shape }} done', caret: 10 });
  });
});

describe('bare references (conditions)', () => {
  it('offers the word at the caret without braces', () => {
    expect(openBareReference('inputs.count > 0 && sha', 23)).toEqual({ from: 20, query: 'sha' });
    expect(openBareReference('x > 10', 6)).toBe(null);
    expect(openBareReference('x > ', 4)).toBe(null);
    expect(paths(suggestReferences('fetch.statusCode == 200 && sha', 30, refsOfReport, 12, true)!.items)).toEqual(['shape', 'shape.rows', 'shape.total']);
  });

  it('replaces the word and adds no braces', () => {
    expect(applySuggestion('a && sha > 1', 8, 5, 'shape.total', true)).toEqual({ text: 'a && shape.total > 1', caret: 16 });
  });
});
