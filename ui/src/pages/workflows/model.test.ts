import { describe, expect, it } from 'vitest';
import { definitionOf, docFromWorkflow, otherConfigKeys, readStepConfig } from './model';
import { stored, workflow } from './fixtures';

describe('step config', () => {
  it('reads the keys the engine reads, with their older spellings', () => {
    expect(readStepConfig({ condition: 'a.x > 1', when: 'false' })).toEqual({ condition: 'a.x > 1', when: false });
    expect(readStepConfig({ items: '{{a.rows}}', concurrency: 3 })).toEqual({ items: '{{a.rows}}', concurrency: 3 });
    expect(readStepConfig({ durationMs: 250 })).toEqual({ waitMs: 250 });
    expect(readStepConfig({ waitMs: 5, durationMs: 250 })).toEqual({ waitMs: 5 });
    // A value of a type the engine does not accept reads as absent (the service refuses it on save).
    expect(readStepConfig({ condition: 5, items: 3, concurrency: '2', when: 1 })).toEqual({});
  });

  it('names the keys it does not edit', () => {
    expect(otherConfigKeys({ condition: 'x', waitMs: 1, retryPolicy: {}, durationMs: 3 })).toEqual(['retryPolicy', 'durationMs']);
  });
});

describe('definition', () => {
  it('reads declarations and positions, and writes back the keys it does not name', () => {
    const w = workflow([stored('a', 0, [])], {
      version: 2,
      inputs: { url: { type: 'string', required: true, description: 'where' } },
      outputs: { total: { type: 'number', value: '{{a.n}}' } },
      layout: { a: { x: 10, y: 20 }, gone: { x: 1, y: 1 } },
      timeoutMs: 5000,
    });
    const doc = docFromWorkflow(w, (i) => `s${i}`);
    expect(doc.positions).toEqual({ s0: { x: 10, y: 20 } });
    expect(doc.settings.inputs).toEqual([{ name: 'url', type: 'string', required: true, defaultText: '', extra: { description: 'where' } }]);
    const { value, problems } = definitionOf(doc);
    expect(problems).toEqual([]);
    expect(value).toEqual({
      version: 2,
      timeoutMs: 5000,
      inputs: { url: { description: 'where', type: 'string', required: true } },
      outputs: { total: { value: '{{a.n}}', type: 'number' } },
      layout: { a: { x: 10, y: 20 } },
    });
  });
});
