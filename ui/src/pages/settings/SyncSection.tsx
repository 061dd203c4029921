// The Settings page's sync section: the far connection (password to the OS keychain), test it
// (the compatibility report), create the tables in an empty far database, sync now with its
// progress, the last sync, pending changes, conflicts with restore, and the background
// interval. Wording and form logic in sync.ts.
import { useEffect, useState } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { LastSync } from '../../bindings/LastSync';
import type { SyncConflict } from '../../bindings/SyncConflict';
import type { SyncProgress } from '../../bindings/SyncProgress';
import type { SyncSettings } from '../../bindings/SyncSettings';
import type { SyncTest } from '../../bindings/SyncTest';
import { Field } from '../../components/Field';
import { ErrorState, LoadingState } from '../../components/States';
import { formatDateTime, formatFull } from '../../lib/format';
import { useLoad } from '../../lib/hooks';
import { Section } from './Sections';
import {
  conflictLoser,
  conflictTitle,
  lastSyncAt,
  outcomeSummary,
  pendingText,
  progressFraction,
  progressText,
  SYNC_INTERVALS,
  syncForm,
  syncFormDirty,
  syncInput,
  type SyncForm,
} from './sync';

/** A moment with its time of day (a sync's "when" is about minutes, not days). */
function At({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatFull(at)}>
      {formatDateTime(at)}
    </time>
  );
}

