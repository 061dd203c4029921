// The inspector when no step is selected: the workflow's name, description, status, tags, its
// declared inputs and outputs (`definition.inputs` / `definition.outputs`), and its schedule
// with the next run times (computed in Rust by `workflows_next_runs`).
import { memo, useEffect, useState, type Dispatch } from 'react';
import { backend, toCommandError } from '../../ipc';
import { Field, TagsInput } from '../../components/Field';
import { formatFull, label } from '../../lib/format';
import { useDebounced } from '../../lib/hooks';
import type { EditorAction } from './editor';
import { INPUT_TYPES, parseDefault, WORKFLOW_STATUSES, type InputDecl, type OutputDecl, type WorkflowSettings } from './model';

const NEXT_RUNS = 5;
const SCHEDULE_DELAY_MS = 400;

let zones: string[] | null = null;
/** The IANA zones the webview knows, for the time zone box's suggestions. */
function timeZones(): string[] {
  if (zones === null) {
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = ['UTC'];
    }
  }
  return zones;
}

/** The time zone box's suggestions, rendered once per panel (several hundred options). */
const ZoneList = memo(function ZoneList() {
  return (
    <datalist id="wf-time-zones">
      {timeZones().map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
});

/** A run time in the schedule's own zone ("Mon, Jan 5, 2026, 9:00 AM"). */
export function formatInZone(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

type NextRuns = { kind: 'none' } | { kind: 'loading' } | { kind: 'ready'; runs: string[] } | { kind: 'error'; message: string };

function ScheduleRuns({ cron, timezone, enabled }: { cron: string; timezone: string; enabled: boolean }) {
  const wanted = useDebounced(`${cron}\n${timezone}`, SCHEDULE_DELAY_MS);
  const [runs, setRuns] = useState<NextRuns>({ kind: 'none' });
  useEffect(() => {
    const [c = '', tz = ''] = wanted.split('\n');
    if (c.trim() === '') {
      setRuns({ kind: 'none' });
      return;
    }
    let live = true;
    setRuns({ kind: 'loading' });
    backend.workflowsNextRuns(c.trim(), tz.trim() || 'UTC', NEXT_RUNS).then(
      (r) => live && setRuns({ kind: 'ready', runs: r }),
      (e: unknown) => live && setRuns({ kind: 'error', message: toCommandError(e).message }),
    );
    return () => {
      live = false;
    };
  }, [wanted]);

  if (runs.kind === 'none') return <p className="muted wf-small">Enter a cron expression, e.g. <code>0 9 * * 1</code> (Mondays at 9:00).</p>;
  if (runs.kind === 'loading') return <p className="muted wf-small" role="status">Working out the next runs…</p>;
  if (runs.kind === 'error') return <p className="field-error" role="alert">{runs.message}</p>;
  return (
    <div className="wf-next-runs" aria-label="Next runs">
      <p className="muted wf-small">{enabled ? 'Next runs' : 'The schedule is off. If it were on, the next runs would be'}:</p>
      <ol>
        {runs.runs.map((r) => (
          <li key={r}>
            <time dateTime={r} title={`Your time: ${formatFull(r)}`}>
              {formatInZone(r, timezone.trim() || 'UTC')}
            </time>
          </li>
        ))}
      </ol>
    </div>
  );
}

function InputDecls({ decls, onChange }: { decls: InputDecl[]; onChange: (d: InputDecl[]) => void }) {
  const set = (i: number, patch: Partial<InputDecl>) => onChange(decls.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <div className="wf-rows">
      {decls.length === 0 && <p className="muted wf-small">No inputs: runs start with no data.</p>}
      {decls.map((d, i) => {
        const parsed = parseDefault(d.type, d.defaultText);
        const types = (INPUT_TYPES as readonly string[]).includes(d.type) ? INPUT_TYPES : [...INPUT_TYPES, d.type];
        return (
          <div className="wf-decl" key={i}>
            <input className="input mono" aria-label={`Input ${i + 1} name`} placeholder="name" value={d.name} onChange={(e) => set(i, { name: e.target.value })} />
            <select className="input" aria-label={`Input ${d.name || i + 1} type`} value={d.type} onChange={(e) => set(i, { type: e.target.value })}>
              {types.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <button type="button" className="secondary wf-icon" aria-label={`Remove input ${d.name || i + 1}`} onClick={() => onChange(decls.filter((_, j) => j !== i))}>
              ×
            </button>
            <input
              className={parsed.ok ? 'input wf-decl-default' : 'input wf-decl-default wf-invalid'}
              aria-label={`Input ${d.name || i + 1} default`}
              placeholder={d.type === 'string' ? 'default (none)' : 'default as JSON (none)'}
              title={parsed.ok ? undefined : `The default ${parsed.error}`}
              value={d.defaultText}
              onChange={(e) => set(i, { defaultText: e.target.value })}
            />
            <label className="wf-json wf-decl-required">
              <input type="checkbox" checked={d.required} onChange={(e) => set(i, { required: e.target.checked })} />
              required
            </label>
          </div>
        );
      })}
      <button type="button" className="secondary wf-add" onClick={() => onChange([...decls, { name: '', type: 'string', required: false, defaultText: '', extra: {} }])}>
        Add input
      </button>
    </div>
  );
}

function OutputDecls({ decls, onChange }: { decls: OutputDecl[]; onChange: (d: OutputDecl[]) => void }) {
  const set = (i: number, patch: Partial<OutputDecl>) => onChange(decls.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <div className="wf-rows">
      {decls.length === 0 && <p className="muted wf-small">No declared outputs: a run’s output holds every step’s output.</p>}
      {decls.map((d, i) => {
        const types = (INPUT_TYPES as readonly string[]).includes(d.type) ? INPUT_TYPES : [...INPUT_TYPES, d.type];
        return (
          <div className="wf-decl wf-decl-out" key={i}>
            <input className="input mono" aria-label={`Output ${i + 1} name`} placeholder="name" value={d.name} onChange={(e) => set(i, { name: e.target.value })} />
            <select className="input" aria-label={`Output ${d.name || i + 1} type`} value={d.type} onChange={(e) => set(i, { type: e.target.value })}>
              {types.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <button type="button" className="secondary wf-icon" aria-label={`Remove output ${d.name || i + 1}`} onClick={() => onChange(decls.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        );
      })}
      <button type="button" className="secondary wf-add" onClick={() => onChange([...decls, { name: '', type: 'string', extra: {} }])}>
        Add output
      </button>
    </div>
  );
}

export function SettingsPanel({ settings, dispatch }: { settings: WorkflowSettings; dispatch: Dispatch<EditorAction> }) {
  const update = (patch: Partial<WorkflowSettings>, field?: string) =>
    dispatch(field ? { type: 'updateSettings', patch, field } : { type: 'updateSettings', patch });
  return (
    <div className="wf-inspector-body" aria-label="Workflow settings">
      <div className="wf-inspector-title">
        <h3>Workflow</h3>
        <span className="muted wf-small">Select a step on the canvas to edit it.</span>
      </div>
      <div className="grid">
        <Field label="Name" wide error={settings.name.trim() === '' ? 'A workflow needs a name' : undefined}>
          <input className="input" aria-label="Workflow name" value={settings.name} onChange={(e) => update({ name: e.target.value }, 'name')} />
        </Field>
        <Field label="Description" wide>
          <textarea
            className="input"
            rows={2}
            aria-label="Workflow description"
            value={settings.description}
            onChange={(e) => update({ description: e.target.value }, 'description')}
          />
        </Field>
        <Field label="Status">
          <select className="input" aria-label="Workflow status" value={settings.status} onChange={(e) => update({ status: e.target.value as WorkflowSettings['status'] })}>
            {WORKFLOW_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Tags" wide group>
          <TagsInput tags={settings.tags} onChange={(tags) => update({ tags })} />
        </Field>
      </div>

      <h4>Inputs</h4>
      <InputDecls decls={settings.inputs} onChange={(inputs) => update({ inputs }, 'inputs')} />

      <h4>Outputs</h4>
      <OutputDecls decls={settings.outputs} onChange={(outputs) => update({ outputs }, 'outputs')} />

      <h4>Schedule</h4>
      <div className="grid">
        <label className="wf-check field-wide">
          <input type="checkbox" checked={settings.scheduleEnabled} onChange={(e) => update({ scheduleEnabled: e.target.checked })} />
          Run on a schedule while the app is open
        </label>
        <Field label="Cron expression">
          <input
            className="input mono"
            aria-label="Cron expression"
            placeholder="0 9 * * 1"
            spellCheck={false}
            value={settings.scheduleCron}
            onChange={(e) => update({ scheduleCron: e.target.value }, 'scheduleCron')}
          />
        </Field>
        <Field label="Time zone">
          <input
            className="input"
            aria-label="Time zone"
            list="wf-time-zones"
            spellCheck={false}
            value={settings.scheduleTimezone}
            onChange={(e) => update({ scheduleTimezone: e.target.value }, 'scheduleTimezone')}
          />
        </Field>
        <ZoneList />
      </div>
      <ScheduleRuns cron={settings.scheduleCron} timezone={settings.scheduleTimezone} enabled={settings.scheduleEnabled} />
    </div>
  );
}
