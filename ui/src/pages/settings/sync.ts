// The sync section's wording and form logic: the connection form and what it sends, the
// progress line and bar, what a finished sync did, the last sync, pending changes and
// conflicts in words. Pure (sync.test.ts).
import type { LastSync } from '../../bindings/LastSync';
import type { SavedConnection } from '../../bindings/SavedConnection';
import type { SyncConflict } from '../../bindings/SyncConflict';
import type { SyncConnectionInput } from '../../bindings/SyncConnectionInput';
import type { SyncOutcome } from '../../bindings/SyncOutcome';
import type { SyncProgress } from '../../bindings/SyncProgress';
import type { SyncStatus } from '../../bindings/SyncStatus';
import { count } from '../../lib/format';
import { listWords } from './settings';

export interface SyncForm {
  url: string;
  /** A new password; empty keeps the saved one. */
  password: string;
  /** '' detects it. */
  schema: '' | 'public' | 'backend';
  /** '' syncs only on demand. */
  everyMinutes: string;
}

export const SYNC_INTERVALS: { value: string; label: string }[] = [
  { value: '', label: 'Only when I click Sync now' },
  { value: '5', label: 'Every 5 minutes' },
  { value: '15', label: 'Every 15 minutes' },
  { value: '30', label: 'Every 30 minutes' },
  { value: '60', label: 'Every hour' },
];

export function syncForm(saved: SavedConnection | null): SyncForm {
  const schema = saved?.schema === 'public' || saved?.schema === 'backend' ? saved.schema : '';
  return { url: saved?.url ?? '', password: '', schema, everyMinutes: saved?.everyMinutes ? String(saved.everyMinutes) : '' };
}

export function syncInput(form: SyncForm, forgetPassword = false): SyncConnectionInput {
  const input: SyncConnectionInput = { url: form.url.trim() };
  if (form.password !== '') input.password = form.password;
  if (forgetPassword) input.forgetPassword = true;
  if (form.schema !== '') input.schema = form.schema;
  if (form.everyMinutes !== '') input.everyMinutes = Number(form.everyMinutes);
  return input;
}

/** Whether the form differs from what is saved (a typed password counts as a change). */
export function syncFormDirty(form: SyncForm, saved: SavedConnection | null): boolean {
  const base = syncForm(saved);
  return form.url.trim() !== base.url || form.password !== '' || form.schema !== base.schema || form.everyMinutes !== base.everyMinutes;
}

const PHASE_WORDS: Record<SyncProgress['phase'], string> = { pull: 'Pulling', push: 'Pushing', reconcile: 'Checking deletions in' };

/** "Pushing agents: 1,200 of 5,000 rows". */
export function progressText(p: SyncProgress): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = p.total !== null ? `${n(p.rows)} of ${n(p.total)} rows` : `${n(p.rows)} ${p.rows === 1 ? 'row' : 'rows'}`;
  return `${PHASE_WORDS[p.phase]} ${p.table.replace(/_/g, ' ')}: ${rows}`;
}

/** The bar's fill, 0..1; null when the total is unknown (an indeterminate bar). */
export function progressFraction(p: SyncProgress): number | null {
  if (p.total === null || p.total <= 0) return null;
  return Math.min(1, p.rows / p.total);
}

const sum = (rows: Record<string, number | undefined>) => Object.values(rows).reduce<number>((a, b) => a + (b ?? 0), 0);

function perTable(rows: Record<string, number | undefined>): string {
  const parts = Object.entries(rows)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([t, n]) => `${t.replace(/_/g, ' ')} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** "Pulled 2 rows (agents 2) and pushed 12 rows (agents 10, workflows 2) in 0.41 s." */
export function outcomeSummary(o: SyncOutcome): string {
  const parts: string[] = [];
  const pulled = o.pulled ? sum(o.pulled.rows) : 0;
  const pushed = o.pushed ? sum(o.pushed.rows) : 0;
  if (o.pulled && pulled > 0) parts.push(`pulled ${count(pulled, 'row')}${perTable(o.pulled.rows)}`);
  if (o.pushed && pushed > 0) parts.push(`pushed ${count(pushed, 'row')}${perTable(o.pushed.rows)}`);
  if (o.pushed && o.pushed.deleted > 0) parts.push(`sent ${count(o.pushed.deleted, 'deletion')}`);
  if (o.pulled && o.pulled.removed > 0) parts.push(`removed ${count(o.pulled.removed, 'row')} deleted on the far side`);
  const seconds = `${o.seconds < 10 ? o.seconds.toFixed(2) : o.seconds.toFixed(1)} s`;
  const done = listWords(parts);
  const text = parts.length > 0 ? `${done.charAt(0).toUpperCase()}${done.slice(1)} in ${seconds}.` : `Already in step: nothing to send or fetch (checked in ${seconds}).`;
  const found = (o.pulled?.conflicts ?? 0) + (o.pushed?.conflicts ?? 0);
  return found > 0 ? `${text} ${count(found, 'conflict')} found: see below.` : text;
}

/** When the last sync happened: this run's, else the latest of the stored push and pull. */
export function lastSyncAt(status: SyncStatus, last: LastSync | null): string | null {
  const stored = [status.lastPushAt, status.lastPullAt].filter((s): s is string => s !== null).sort();
  const latest = stored[stored.length - 1] ?? null;
  if (last && last.error === null && (latest === null || last.finishedAt > latest)) return last.finishedAt;
  return latest;
}

/** "12 changes (agents 10, workflows 2)" or "Nothing waiting". */
export function pendingText(status: SyncStatus): string {
  if (status.pendingTotal === 0) return 'Nothing waiting; everything here is on the far side.';
  return `${count(status.pendingTotal, 'change')} waiting${perTable(status.pending)}.`;
}

/** What a conflict is about, for a list: its table, the row's name when it has one, which version lost. */
export function conflictTitle(c: SyncConflict): string {
  const row = (c.loserRow ?? {}) as Record<string, unknown>;
  const name = ['name', 'title', 'email', 'step_key', 'key_prefix'].map((k) => row[k]).find((v): v is string => typeof v === 'string' && v !== '');
  const what = c.table.replace(/_/g, ' ').replace(/s$/, '');
  return name ? `${what} “${name}”` : `${what} ${c.rowId.slice(-8)}`;
}

export function conflictLoser(c: SyncConflict): string {
  return c.loser === 'local'
    ? 'Your version here lost to a later edit on the far side.'
    : 'The far side’s version lost to a later edit here; it was kept before being overwritten.';
}
