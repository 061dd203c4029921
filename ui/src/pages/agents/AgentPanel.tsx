// The create/edit side panel of an agent: the form, the type's config fields, the parameters
// schema editor and, when editing, the versions of the agent's family. Converting between the
// form and the backend's inputs happens in form.ts.
import { useEffect, useState, type MutableRefObject } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { Agent, AgentStatus, AgentType, CommandError } from '../../ipc';
import { Field, TagsInput } from '../../components/Field';
import { ErrorState, LoadingState } from '../../components/States';
import { label, StatusBadge, STATUSES, TYPES } from './common';
import { CONFIG_FIELDS } from './config';
import {
  buildCreateInput,
  buildUpdateDiff,
  emptyForm,
  formFromAgent,
  LIMITS,
  mapFieldErrors,
  parseForm,
  type AgentForm,
  type FormErrors,
  type LimitKey,
} from './form';
import { emptyRow, PARAM_TYPES, type ParamRow, type ParamType } from './parameters';

export type PanelMode = { mode: 'create' } | { mode: 'edit'; id: string };

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function ParamsEditor(props: { rows: ParamRow[]; onChange: (rows: ParamRow[]) => void }) {
  const set = (i: number, patch: Partial<ParamRow>) =>
    props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="params">
      {props.rows.length > 0 && (
        <div className="params-row params-head" aria-hidden="true">
          <span>Name</span>
          <span>Type</span>
          <span>Required</span>
          <span>Description</span>
          <span />
        </div>
      )}
      {props.rows.map((row, i) => (
        <div className="params-row" key={i}>
          <input className="input" aria-label={`Parameter ${i + 1} name`} value={row.name} onChange={(e) => set(i, { name: e.target.value })} />
          <select className="input" aria-label={`Parameter ${i + 1} type`} value={row.type} onChange={(e) => set(i, { type: e.target.value as ParamType })}>
            {PARAM_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <input type="checkbox" aria-label={`Parameter ${i + 1} required`} checked={row.required} onChange={(e) => set(i, { required: e.target.checked })} />
          <input className="input" aria-label={`Parameter ${i + 1} description`} value={row.description} onChange={(e) => set(i, { description: e.target.value })} />
          <button type="button" className="secondary" aria-label={`Remove parameter ${i + 1}`} onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => props.onChange([...props.rows, emptyRow()])}>
        Add parameter
      </button>
    </div>
  );
}

function Versions({ agent, onOpen }: { agent: Agent; onOpen: (id: string) => void }) {
  const [versions, setVersions] = useState<Agent[] | CommandError | null>(null);
  useEffect(() => {
    let live = true;
    backend
      .agentsVersions(agent.id)
      .then((v) => live && setVersions(v))
      .catch((r: unknown) => live && setVersions(toCommandError(r)));
    return () => {
      live = false;
    };
  }, [agent.id, agent.updatedAt]);
  if (versions === null) return <p className="muted">Loading versions…</p>;
  if (!Array.isArray(versions))
    return (
      <p className="field-error">
        <code>{versions.code}</code> {versions.message}
      </p>
    );
  return (
    <ul className="versions">
      {versions.map((v) => (
        <li key={v.id} className={v.deletedAt ? 'deleted' : undefined} aria-current={v.id === agent.id ? 'true' : undefined}>
          <span className="num">v{v.version}</span>
          {v.deletedAt || v.id === agent.id ? (
            <span className="versions-name">{v.name}</span>
          ) : (
            <button type="button" className="link versions-name" onClick={() => onOpen(v.id)}>
              {v.name}
            </button>
          )}
          <StatusBadge status={v.status} />
          <time dateTime={v.createdAt}>{dateFormat.format(new Date(v.createdAt))}</time>
          {v.deletedAt && <span className="badge badge-deleted">Deleted</span>}
        </li>
      ))}
    </ul>
  );
}

export function AgentPanel(props: {
  mode: PanelMode;
  saveRef: MutableRefObject<(() => void) | null>;
  onClose: () => void;
  onSaved: (agent: Agent) => void;
  onOpenVersion: (id: string) => void;
  onDelete: (agent: Agent) => void;
  onDuplicate: (agent: Agent) => void;
}) {
  const { mode } = props;
  const [agent, setAgent] = useState<Agent | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [form, setForm] = useState<AgentForm>(() => emptyForm());
  const [errors, setErrors] = useState<FormErrors>({});
  const [saveError, setSaveError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const editId = mode.mode === 'edit' ? mode.id : null;

  useEffect(() => {
    if (editId === null) return;
    let live = true;
    backend
      .agentsGet(editId)
      .then((a) => {
        if (!live) return;
        setAgent(a);
        setForm(formFromAgent(a));
      })
      .catch((r: unknown) => live && setLoadError(toCommandError(r)));
    return () => {
      live = false;
    };
  }, [editId]);

  const update = <K extends keyof AgentForm>(key: K, value: AgentForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    if (saving) return;
    setSaveError(null);
    setNotice(null);
    const parsed = parseForm(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    let work: () => Promise<Agent>;
    if (agent) {
      const diff = buildUpdateDiff(agent, parsed.value);
      if (!diff.ok) {
        setErrors(diff.errors);
        return;
      }
      if (Object.keys(diff.input).length === 0) {
        setErrors({});
        setNotice('Nothing changed.');
        return;
      }
      work = () => backend.agentsUpdate(agent.id, diff.input);
    } else {
      work = () => backend.agentsCreate(buildCreateInput(parsed.value));
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = await work();
      setAgent(saved);
      setForm(formFromAgent(saved));
      setNotice('Saved.');
      props.onSaved(saved);
    } catch (reason) {
      const error = toCommandError(reason);
      setSaveError(error);
      if (error.fields) setErrors(mapFieldErrors(error.fields, form.type));
    } finally {
      setSaving(false);
    }
  };
  // Ctrl/Cmd+S is caught by the page; it calls the save of the form as it is now.
  const { saveRef } = props;
  useEffect(() => {
    saveRef.current = () => void save();
    return () => {
      saveRef.current = null;
    };
  });

  const title = mode.mode === 'create' ? 'New agent' : agent ? `Edit ${agent.name}` : 'Edit agent';

  return (
    <div className="overlay overlay-panel" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <aside className="panel" role="dialog" aria-modal="true" aria-labelledby="panel-title">
        <header className="panel-header">
          <h3 id="panel-title">{title}</h3>
          {agent && <span className="muted">v{agent.version}</span>}
          <span className="spacer" />
          <button type="button" className="secondary" onClick={props.onClose} aria-label="Close (Esc)">
            ×
          </button>
        </header>

        {loadError ? (
          <ErrorState error={loadError} />
        ) : mode.mode === 'edit' && !agent ? (
          <LoadingState what="the agent" />
        ) : (
          <form
            className="panel-body"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            {saveError && <ErrorState error={saveError} />}
            {errors._form && <p className="field-error">{errors._form}</p>}

            <div className="grid">
              <Field label="Name" error={errors.name} wide>
                <input className="input" autoFocus={mode.mode === 'create'} value={form.name} onChange={(e) => update('name', e.target.value)} />
              </Field>
              <Field label="Description" error={errors.description} wide>
                <textarea className="input" rows={2} value={form.description} onChange={(e) => update('description', e.target.value)} />
              </Field>
              <Field label={mode.mode === 'create' ? 'Type' : 'Type (fixed)'} error={errors.type}>
                <select
                  className="input"
                  value={form.type}
                  disabled={mode.mode === 'edit'}
                  onChange={(e) => setForm((f) => ({ ...f, type: e.target.value as AgentType, config: {} }))}
                >
                  {TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </Field>
              <Field label="Status" error={errors.status}>
                <select className="input" value={form.status} onChange={(e) => update('status', e.target.value as AgentStatus)}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {label(s)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Tags" error={errors.tags} wide group>
                <TagsInput tags={form.tags} onChange={(t) => update('tags', t)} />
              </Field>
            </div>

            <h4>Limits</h4>
            <div className="grid grid-3">
              {(Object.keys(LIMITS) as LimitKey[]).map((key) => (
                <Field key={key} label={LIMITS[key].label} error={errors[key]}>
                  <input
                    className="input"
                    type="number"
                    min={LIMITS[key].min}
                    max={LIMITS[key].max}
                    placeholder={`${LIMITS[key].min}–${LIMITS[key].max}`}
                    value={form[key]}
                    onChange={(e) => update(key, e.target.value)}
                  />
                </Field>
              ))}
            </div>

            <h4>{form.type} configuration</h4>
            <div className="grid">
              {CONFIG_FIELDS[form.type].map((f) => {
                const value = form.config[f.key] ?? '';
                const set = (v: string) => update('config', { ...form.config, [f.key]: v });
                const error = errors[`config.${f.key}`];
                const wide = f.kind === 'textarea' || f.kind === 'code' || f.kind === 'json' || f.key === 'url';
                return (
                  <Field key={f.key} label={f.label} error={error} wide={wide}>
                    {f.kind === 'select' ? (
                      <select className="input" value={value} onChange={(e) => set(e.target.value)}>
                        <option value="">—</option>
                        {f.options?.map((o) => (
                          <option key={o}>{o}</option>
                        ))}
                      </select>
                    ) : f.kind === 'textarea' || f.kind === 'code' || f.kind === 'json' ? (
                      <textarea
                        className={f.kind === 'textarea' ? 'input' : 'input mono'}
                        rows={f.kind === 'code' ? 10 : 4}
                        spellCheck={false}
                        placeholder={f.placeholder}
                        value={value}
                        onChange={(e) => set(e.target.value)}
                      />
                    ) : (
                      <input
                        className="input"
                        inputMode={f.kind === 'number' ? 'decimal' : undefined}
                        placeholder={f.placeholder}
                        value={value}
                        onChange={(e) => set(e.target.value)}
                      />
                    )}
                  </Field>
                );
              })}
              <Field label="Other configuration (raw JSON object)" error={errors.extraConfig ?? errors.config} wide>
                <textarea className="input mono" rows={4} spellCheck={false} value={form.extraConfig} onChange={(e) => update('extraConfig', e.target.value)} />
              </Field>
            </div>

            <h4>Parameters</h4>
            <ParamsEditor rows={form.params} onChange={(rows) => update('params', rows)} />
            {errors.parameters && <p className="field-error" role="alert">{errors.parameters}</p>}

            {agent && (
              <>
                <h4>Versions</h4>
                <Versions agent={agent} onOpen={props.onOpenVersion} />
              </>
            )}

            <footer className="panel-footer">
              {agent && (
                <>
                  <button type="button" className="danger" onClick={() => props.onDelete(agent)}>
                    Delete
                  </button>
                  <button type="button" className="secondary" onClick={() => props.onDuplicate(agent)}>
                    Duplicate as new version
                  </button>
                </>
              )}
              <span className="spacer" />
              {notice && <span className="muted" role="status">{notice}</span>}
              <button type="button" className="secondary" onClick={props.onClose}>
                Cancel
              </button>
              <button type="submit" disabled={saving} title="Save (Ctrl+S)">
                {saving ? 'Saving…' : mode.mode === 'create' ? 'Create' : 'Save'}
              </button>
            </footer>
          </form>
        )}
      </aside>
    </div>
  );
}
