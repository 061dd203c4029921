// The sections of the Settings page. Each calls the backend itself and shows its own outcome;
// file choices happen in native dialogs opened by the Rust side.
import { useEffect, useState, type ReactNode } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { ImportReport } from '../../bindings/ImportReport';
import type { SettingsInfo } from '../../bindings/SettingsInfo';
import type { User } from '../../bindings/User';
import { ConfirmDialog } from '../../components/Modal';
import { Field } from '../../components/Field';
import { ErrorState } from '../../components/States';
import { applyTheme, currentTheme, resolveTheme, type ThemePreference } from '../../lib/theme';
import { exportSummary, importRows, importSummary, profileForm, profileUpdate, seedStatus, type ProfileForm } from './settings';

export type Outcome = { kind: 'ok'; text: string; detail?: ReactNode } | { kind: 'cancelled'; text: string } | { kind: 'error'; error: CommandError } | null;

export function OutcomeView({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  if (outcome === null) return null;
  if (outcome.kind === 'error') return <ErrorState error={outcome.error} onDismiss={onDismiss} />;
  return (
    <div className={outcome.kind === 'ok' ? 'settings-outcome settings-ok' : 'settings-outcome'} role="status">
      <p>{outcome.text}</p>
      {outcome.kind === 'ok' && outcome.detail}
    </div>
  );
}

/** Runs a backend call that may open a dialog: busy meanwhile, its outcome (or error) kept. */
function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const run = async (name: string, work: () => Promise<Outcome>) => {
    setBusy(name);
    setOutcome(null);
    try {
      setOutcome(await work());
    } catch (reason) {
      setOutcome({ kind: 'error', error: toCommandError(reason) });
    } finally {
      setBusy(null);
    }
  };
  return { busy, outcome, run, dismiss: () => setOutcome(null) };
}

export function Section(props: { id: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className="settings-section" aria-labelledby={`settings-${props.id}`}>
      <h3 id={`settings-${props.id}`}>{props.title}</h3>
      {props.intro && <p className="muted settings-intro">{props.intro}</p>}
      {props.children}
    </section>
  );
}

/** A path with a copy button (and more actions beside it). */
function PathRow(props: { label: string; path: string; children?: ReactNode }) {
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(props.path);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="settings-row">
      <dt>{props.label}</dt>
      <dd>
        <code className="settings-path" title={props.path}>
          {props.path}
        </code>
        <span className="settings-row-actions">
          <button type="button" className="secondary" onClick={() => void copy()} aria-label={`Copy the ${props.label.toLowerCase()} path`}>
            Copy
          </button>
          {props.children}
          {copied && (
            <span className="muted" role="status">
              {copied === 'copied' ? 'Copied.' : 'Select the path and press Ctrl+C.'}
            </span>
          )}
        </span>
      </dd>
    </div>
  );
}

export function DatabaseSection({ info }: { info: SettingsInfo }) {
  const { busy, outcome, run, dismiss } = useAction();
  const [confirmRestore, setConfirmRestore] = useState(false);
  const [revealError, setRevealError] = useState<CommandError | null>(null);

  const backup = () =>
    run('backup', async () => {
      const path = await backend.dbBackup();
      return path === null ? { kind: 'cancelled', text: 'Backup cancelled; nothing was written.' } : { kind: 'ok', text: `Backed up to ${path}.` };
    });
  const restore = () =>
    run('restore', async () => {
      setConfirmRestore(false);
      const done = await backend.dbRestore();
      if (done === null) return { kind: 'cancelled', text: 'Restore cancelled; nothing changed.' };
      return {
        kind: 'ok',
        text: `Restored from ${done.restoredFrom}.`,
        detail: (
          <p className="muted">
            {done.previousBackup === null
              ? 'The database was empty before; no backup was needed.'
              : `The content from before the restore was saved to ${done.previousBackup}.`}
            {done.migrated.length > 0 && ` Its schema was brought up to date (${done.migrated.join(', ')}).`}
          </p>
        ),
      };
    });
  const reveal = async () => {
    setRevealError(null);
    try {
      await backend.settingsReveal();
    } catch (reason) {
      setRevealError(toCommandError(reason));
    }
  };

  return (
    <Section id="database" title="Database" intro="Everything you make lives in this one SQLite file on this computer.">
      <dl className="settings-list">
        <PathRow label="File" path={info.databasePath}>
          <button type="button" className="secondary" onClick={() => void reveal()}>
            Show in folder
          </button>
        </PathRow>
        <div className="settings-row">
          <dt>Schema version</dt>
          <dd>
            <span className="settings-value">{info.schemaVersion}</span>
          </dd>
        </div>
        <PathRow label="Backups folder" path={info.backupsDir} />
      </dl>
      {revealError && <ErrorState error={revealError} onDismiss={() => setRevealError(null)} />}
      <div className="settings-actions">
        <button type="button" disabled={busy !== null} onClick={() => void backup()}>
          {busy === 'backup' ? 'Choose where to save…' : 'Back up now…'}
        </button>
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => setConfirmRestore(true)}>
          {busy === 'restore' ? 'Choose a backup…' : 'Restore from file…'}
        </button>
      </div>
      <OutcomeView outcome={outcome} onDismiss={dismiss} />
      {confirmRestore && (
        <ConfirmDialog
          title="Restore from a backup?"
          body="Restoring replaces everything in this database with the file you pick next. The current content is backed up first (to the backups folder), so you can go back to it."
          confirmLabel="Choose a file…"
          onConfirm={() => void restore()}
          onCancel={() => setConfirmRestore(false)}
        />
      )}
    </Section>
  );
}

