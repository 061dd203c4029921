import { describe, expect, it } from 'vitest';
import type { DataColumn } from '../../bindings/DataColumn';
import { buildPatch, draftOf, errorsByField, parseDraft, sameJson } from './edit';

const col = (name: string, kind: string, nullable = false): DataColumn => ({ name, column: name, kind, nullable, values: null, references: null });

const name = col('name', 'text');
const description = col('description', 'text', true);
const memory = col('maxMemoryMb', 'int', true);
const config = col('config', 'json');
const tags = col('tags', 'list', true);
const isPublic = col('isPublic', 'boolean');
const agentId = col('agentId', 'uuid', true);

describe('drafts', () => {
  it('start from the value in the form each control needs', () => {
    expect(draftOf(isPublic, true)).toBe(true);
    expect(draftOf(tags, null)).toEqual([]);
    expect(draftOf(tags, ['a'])).toEqual(['a']);
    expect(draftOf(config, { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(draftOf(memory, 512)).toBe('512');
    expect(draftOf(description, null)).toBe('');
  });

  it('read back into values, empty meaning null where the column allows it', () => {
    expect(parseDraft(description, '  ')).toEqual({ ok: true, value: null });
    expect(parseDraft(name, '')).toEqual({ ok: true, value: '' });
    expect(parseDraft(memory, ' 256 ')).toEqual({ ok: true, value: 256 });
    expect(parseDraft(memory, '')).toEqual({ ok: true, value: null });
    expect(parseDraft(memory, '2.5')).toEqual({ ok: false, message: 'Type a whole number' });
    expect(parseDraft(agentId, '')).toEqual({ ok: true, value: null });
    expect(parseDraft(config, '{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
    const bad = parseDraft(config, '{a:1}');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message.startsWith('Not valid JSON')).toBe(true);
    expect(parseDraft(config, '')).toEqual({ ok: false, message: 'Type JSON, e.g. {}' });
  });
});

describe('the patch', () => {
  const row = { name: 'Fetcher', description: null, maxMemoryMb: 512, config: { a: 1, b: [2] }, tags: ['x'], isPublic: false, agentId: null };
  const columns = [name, description, memory, config, tags, isPublic, agentId];
  const drafts = () => Object.fromEntries(columns.map((c) => [c.name, draftOf(c, row[c.name as keyof typeof row])]));

  it('is empty when nothing changed, whatever the JSON key order', () => {
    expect(buildPatch(columns, row, { ...drafts(), config: '{"b":[2],"a":1}' })).toEqual({ patch: {}, errors: {} });
  });

  it('holds only the changed columns with their typed values', () => {
    const d = { ...drafts(), name: 'Renamed', maxMemoryMb: '1024', tags: ['x', 'y'], isPublic: true, description: 'Now described' };
    expect(buildPatch(columns, row, d)).toEqual({
      patch: { name: 'Renamed', maxMemoryMb: 1024, tags: ['x', 'y'], isPublic: true, description: 'Now described' },
      errors: {},
    });
  });

  it('reports drafts that are not values by column', () => {
    const { patch, errors } = buildPatch(columns, row, { ...drafts(), maxMemoryMb: 'lots', name: 'Ok' });
    expect(patch).toEqual({ name: 'Ok' });
    expect(errors).toEqual({ maxMemoryMb: 'Type a whole number' });
  });

  it('compares JSON structurally', () => {
    expect(sameJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson(null, undefined)).toBe(true);
    expect(sameJson('1', 1)).toBe(false);
  });

  it('groups backend field errors by column', () => {
    expect(errorsByField([
      { field: 'name', message: 'name is required' },
      { field: 'name', message: 'again' },
    ])).toEqual({ name: 'name is required; again' });
    expect(errorsByField(undefined)).toEqual({});
  });
});