function TestReport({ test, canInit, busy, onInit }: { test: SyncTest; canInit: boolean; busy: boolean; onInit: () => void }) {
  const { report } = test;
  return (
    <div className={report.compatible ? 'settings-outcome settings-ok' : 'settings-outcome sync-report-bad'} role="status" aria-label="Compatibility report">
      <p>
        {report.compatible
          ? `Connected. Schema “${report.schema}” is compatible with Turbocat sync.`
          : test.empty
            ? `Connected. Schema “${report.schema}” has none of the Turbocat tables yet.`
            : `Connected, but schema “${report.schema}” does not fit Turbocat sync: ${report.problems.length} problem(s) to fix on the far side first. Nothing was written.`}
      </p>
      <p className="muted">
        {test.target} · {test.tls === 'verify' ? 'TLS, certificate verified' : 'unencrypted (this machine only)'} · {test.pooler === 'transaction' ? 'transaction pooler' : 'session connection'}
        {test.stripped.length > 0 && ` · ignored URL parameters: ${test.stripped.join(', ')}`}
      </p>
      {test.empty ? (
        <div className="settings-actions">
          <button type="button" disabled={!canInit || busy} onClick={onInit} title={canInit ? undefined : 'Save the connection first'}>
            {busy ? 'Creating…' : 'Create the tables'}
          </button>
          <span className="muted">{canInit ? 'Creates the ten tables as the hosted project has them, in one transaction.' : 'Save the connection first.'}</span>
        </div>
      ) : (
        <>
          {report.problems.length > 0 && (
            <ul className="sync-findings" aria-label="Problems">
              {report.problems.map((f, i) => (
                <li key={i}>{f.message}</li>
              ))}
            </ul>
          )}
          {report.warnings.length > 0 && (
            <details className="sync-warnings">
              <summary>{report.warnings.length} note(s) that do not stop a sync</summary>
              <ul className="sync-findings">
                {report.warnings.map((f, i) => (
                  <li key={i}>{f.message}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  );
}

function ProgressView({ progress }: { progress: SyncProgress | null }) {
  const fraction = progress ? progressFraction(progress) : null;
  return (
    <div className="sync-progress" role="status" aria-label="Sync progress">
      <progress max={1} value={fraction ?? undefined} />
      <span className="muted">{progress ? progressText(progress) : 'Connecting and checking the far schema…'}</span>
    </div>
  );
}

function Conflicts({ conflicts, onRestored }: { conflicts: SyncConflict[]; onRestored: () => void }) {
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const restore = async (id: number) => {
    setBusy(id);
    setError(null);
    try {
      await backend.syncRestore(id);
      onRestored();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(null);
    }
  };
  if (conflicts.length === 0) return <p className="muted">No conflicts: no edit has lost to another.</p>;
  return (
    <>
      {error && <ErrorState error={error} onDismiss={() => setError(null)} />}
      <ul className="sync-conflicts" aria-label="Conflicts">
        {conflicts.map((c) => (
          <li key={c.id}>
            <div>
              <strong>{conflictTitle(c)}</strong>
              <span className="muted settings-help">
                {conflictLoser(c)} Found by the {c.detectedBy} on{' '}
                <At at={c.detectedAt} />.
              </span>
            </div>
            <button type="button" className="secondary" disabled={busy !== null} onClick={() => void restore(c.id)}>
              {busy === c.id ? 'Restoring…' : 'Restore this version'}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

export function SyncSection() {
  const loaded = useLoad(() => backend.syncSettingsGet(), []);
  const conflicts = useLoad(() => backend.syncConflicts(false), []);
  const [override, setOverride] = useState<SyncSettings | undefined>(undefined);
  const settings = override ?? loaded.shown;
  const saved = settings?.connection ?? null;
  const [form, setForm] = useState<SyncForm>(() => syncForm(null));
  const [busy, setBusy] = useState<'save' | 'test' | 'init' | 'sync' | 'disconnect' | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [test, setTest] = useState<SyncTest | null>(null);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [last, setLast] = useState<LastSync | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => setOverride(undefined), [loaded.shown]);
  // The stored connection changed (saved here, or first load): the form starts from it.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- only a change of the stored values resets it.
  useEffect(() => setForm(syncForm(saved)), [saved?.url, saved?.schema, saved?.everyMinutes]);
  useEffect(() => backend.onSyncProgress(setProgress), []);
  useEffect(
    () =>
      backend.onSyncFinished((l) => {
        setLast(l);
        setProgress(null);
      }),
    [],
  );

  const dirty = syncFormDirty(form, saved);
  const running = busy === 'sync' || (settings?.running ?? false);
  const lastRun = last ?? settings?.last ?? null;
  const fieldError = (f: string) => error?.fields?.find((x) => x.field === f)?.message;

  const act = async (name: NonNullable<typeof busy>, work: () => Promise<void>) => {
    setBusy(name);
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(null);
    }
  };
  const save = () =>
    act('save', async () => {
      const next = await backend.syncSettingsSave(syncInput(form));
      setOverride(next);
      setForm(syncForm(next.connection));
      setNotice(next.password === 'keychain' ? 'Saved. The password is in the OS keychain.' : 'Saved.');
    });
  const runTest = () =>
    act('test', async () => {
      setTest(null);
      setTest(await backend.syncTest(syncInput(form)));
    });
  const init = () =>
    act('init', async () => {
      setTest(await backend.syncInit());
      setNotice('The Turbocat tables were created. Sync now sends everything here.');
    });
  const syncNow = () =>
    act('sync', async () => {
      setProgress(null);
      await backend.syncNow();
      loaded.reload();
      conflicts.reload();
    });
  const disconnect = () =>
    act('disconnect', async () => {
      const next = await backend.syncDisconnect();
      setOverride(next);
      setForm(syncForm(null));
      setTest(null);
      setNotice('Disconnected. The connection and its password are forgotten; your data stays.');
    });

  if (!settings) {
    return (
      <Section id="sync" title="Sync with a hosted project">
        {loaded.state.kind === 'error' ? <ErrorState error={loaded.state.error} onRetry={loaded.reload} /> : <LoadingState what="the sync settings" />}
      </Section>
    );
  }
  const status = settings.status;
  const lastAt = lastSyncAt(status, lastRun);

  return (
    <Section
      id="sync"
      title="Sync with a hosted project"
      intro="Optional. Keeps this database in step with your hosted Turbocat project’s Postgres (Supabase): your agents, workflows, runs and keys go both ways, the later edit wins, and an edit that loses is kept below so you can restore it."
    >
      <form
        className="settings-form"
        aria-label="Far database connection"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="grid">
          <Field label="Connection URL" error={fieldError('url')} wide>
            <input
              className="input"
              name="sync-url"
              value={form.url}
              onChange={(e) => setForm({ ...form, url: e.target.value })}
              placeholder="postgresql://postgres.yourproject@aws-0-eu-west-1.pooler.supabase.com:5432/postgres"
              spellCheck={false}
              autoComplete="off"
            />
          </Field>
          <Field label="Password">
            <input
              className="input"
              type="password"
              name="sync-password"
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
              placeholder={settings.password === 'keychain' ? 'Saved in the OS keychain' : settings.password === 'memory' ? 'Kept until the app closes' : 'The database password'}
              autoComplete="new-password"
            />
          </Field>
          <Field label="Schema" error={fieldError('schema')}>
            <select className="input" name="sync-schema" value={form.schema} onChange={(e) => setForm({ ...form, schema: e.target.value as SyncForm['schema'] })}>
              <option value="">Detect (public or backend)</option>
              <option value="public">public</option>
              <option value="backend">backend</option>
            </select>
          </Field>
          <Field label="Sync in the background" error={fieldError('everyMinutes')}>
            <select className="input" name="sync-every" value={form.everyMinutes} onChange={(e) => setForm({ ...form, everyMinutes: e.target.value })}>
              {SYNC_INTERVALS.map((i) => (
                <option key={i.value} value={i.value}>
                  {i.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {settings.password === 'memory' && (
          <p className="settings-outcome sync-report-bad" role="note">
            The OS keychain could not keep the password{settings.keychainError ? ` (${settings.keychainError})` : ''}; it is kept in memory until the app closes.
          </p>
        )}
        <div className="settings-actions">
          <button type="submit" disabled={!dirty || form.url.trim() === '' || busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save connection'}
          </button>
          <button type="button" className="secondary" disabled={form.url.trim() === '' || busy !== null} onClick={() => void runTest()}>
            {busy === 'test' ? 'Connecting…' : 'Test connection'}
          </button>
          {saved && (
            <button type="button" className="secondary" disabled={busy !== null} onClick={() => void disconnect()}>
              Disconnect
            </button>
          )}
          {notice && (
            <span className="muted" role="status">
              {notice}
            </span>
          )}
        </div>
      </form>
      {error && !error.fields?.length && <ErrorState error={error} onDismiss={() => setError(null)} />}
      {test && <TestReport test={test} canInit={saved !== null && !dirty} busy={busy === 'init'} onInit={() => void init()} />}

      <dl className="settings-list sync-status">
        <div className="settings-row">
          <dt>Far database</dt>
          <dd>{status.target ? <code className="settings-path">{status.target}</code> : <span className="muted">Never synced</span>}</dd>
        </div>
        <div className="settings-row">
          <dt>Last sync</dt>
          <dd>
            {lastAt ? <At at={lastAt} /> : <span className="muted">Never</span>}
            {lastRun?.error && <span className="sync-failed">Last attempt failed{lastRun.background ? ' (in the background)' : ''}: {lastRun.error.message}</span>}
          </dd>
        </div>
        <div className="settings-row">
          <dt>Pending changes</dt>
          <dd aria-label="Pending changes">{pendingText(status)}</dd>
        </div>
      </dl>
      <div className="settings-actions">
        <button type="button" disabled={!saved || dirty || running || busy !== null} onClick={() => void syncNow()} title={dirty ? 'Save the connection first' : undefined}>
          {running ? 'Syncing…' : 'Sync now'}
        </button>
        {!saved && <span className="muted">Save a connection to sync.</span>}
      </div>
      {running && <ProgressView progress={progress} />}
      {!running && lastRun?.outcome && (
        <div className="settings-outcome settings-ok" role="status" aria-label="Sync outcome">
          <p>{outcomeSummary(lastRun.outcome)}</p>
        </div>
      )}

      <h4 className="sync-subhead">Conflicts{status.conflicts > 0 ? ` (${status.conflicts})` : ''}</h4>
      {conflicts.state.kind === 'error' ? (
        <ErrorState error={conflicts.state.error} onRetry={conflicts.reload} />
      ) : (
        <Conflicts conflicts={conflicts.shown ?? []} onRestored={conflicts.reload} />
      )}
    </Section>
  );
}
