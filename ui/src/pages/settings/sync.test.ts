import { describe, expect, it } from 'vitest';
import type { SyncConflict } from '../../bindings/SyncConflict';
import type { SyncOutcome } from '../../bindings/SyncOutcome';
import type { SyncStatus } from '../../bindings/SyncStatus';
import { conflictLoser, conflictTitle, lastSyncAt, outcomeSummary, pendingText, progressFraction, progressText, syncForm, syncFormDirty, syncInput } from './sync';

const status = (over: Partial<SyncStatus> = {}): SyncStatus => ({
  target: null,
  lastPushAt: null,
  lastPullAt: null,
  lastReconcileAt: null,
  pending: {},
  pendingTotal: 0,
  conflicts: 0,
  ...over,
});

const outcome = (over: Partial<SyncOutcome> = {}): SyncOutcome => ({
  schema: 'public',
  warnings: [],
  pulled: { rows: {}, unchanged: 0, conflicts: 0, adopted: 0, removed: 0, reconciled: false },
  pushed: { rows: {}, deleted: 0, conflicts: 0, adopted: 0, skipped: 0 },
  pending: 0,
  conflicts: 0,
  seconds: 0.4123,
  ...over,
});

describe('the connection form', () => {
  it('starts from the saved connection, with no password', () => {
    expect(syncForm(null)).toEqual({ url: '', password: '', schema: '', everyMinutes: '' });
    expect(syncForm({ url: 'postgresql://u@h/db', schema: 'backend', everyMinutes: 15 })).toEqual({ url: 'postgresql://u@h/db', password: '', schema: 'backend', everyMinutes: '15' });
    // A schema the form cannot show is detected instead of silently kept.
    expect(syncForm({ url: 'x', schema: 'other', everyMinutes: null }).schema).toBe('');
  });

  it('sends only what is set: a blank password keeps the saved one', () => {
    expect(syncInput({ url: ' postgresql://u@h/db ', password: '', schema: '', everyMinutes: '' })).toEqual({ url: 'postgresql://u@h/db' });
    expect(syncInput({ url: 'postgresql://u@h/db', password: 'pw', schema: 'public', everyMinutes: '30' }, true)).toEqual({
      url: 'postgresql://u@h/db',
      password: 'pw',
      forgetPassword: true,
      schema: 'public',
      everyMinutes: 30,
    });
  });

  it('is dirty when anything differs from what is saved, a typed password included', () => {
    const saved = { url: 'postgresql://u@h/db', schema: null, everyMinutes: null };
    expect(syncFormDirty(syncForm(saved), saved)).toBe(false);
    expect(syncFormDirty({ ...syncForm(saved), url: 'postgresql://u@h/db  ' }, saved)).toBe(false);
    expect(syncFormDirty({ ...syncForm(saved), password: 'x' }, saved)).toBe(true);
    expect(syncFormDirty({ ...syncForm(saved), everyMinutes: '5' }, saved)).toBe(true);
    expect(syncFormDirty(syncForm(null), null)).toBe(false);
  });
});

describe('progress', () => {
  it('says what is moving, with thousands separated', () => {
    expect(progressText({ phase: 'push', table: 'execution_logs', rows: 1200, total: 5000 })).toBe('Pushing execution logs: 1,200 of 5,000 rows');
    expect(progressText({ phase: 'pull', table: 'agents', rows: 1, total: null })).toBe('Pulling agents: 1 row');
    expect(progressText({ phase: 'reconcile', table: 'workflows', rows: 30, total: null })).toBe('Checking deletions in workflows: 30 rows');
  });

  it('fills the bar only when the total is known', () => {
    expect(progressFraction({ phase: 'push', table: 'agents', rows: 50, total: 200 })).toBe(0.25);
    expect(progressFraction({ phase: 'push', table: 'agents', rows: 300, total: 200 })).toBe(1);
    expect(progressFraction({ phase: 'pull', table: 'agents', rows: 5, total: null })).toBeNull();
    expect(progressFraction({ phase: 'pull', table: 'agents', rows: 0, total: 0 })).toBeNull();
  });
});

describe('what a sync did', () => {
  it('counts rows per table both ways', () => {
    const o = outcome({
      pulled: { rows: { agents: 2 }, unchanged: 4, conflicts: 0, adopted: 0, removed: 0, reconciled: false },
      pushed: { rows: { agents: 10, workflows: 2, execution_logs: 0 }, deleted: 1, conflicts: 0, adopted: 0, skipped: 0 },
    });
    expect(outcomeSummary(o)).toBe('Pulled 2 rows (agents 2), pushed 12 rows (agents 10, workflows 2) and sent 1 deletion in 0.41 s.');
  });

  it('says when nothing moved, and points at conflicts', () => {
    expect(outcomeSummary(outcome({ seconds: 12.34 }))).toBe('Already in step: nothing to send or fetch (checked in 12.3 s).');
    expect(outcomeSummary(outcome({ pulled: null, pushed: null }))).toBe('Already in step: nothing to send or fetch (checked in 0.41 s).');
    const o = outcome({ pushed: { rows: { agents: 1 }, deleted: 0, conflicts: 1, adopted: 0, skipped: 0 } });
    expect(outcomeSummary(o)).toContain('1 conflict found: see below.');
  });

  it('takes the later of the stored stamps and this run’s successful end', () => {
    expect(lastSyncAt(status(), null)).toBeNull();
    const s = status({ lastPushAt: '2026-11-25T10:00:00.000Z', lastPullAt: '2026-11-25T10:00:01.000Z' });
    expect(lastSyncAt(s, null)).toBe('2026-11-25T10:00:01.000Z');
    const ok = { finishedAt: '2026-11-25T11:00:00.000Z', background: true, outcome: outcome(), error: null };
    expect(lastSyncAt(s, ok)).toBe('2026-11-25T11:00:00.000Z');
    // A failed attempt is not a sync.
    expect(lastSyncAt(s, { ...ok, outcome: null, error: { code: 'BAD_REQUEST', message: 'offline' } })).toBe('2026-11-25T10:00:01.000Z');
  });

  it('lists what is waiting', () => {
    expect(pendingText(status())).toBe('Nothing waiting; everything here is on the far side.');
    expect(pendingText(status({ pending: { agents: 3, workflow_steps: 1 }, pendingTotal: 4 }))).toBe('4 changes waiting (agents 3, workflow steps 1).');
  });
});

describe('conflicts', () => {
  const conflict = (over: Partial<SyncConflict>): SyncConflict => ({
    id: 1,
    table: 'agents',
    rowId: '0190a1b2-0000-7000-8000-00000000abcd',
    loser: 'local',
    loserRow: { name: 'Support bot' },
    localUpdatedAt: null,
    farUpdatedAt: null,
    detectedAt: '2026-11-25T10:00:00.000Z',
    detectedBy: 'pull',
    restoredAt: null,
    ...over,
  });

  it('names the row by what people call it', () => {
    expect(conflictTitle(conflict({}))).toBe('agent “Support bot”');
    expect(conflictTitle(conflict({ table: 'workflow_steps', loserRow: { step_key: 'fetch' } }))).toBe('workflow step “fetch”');
    expect(conflictTitle(conflict({ table: 'executions', loserRow: { status: 'FAILED' } }))).toBe('execution 0000abcd');
  });

  it('says which side lost', () => {
    expect(conflictLoser(conflict({}))).toMatch(/^Your version here lost/);
    expect(conflictLoser(conflict({ loser: 'far' }))).toMatch(/^The far side’s version lost/);
  });
});
