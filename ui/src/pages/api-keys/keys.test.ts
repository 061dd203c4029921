import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildKeyInput, displayPrefix, emptyKeyForm, endOfDayIso, keyStatus, mapKeyFieldErrors, startOfDayIso } from './keys';

// Dates are read as local days; fix the zone so the expected ISO text is exact.
beforeAll(() => {
  vi.stubEnv('TZ', 'UTC');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('displayPrefix', () => {
  it('shows the stored prefix with an ellipsis, once', () => {
    expect(displayPrefix('tc_AbCdEfGhI')).toBe('tc_AbCdEfGhI…');
    expect(displayPrefix('tc_AbCdEfGhI…')).toBe('tc_AbCdEfGhI…');
  });
});

describe('keyStatus', () => {
  const now = new Date('2026-06-01T00:00:00.000Z');
  it('is Revoked for an inactive key, even an expired one', () => {
    expect(keyStatus({ isActive: false, expiresAt: '2020-01-01T00:00:00.000Z' }, now)).toBe('Revoked');
  });
  it('is Expired once the expiry has passed, Active before', () => {
    expect(keyStatus({ isActive: true, expiresAt: '2026-05-31T23:59:59.999Z' }, now)).toBe('Expired');
    expect(keyStatus({ isActive: true, expiresAt: '2026-06-01T00:00:00.001Z' }, now)).toBe('Active');
    expect(keyStatus({ isActive: true, expiresAt: null }, now)).toBe('Active');
  });
});

describe('day bounds', () => {
  it('turns a date into the start and end of that day', () => {
    expect(startOfDayIso('2027-01-01')).toBe('2027-01-01T00:00:00.000Z');
    expect(endOfDayIso('2027-01-01')).toBe('2027-01-01T23:59:59.999Z');
  });
  it('rejects what is not a real date', () => {
    expect(startOfDayIso('2027-02-30')).toBeNull();
    expect(startOfDayIso('soon')).toBeNull();
    expect(endOfDayIso('')).toBeNull();
  });
});

describe('buildKeyInput', () => {
  it('sends only the name when nothing else is filled in', () => {
    expect(buildKeyInput({ ...emptyKeyForm(), name: '  CI  ' })).toEqual({ ok: true, input: { name: 'CI' } });
  });
  it('sends scopes, the expiry as ISO text and the rate limit as a number', () => {
    const form = { name: 'Deploy bot', scopes: ['agents:read', 'workflows'], expiresOn: '2027-01-01', rateLimit: '120' };
    expect(buildKeyInput(form)).toEqual({
      ok: true,
      input: { name: 'Deploy bot', scopes: ['agents:read', 'workflows'], expiresAt: '2027-01-01T00:00:00.000Z', rateLimitPerMinute: 120 },
    });
  });
  it('reports a missing name and a bad rate limit next to their fields', () => {
    expect(buildKeyInput({ ...emptyKeyForm(), rateLimit: '1.5' })).toEqual({
      ok: false,
      errors: { name: 'Name is required', rateLimitPerMinute: 'Must be a whole number from 1 to 100000' },
    });
    expect(buildKeyInput({ ...emptyKeyForm(), name: 'x', rateLimit: '0' }).ok).toBe(false);
  });
});

describe('mapKeyFieldErrors', () => {
  it('puts backend errors next to their fields and unknown ones on the form', () => {
    expect(
      mapKeyFieldErrors([
        { field: 'scopes', message: 'Invalid scope "a b"' },
        { field: 'scopes[1]', message: 'too long' },
        { field: 'expiresAt', message: 'expiresAt must be in the future' },
        { field: 'userId', message: 'unknown' },
      ]),
    ).toEqual({
      scopes: 'Invalid scope "a b"; too long',
      expiresAt: 'expiresAt must be in the future',
      _form: 'userId: unknown',
    });
  });
});
