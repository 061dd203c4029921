// The create/edit side panel of an agent: the form, the type's config fields, the parameters
// schema editor and, when editing, the versions of the agent's family. Converting between the
// form and the backend's inputs happens in form.ts.
import { useEffect, useState, type MutableRefObject } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { Agent, AgentType, CommandError } from '../../ipc';
import { Field, NameFields, NumberFields, TagsInput } from '../../components/Field';
import { OptionSelect } from '../../components/Filters';
import { FormPanel } from '../../components/SidePanel';
import { StatusBadge } from '../../components/States';
import { useEditor } from '../../lib/editor';
import { useBindRef, type PanelMode } from '../../lib/hooks';
import { STATUSES, TYPES } from './common';
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
} from './form';
import { emptyRow, PARAM_TYPES, type ParamRow, type ParamType } from './parameters';

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
  const editor = useEditor({
    id: mode.mode === 'edit' ? mode.id : null,
    get: (id) => backend.agentsGet(id),
    emptyForm,
    toForm: formFromAgent,
    errorsOf: (error, form: AgentForm): FormErrors => (error.fields ? mapFieldErrors(error.fields, form.type) : {}),
    onSaved: props.onSaved,
  });
  const { record: agent, form, setForm, update, errors, saveError, notice, loadError } = editor;
  const saving = editor.busy !== null;

  const save = () =>
    editor.save((agent, form) => {
      const parsed = parseForm(form);
      if (!parsed.ok) return parsed;
      if (!agent) return { ok: true, work: () => backend.agentsCreate(buildCreateInput(parsed.value)) };
      const diff = buildUpdateDiff(agent, parsed.value);
      if (!diff.ok) return diff;
      return { ok: true, work: Object.keys(diff.input).length === 0 ? null : () => backend.agentsUpdate(agent.id, diff.input) };
    });
  // Ctrl/Cmd+S is caught by the page; it calls the save of the form as it is now.
  useBindRef(props.saveRef, () => void save());

  const title = mode.mode === 'create' ? 'New agent' : agent ? `Edit ${agent.name}` : 'Edit agent';

  return (
    <FormPanel
      title={title}
      badges={agent && <span className="muted">v{agent.version}</span>}
      onClose={props.onClose}
      loadError={loadError}
      loading={mode.mode === 'edit' && !agent}
      what="the agent"
      onSubmit={() => void save()}
      saveError={saveError}
      formError={errors._form}
      footer={{ notice, busy: saving, submitLabel: saving ? 'Saving…' : mode.mode === 'create' ? 'Create' : 'Save', submitTitle: 'Save (Ctrl+S)' }}
      footerActions={
        agent && (
          <>
            <button type="button" className="danger" onClick={() => props.onDelete(agent)}>
              Delete
            </button>
            <button type="button" className="secondary" onClick={() => props.onDuplicate(agent)}>
              Duplicate as new version
            </button>
          </>
        )
      }
    >
      <div className="grid">
        <NameFields name={form.name} description={form.description} errors={errors} autoFocus={mode.mode === 'create'} onChange={update} />
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
          <OptionSelect options={STATUSES} value={form.status} onChange={(s) => update('status', s)} />
        </Field>
        <Field label="Tags" error={errors.tags} wide group>
          <TagsInput tags={form.tags} onChange={(t) => update('tags', t)} />
        </Field>
      </div>

      <h4>Limits</h4>
      <div className="grid grid-3">
        <NumberFields specs={LIMITS} values={form} errors={errors} placeholder={(key) => `${LIMITS[key].min}–${LIMITS[key].max}`} onChange={update} />
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
    </FormPanel>
  );
}