function ImportTable({ report }: { report: ImportReport }) {
  return (
    <table className="diff settings-report" aria-label="Import report">
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">Created</th>
          <th scope="col">Replaced</th>
        </tr>
      </thead>
      <tbody>
        {importRows(report).map((r) => (
          <tr key={r.what}>
            <th scope="row">{r.what}</th>
            <td>{r.created}</td>
            <td>{r.replaced}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Workflow steps written</th>
          <td colSpan={2}>{report.stepsWritten}</td>
        </tr>
      </tbody>
    </table>
  );
}

export function TransferSection() {
  const { busy, outcome, run, dismiss } = useAction();
  const [asCopies, setAsCopies] = useState(true);
  const [confirmReplace, setConfirmReplace] = useState(false);

  const exportAll = () =>
    run('export', async () => {
      const done = await backend.bundleExport({ all: true, agentIds: [], workflowIds: [], templateIds: [] });
      return done === null ? { kind: 'cancelled', text: 'Export cancelled; nothing was written.' } : { kind: 'ok', text: exportSummary(done) };
    });
  const importFile = () =>
    run('import', async () => {
      setConfirmReplace(false);
      const done = await backend.bundleImport({ asCopies });
      if (done === null) return { kind: 'cancelled', text: 'Import cancelled; nothing changed.' };
      return { kind: 'ok', text: `${importSummary(done.report)} From ${done.path}.`, detail: <ImportTable report={done.report} /> };
    });

  return (
    <Section id="transfer" title="Export and import" intro="Agents, workflows (with their steps) and templates as one JSON file, to share or keep. Secrets are never exported.">
      <div className="settings-actions">
        <button type="button" disabled={busy !== null} onClick={() => void exportAll()}>
          {busy === 'export' ? 'Choose where to save…' : 'Export all…'}
        </button>
      </div>
      <fieldset className="settings-choice">
        <legend>Import</legend>
        <label>
          <input type="radio" name="import-mode" checked={asCopies} onChange={() => setAsCopies(true)} />
          <span>
            <strong>As copies</strong> <span className="muted">— every row gets a new id; nothing you have changes.</span>
          </span>
        </label>
        <label>
          <input type="radio" name="import-mode" checked={!asCopies} onChange={() => setAsCopies(false)} />
          <span>
            <strong>Replacing</strong> <span className="muted">— rows keep the file's ids; ones you already have are overwritten.</span>
          </span>
        </label>
      </fieldset>
      <div className="settings-actions">
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => (asCopies ? void importFile() : setConfirmReplace(true))}>
          {busy === 'import' ? 'Choose a file…' : 'Import from file…'}
        </button>
      </div>
      <OutcomeView outcome={outcome} onDismiss={dismiss} />
      {confirmReplace && (
        <ConfirmDialog
          title="Import and replace?"
          body="Agents, workflows and templates in the file that you already have (same id) will be overwritten by the file's version. The import is checked whole first and written all or nothing."
          confirmLabel="Choose a file…"
          onConfirm={() => void importFile()}
          onCancel={() => setConfirmReplace(false)}
        />
      )}
    </Section>
  );
}

const THEME_LABELS: Record<ThemePreference, string> = { light: 'Light', dark: 'Dark', system: 'System' };

export function AppearanceSection({ systemDark }: { systemDark: boolean }) {
  const [theme, setTheme] = useState<ThemePreference>(currentTheme);
  const [error, setError] = useState<CommandError | null>(null);
  const choose = async (next: ThemePreference) => {
    // Drawn at once; remembered in the preferences (and the local cache) behind it.
    setTheme(next);
    applyTheme(next);
    setError(null);
    try {
      await backend.preferencesUpdate({ theme: next });
    } catch (reason) {
      setError(toCommandError(reason));
    }
  };
  return (
    <Section id="appearance" title="Appearance">
      <div className="settings-row-inline">
        <span id="theme-label">Theme</span>
        <div className="settings-segmented" role="radiogroup" aria-labelledby="theme-label">
          {(['light', 'dark', 'system'] as const).map((t) => (
            <button key={t} type="button" role="radio" aria-checked={theme === t} className={theme === t ? 'settings-segment settings-segment-on' : 'settings-segment'} onClick={() => void choose(t)}>
              {THEME_LABELS[t]}
            </button>
          ))}
        </div>
        <span className="muted">{theme === 'system' ? `Follows the system (now ${resolveTheme('system', systemDark)}).` : 'Applied at once and remembered.'}</span>
      </div>
      {error && <ErrorState error={error} onDismiss={() => setError(null)} />}
    </Section>
  );
}

export function ProfileSection({ user, onSaved }: { user: User; onSaved: (u: User) => void }) {
  const [form, setForm] = useState<ProfileForm>(() => profileForm(user));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const update = profileUpdate(user, form);
  // Stored values changed (a save here, or an edit elsewhere): the form starts from them.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- only a change of the stored values resets it.
  useEffect(() => setForm(profileForm(user)), [user.email, user.fullName]);
  const fieldError = (f: string) => error?.fields?.find((x) => x.field === f)?.message;

  const save = async () => {
    if (!update || saving) return;
    setSaving(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await backend.profileUpdate(update);
      onSaved(saved);
      setForm(profileForm(saved));
      setNotice('Profile saved.');
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section id="profile" title="Profile" intro="The local user that owns what you make here, and that synced rows are attributed to.">
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) {
            e.preventDefault();
            void save();
          }
        }}
      >
        {error && !error.fields?.length && <ErrorState error={error} onDismiss={() => setError(null)} />}
        <div className="grid">
          <Field label="Name" error={fieldError('fullName')}>
            <input className="input" value={form.fullName} onChange={(e) => setForm({ ...form, fullName: e.target.value })} autoComplete="name" />
          </Field>
          <Field label="Email" error={fieldError('email')}>
            <input className="input" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoComplete="email" />
          </Field>
        </div>
        <div className="settings-actions">
          <button type="submit" disabled={!update || saving} title="Save (Ctrl+S)">
            {saving ? 'Saving…' : 'Save profile'}
          </button>
          {notice && !update && (
            <span className="muted" role="status">
              {notice}
            </span>
          )}
        </div>
      </form>
    </Section>
  );
}

export function StartupSection({ info, onChanged }: { info: SettingsInfo; onChanged: (info: SettingsInfo) => void }) {
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const status = seedStatus(info);
  const toggle = async (enabled: boolean) => {
    setSaving(true);
    setError(null);
    try {
      onChanged(await backend.settingsSetSeed(enabled));
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Section id="startup" title="First start">
      <label className="settings-check">
        <input type="checkbox" checked={info.seedDemoOnFirstStart} disabled={saving} onChange={(e) => void toggle(e.target.checked)} />
        <span>
          <strong>Seed the demo content on first start</strong>
          <span className="muted settings-help">
            {status.note} A database that already has content is never seeded again. Kept in <code>{info.settingsFile}</code>, beside the database, since it matters before the database exists.
          </span>
        </span>
      </label>
      {error && <ErrorState error={error} onDismiss={() => setError(null)} />}
    </Section>
  );
}
