import { describe, expect, it } from 'vitest';
import { canRerunFromFailed, rerunOf } from './rerun';

describe('canRerunFromFailed', () => {
  it('is for runs that finished without completing', () => {
    expect(canRerunFromFailed('FAILED')).toBe(true);
    expect(canRerunFromFailed('TIMEOUT')).toBe(true);
    expect(canRerunFromFailed('CANCELLED')).toBe(true);
    expect(canRerunFromFailed('COMPLETED')).toBe(false);
    expect(canRerunFromFailed('RUNNING')).toBe(false);
  });
});

describe('rerunOf', () => {
  it('reads the original from the trigger data', () => {
    expect(rerunOf({ rerunOf: 'abc', fromFailedStep: true })).toEqual({ id: 'abc', fromFailedStep: true });
    expect(rerunOf({ rerunOf: 'abc', fromFailedStep: false })).toEqual({ id: 'abc', fromFailedStep: false });
    expect(rerunOf({ rerunOf: 'abc' })).toEqual({ id: 'abc', fromFailedStep: false });
  });
  it('is null for other runs', () => {
    expect(rerunOf({})).toBeNull();
    expect(rerunOf(null)).toBeNull();
    expect(rerunOf([])).toBeNull();
    expect(rerunOf({ rerunOf: 3 })).toBeNull();
  });
});
