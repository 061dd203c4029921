import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DataColumn } from '../../bindings/DataColumn';
import { buildFilter, buildQuery, hundredths, newFilter, nextSort, opLabel, opsFor, retarget, timeBound, type View } from './query';

const col = (name: string, kind: string, extra: Partial<DataColumn> = {}): DataColumn => ({
  name,
  column: name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
  kind,
  nullable: false,
  values: null,
  references: null,
  ...extra,
});

const COLUMNS = [
  col('id', 'uuid'),
  col('name', 'text'),
  col('status', 'enum', { values: ['ACTIVE', 'DRAFT'] }),
  col('maxMemoryMb', 'int', { nullable: true }),
  col('isPublic', 'boolean'),
  col('createdAt', 'timestamp'),
  col('config', 'json'),
  col('ratingAverage', 'decimal'),
];
const byName = (n: string) => COLUMNS.find((c) => c.name === n)!;

afterEach(() => vi.unstubAllEnvs());

describe('operators per column', () => {
  it('offers what suits the kind, and the null checks only on nullable columns', () => {
    expect(opsFor(byName('name'))).toEqual(['contains', 'eq', 'neq']);
    expect(opsFor(byName('maxMemoryMb'))).toEqual(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'isNull', 'notNull']);
    expect(opsFor(byName('isPublic'))).toEqual(['eq']);
    expect(opsFor(byName('status'))).toEqual(['eq', 'neq']);
    expect(opsFor(byName('config'))).toEqual(['contains']);
    expect(opsFor(byName('createdAt'))).toEqual(['gt', 'gte', 'lt', 'lte']);
  });

  it('reads timestamps as before/after', () => {
    expect(opLabel('gt', byName('createdAt'))).toBe('after');
    expect(opLabel('gt', byName('maxMemoryMb'))).toBe('>');
  });

  it('starts a filter with a meaningful value and keeps it valid on a column change', () => {
    expect(newFilter(byName('isPublic'))).toEqual({ column: 'isPublic', op: 'eq', value: 'true' });
    expect(newFilter(byName('status'))).toEqual({ column: 'status', op: 'eq', value: 'ACTIVE' });
    expect(retarget({ column: 'name', op: 'contains', value: 'x' }, byName('status'))).toEqual({ column: 'status', op: 'eq', value: 'ACTIVE' });
    const same = { column: 'name', op: 'eq' as const, value: 'x' };
    expect(retarget(same, byName('name'))).toBe(same);
  });
});

describe('building filters', () => {
  it('uses the column spelling and leaves the value out of null checks', () => {
    expect(buildFilter({ column: 'maxMemoryMb', op: 'isNull', value: 'ignored' }, byName('maxMemoryMb'))).toEqual({
      ok: true,
      filter: { column: 'max_memory_mb', op: 'isNull', value: null },
    });
  });

  it('refuses an empty value and a number that is not whole', () => {
    expect(buildFilter({ column: 'name', op: 'eq', value: '  ' }, byName('name'))).toEqual({ ok: false, message: 'Type a value' });
    expect(buildFilter({ column: 'maxMemoryMb', op: 'gt', value: '1.5' }, byName('maxMemoryMb')).ok).toBe(false);
    expect(buildFilter({ column: 'nope', op: 'eq', value: 'x' }, undefined).ok).toBe(false);
  });

  it('compares decimals as hundredths', () => {
    expect(hundredths('4.25')).toBe('425');
    expect(hundredths('4.5')).toBe('450');
    expect(hundredths('3')).toBe('300');
    expect(hundredths('4.255')).toBeNull();
    expect(buildFilter({ column: 'ratingAverage', op: 'gte', value: '4.5' }, byName('ratingAverage'))).toEqual({
      ok: true,
      filter: { column: 'rating_average', op: 'gte', value: '450' },
    });
  });

  it('turns a local day into the instant each operator needs', () => {
    vi.stubEnv('TZ', 'UTC');
    expect(timeBound('gte', '2026-01-05')).toBe('2026-01-05T00:00:00.000Z');
    expect(timeBound('lt', '2026-01-05')).toBe('2026-01-05T00:00:00.000Z');
    expect(timeBound('gt', '2026-01-05')).toBe('2026-01-05T23:59:59.999Z');
    expect(timeBound('lte', '2026-01-05')).toBe('2026-01-05T23:59:59.999Z');
    expect(timeBound('gt', '2026-02-30')).toBeNull();
    expect(timeBound('gt', '2026-01-05T10:00:00Z')).toBe('2026-01-05T10:00:00.000Z');
    expect(timeBound('gt', 'yesterday')).toBeNull();
  });

  it('uses the local day, not the UTC one', () => {
    vi.stubEnv('TZ', 'America/New_York');
    expect(timeBound('gte', '2026-01-05')).toBe('2026-01-05T05:00:00.000Z');
  });
});

describe('sorting and the whole query', () => {
  it('cycles a header through ascending, descending and unsorted', () => {
    const asc = nextSort(null, 'name');
    expect(asc).toEqual({ column: 'name', order: 'asc' });
    expect(nextSort(asc, 'name')).toEqual({ column: 'name', order: 'desc' });
    expect(nextSort({ column: 'name', order: 'desc' }, 'name')).toBeNull();
    expect(nextSort({ column: 'name', order: 'desc' }, 'status')).toEqual({ column: 'status', order: 'asc' });
  });

  it('puts paging, sorting, search and the complete filters in the query', () => {
    const view: View = {
      table: 'agents',
      filters: [
        { column: 'status', op: 'eq', value: 'ACTIVE' },
        { column: 'name', op: 'contains', value: '' },
      ],
      search: ' fetch ',
      includeDeleted: true,
      sort: { column: 'createdAt', order: 'desc' },
      page: 2,
      pageSize: 25,
    };
    expect(buildQuery(view, COLUMNS)).toEqual({
      table: 'agents',
      filters: [{ column: 'status', op: 'eq', value: 'ACTIVE' }],
      includeDeleted: true,
      page: 2,
      pageSize: 25,
      sortBy: 'created_at',
      sortOrder: 'desc',
      search: 'fetch',
    });
    expect(buildQuery({ ...view, sort: null, search: '' }, COLUMNS)).not.toHaveProperty('sortBy');
  });
});
