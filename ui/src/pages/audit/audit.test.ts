import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildAuditQuery, emptyFilters, extractChanges, formatValue, shortId } from './audit';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('buildAuditQuery', () => {
  it('asks for newest first and leaves empty filters out', () => {
    expect(buildAuditQuery(emptyFilters(), 1, 20)).toEqual({ page: 1, pageSize: 20, sortBy: 'createdAt', sortOrder: 'desc' });
  });

  it('passes an exact action and a prefix ending in a dot; `agent.*` means `agent.`', () => {
    expect(buildAuditQuery({ ...emptyFilters(), action: ' agent.create ' }, 1, 20).action).toBe('agent.create');
    expect(buildAuditQuery({ ...emptyFilters(), action: 'agent.' }, 1, 20).action).toBe('agent.');
    expect(buildAuditQuery({ ...emptyFilters(), action: 'Agent.*' }, 1, 20).action).toBe('agent.');
  });

  it('turns the days into the whole-day ISO range and keeps the resource type and page', () => {
    vi.stubEnv('TZ', 'UTC');
    expect(buildAuditQuery({ action: '', resourceType: 'api_key', from: '2026-01-05', to: '2026-01-06' }, 3, 50)).toEqual({
      page: 3,
      pageSize: 50,
      sortBy: 'createdAt',
      sortOrder: 'desc',
      resourceType: 'api_key',
      from: '2026-01-05T00:00:00.000Z',
      to: '2026-01-06T23:59:59.999Z',
    });
  });

  it('uses the local day, not the UTC one', () => {
    vi.stubEnv('TZ', 'America/New_York');
    const q = buildAuditQuery({ ...emptyFilters(), from: '2026-01-05', to: '2026-01-05' }, 1, 20);
    expect([q.from, q.to]).toEqual(['2026-01-05T05:00:00.000Z', '2026-01-06T04:59:59.999Z']);
  });

  it('drops a bound that is not a date', () => {
    expect(buildAuditQuery({ ...emptyFilters(), from: '2026-13-01' }, 1, 20).from).toBeUndefined();
  });
});

describe('extractChanges', () => {
  it('reads an update diff as field rows', () => {
    expect(extractChanges({ name: { before: 'Old', after: 'New' }, isActive: { before: true, after: false } })).toEqual([
      { field: 'name', before: 'Old', after: 'New' },
      { field: 'isActive', before: true, after: false },
    ]);
  });

  it('reads a create snapshot as rows with only an after', () => {
    expect(extractChanges({ after: { name: 'E2E Fetcher', tags: ['a'] } })).toEqual([
      { field: 'name', before: undefined, after: 'E2E Fetcher' },
      { field: 'tags', before: undefined, after: ['a'] },
    ]);
  });

  it('gives null for other shapes, to be shown as JSON', () => {
    expect(extractChanges({ restoredFrom: '/tmp/x.sqlite' })).toBeNull();
    expect(extractChanges({ name: { before: 'a', after: 'b' }, count: 3 })).toBeNull();
    expect(extractChanges({})).toBeNull();
    expect(extractChanges(null)).toBeNull();
    expect(extractChanges([1, 2])).toBeNull();
  });
});

describe('formatValue and shortId', () => {
  it('shows strings plainly, other JSON compactly and no value as a dash', () => {
    expect(formatValue('x')).toBe('x');
    expect(formatValue({ a: [1, null] })).toBe('{"a":[1,null]}');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('—');
  });

  it('shortens a UUID to its last eight characters', () => {
    expect(shortId('0190f5a2-1234-7000-8000-00000000abcd')).toBe('…0000abcd');
    expect(shortId('short')).toBe('short');
    expect(shortId(null)).toBe('—');
  });
});
