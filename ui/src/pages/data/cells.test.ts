import { describe, expect, it } from 'vitest';
import type { DataColumn } from '../../bindings/DataColumn';
import { cellView, compactJson, isDeleted, rowTitle, tableLabel, truncate } from './cells';

const col = (name: string, kind: string, extra: Partial<DataColumn> = {}): DataColumn => ({
  name,
  column: name,
  kind,
  nullable: true,
  values: null,
  references: null,
  ...extra,
});

const ID = '00000000-0000-4000-8000-000000001001';

describe('cell views', () => {
  it('mutes nulls whatever the kind', () => {
    expect(cellView(col('x', 'text'), null, 'agents')).toEqual({ kind: 'null' });
    expect(cellView(col('x', 'json'), undefined, 'agents')).toEqual({ kind: 'null' });
  });

  it('shows booleans, numbers and enums as they are', () => {
    expect(cellView(col('isPublic', 'boolean'), false, 'agents')).toEqual({ kind: 'bool', value: false });
    expect(cellView(col('version', 'int'), 3, 'agents')).toEqual({ kind: 'number', text: '3' });
    expect(cellView(col('ratingAverage', 'decimal'), '4.25', 'templates')).toEqual({ kind: 'number', text: '4.25' });
    expect(cellView(col('status', 'enum'), 'ACTIVE', 'agents')).toEqual({ kind: 'enum', text: 'ACTIVE' });
  });

  it('formats timestamps and keeps the stored text', () => {
    const v = cellView(col('createdAt', 'timestamp'), '2026-01-05T10:00:00.000Z', 'agents');
    expect(v.kind).toBe('time');
    if (v.kind === 'time') {
      expect(v.iso).toBe('2026-01-05T10:00:00.000Z');
      expect(v.text).toMatch(/2026/);
      expect(v.text).not.toContain('T10');
    }
  });

  it('links ids to their row: a foreign key to its table, the id column to its own', () => {
    expect(cellView(col('userId', 'uuid', { references: 'users' }), ID, 'agents')).toEqual({ kind: 'id', id: ID, short: '…00001001', table: 'users' });
    expect(cellView(col('id', 'uuid'), ID, 'agents')).toMatchObject({ table: 'agents' });
    expect(cellView(col('resourceId', 'uuid'), ID, 'audit_logs')).toMatchObject({ table: null });
  });

  it('shows JSON compactly, with the pretty form for expanding long or nested values', () => {
    const small = cellView(col('tags', 'list'), ['a', 'b'], 'agents');
    expect(small).toEqual({ kind: 'json', compact: '["a","b"]', pretty: '[\n  "a",\n  "b"\n]', long: false });
    const nested = cellView(col('config', 'json'), { a: { b: 1 } }, 'agents');
    expect(nested).toMatchObject({ kind: 'json', compact: '{"a":{"b":1}}', long: true });
    const big = cellView(col('config', 'json'), { text: 'x'.repeat(100) }, 'agents');
    expect(big.kind === 'json' && big.compact.length).toBe(48);
    expect(big.kind === 'json' && big.compact.endsWith('…')).toBe(true);
  });

  it('cuts long text to one line and keeps the whole for a tooltip', () => {
    const text = `line one\nline two ${'y'.repeat(80)}`;
    const v = cellView(col('description', 'text'), text, 'agents');
    expect(v).toMatchObject({ kind: 'text', full: text });
    expect(v.kind === 'text' && v.text.startsWith('line one line two')).toBe(true);
    expect(v.kind === 'text' && v.text.length).toBe(48);
  });
});

describe('helpers', () => {
  it('truncates with an ellipsis only when needed', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(compactJson({ a: 1 })).toBe('{"a":1}');
  });

  it('names a row by its most telling field, else its short id', () => {
    expect(rowTitle({ id: ID, name: 'Web Scraper', email: 'x@y.z' })).toBe('Web Scraper');
    expect(rowTitle({ id: ID, stepName: 'Fetch', stepKey: 'fetch' })).toBe('Fetch');
    expect(rowTitle({ id: ID, email: 'admin@turbocat.dev' })).toBe('admin@turbocat.dev');
    expect(rowTitle({ id: ID, action: 'agent.update' })).toBe('agent.update');
    expect(rowTitle({ id: ID, name: '  ' })).toBe('…00001001');
  });

  it('tells soft-deleted rows and names tables for people', () => {
    expect(isDeleted({ deletedAt: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(isDeleted({ deletedAt: null })).toBe(false);
    expect(tableLabel('workflow_steps')).toBe('Workflow steps');
  });
});
