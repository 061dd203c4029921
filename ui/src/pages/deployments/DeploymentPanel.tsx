// The create/edit side panel of a deployment: name, description, environment, exactly one
// target picked from the workflows or agents lists, resources, and environment variables whose
// stored values are write-only (shown as ••••, replaced by typing, never read back). When
// editing, the footer also starts, stops and deletes. Form logic lives in form.ts.
import { useEffect, useState, type MutableRefObject } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { Deployment } from '../../bindings/Deployment';
import type { Environment } from '../../bindings/Environment';
import { Field } from '../../components/Field';
import { ErrorState, LoadingState, StatusBadge } from '../../components/States';
import { formatDateTime, label } from '../../lib/format';
import {
  buildCreateInput,
  buildUpdateInput,
  canStart,
  canStop,
  emptyForm,
  ENVIRONMENTS,
  errorsOfSave,
  formFromDeployment,
  MASK,
  newVarRow,
  RESOURCES,
  withTargetKind,
  type DeploymentForm,
  type FormErrors,
  type ResourceKey,
  type TargetKind,
  type VarRow,
} from './form';
import type { Targets } from './targets';

export type PanelMode = { mode: 'create' } | { mode: 'edit'; id: string };

function VarsEditor(props: { rows: VarRow[]; errors: FormErrors; onChange: (rows: VarRow[]) => void }) {
  const set = (i: number, patch: Partial<VarRow>) => props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="dep-vars">
      {props.rows.length === 0 ? (
        <p className="muted dep-vars-empty">No variables. Add the settings the deployed target reads, such as API tokens.</p>
      ) : (
        <div className="dep-var dep-var-head" aria-hidden="true">
          <span>Name</span>
          <span>Value</span>
          <span />
        </div>
      )}
      {props.rows.map((row, i) => {
        const error = props.errors[`vars.${i}`];
        return (
          <div key={i} className={row.removed ? 'dep-var dep-var-removed' : 'dep-var'} data-var={row.key || undefined}>
            {row.stored ? (
              <code className="dep-var-name" title="A stored variable's name cannot change; remove it and add another">
                {row.key}
              </code>
            ) : (
              <input
                className="input mono"
                aria-label={`Variable ${i + 1} name`}
                placeholder="NAME"
                spellCheck={false}
                value={row.key}
                onChange={(e) => set(i, { key: e.target.value })}
              />
            )}
            <input
              className="input mono"
              type="password"
              autoComplete="new-password"
              aria-label={row.stored ? `New value for ${row.key}` : `Variable ${i + 1} value`}
              placeholder={row.stored ? `${MASK} stored — type to replace` : 'Value'}
              disabled={row.removed}
              value={row.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
            {row.stored ? (
              <button type="button" className="secondary" onClick={() => set(i, { removed: !row.removed, value: '' })}>
                {row.removed ? 'Undo' : 'Remove'}
              </button>
            ) : (
              <button
                type="button"
                className="secondary"
                aria-label={`Remove variable ${i + 1}`}
                onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
              >
                ×
              </button>
            )}
            {error && (
              <span className="field-error dep-var-error" role="alert">
                {error}
              </span>
            )}
          </div>
        );
      })}
      <button type="button" className="secondary" onClick={() => props.onChange([...props.rows, newVarRow()])}>
        Add variable
      </button>
      {props.errors.environmentVars && (
        <p className="field-error" role="alert">
          {props.errors.environmentVars}
        </p>
      )}
    </div>
  );
}

function TargetPicker(props: {
  form: DeploymentForm;
  targets: Targets;
  error: string | undefined;
  onChange: (form: DeploymentForm) => void;
}) {
  const { form, targets } = props;
  const kind = form.targetKind;
  const options = kind === 'workflow' ? targets.workflows : targets.agents;
  const loadError = kind === 'workflow' ? targets.workflowsError : targets.agentsError;
  const value = kind === 'workflow' ? form.workflowId : form.agentId;
  return (
    <Field label="Target: what runs" error={props.error} wide group>
      <div className="dep-target">
        <div className="dep-kind" role="radiogroup" aria-label="Target type">
          {(['workflow', 'agent'] as TargetKind[]).map((k) => (
            <label key={k} className={k === kind ? 'on' : undefined}>
              <input type="radio" name="target-kind" value={k} checked={k === kind} onChange={() => props.onChange(withTargetKind(form, k))} />
              {k === 'workflow' ? 'Workflow' : 'Agent'}
            </label>
          ))}
        </div>
        <select
          className="input"
          aria-label={kind === 'workflow' ? 'Workflow to deploy' : 'Agent to deploy'}
          value={value}
          onChange={(e) => props.onChange(kind === 'workflow' ? { ...form, workflowId: e.target.value } : { ...form, agentId: e.target.value })}
        >
          <option value="">{targets.loading ? 'Loading…' : kind === 'workflow' ? 'Choose a workflow…' : 'Choose an agent…'}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
              {o.hint ? ` — ${o.hint}` : ''}
            </option>
          ))}
        </select>
      </div>
      {loadError && (
        <span className="field-error">
          Could not load the {kind}s: {loadError.message}
        </span>
      )}
      {!targets.loading && !loadError && options.length === 0 && (
        <span className="muted">No {kind}s yet: create one first, or deploy {kind === 'workflow' ? 'an agent' : 'a workflow'}.</span>
      )}
    </Field>
  );
}

export function DeploymentPanel(props: {
  mode: PanelMode;
  targets: Targets;
  saveRef: MutableRefObject<(() => void) | null>;
  onClose: () => void;
  onSaved: (deployment: Deployment) => void;
  onDelete: (deployment: Deployment) => void;
}) {
  const { mode, targets } = props;
  const [deployment, setDeployment] = useState<Deployment | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [form, setForm] = useState<DeploymentForm>(() => emptyForm());
  const [errors, setErrors] = useState<FormErrors>({});
  const [saveError, setSaveError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState<'save' | 'start' | 'stop' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editId = mode.mode === 'edit' ? mode.id : null;

  useEffect(() => {
    if (editId === null) return;
    let live = true;
    backend
      .deploymentsGet(editId)
      .then((d) => {
        if (!live) return;
        setDeployment(d);
        setForm(formFromDeployment(d));
      })
      .catch((r: unknown) => live && setLoadError(toCommandError(r)));
    return () => {
      live = false;
    };
  }, [editId]);

  const update = <K extends keyof DeploymentForm>(key: K, value: DeploymentForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    if (busy) return;
    setSaveError(null);
    setNotice(null);
    let work: () => Promise<Deployment>;
    if (deployment) {
      const parsed = buildUpdateInput(deployment, form);
      if (!parsed.ok) return setErrors(parsed.errors);
      if (Object.keys(parsed.input).length === 0) {
        setErrors({});
        setNotice('Nothing changed.');
        return;
      }
      work = () => backend.deploymentsUpdate(deployment.id, parsed.input);
    } else {
      const parsed = buildCreateInput(form);
      if (!parsed.ok) return setErrors(parsed.errors);
      work = () => backend.deploymentsCreate(parsed.input);
    }
    setErrors({});
    setBusy('save');
    try {
      const saved = await work();
      setDeployment(saved);
      setForm(formFromDeployment(saved));
      setNotice('Saved.');
      props.onSaved(saved);
    } catch (reason) {
      const error = toCommandError(reason);
      setSaveError(error);
      setErrors(errorsOfSave(error));
    } finally {
      setBusy(null);
    }
  };

  const transition = async (action: 'start' | 'stop') => {
    if (!deployment || busy) return;
    setSaveError(null);
    setNotice(null);
    setBusy(action);
    try {
      const d = action === 'start' ? await backend.deploymentsStart(deployment.id) : await backend.deploymentsStop(deployment.id);
      setDeployment(d);
      setNotice(action === 'start' ? 'Started.' : 'Stopped.');
    } catch (reason) {
      setSaveError(toCommandError(reason));
    } finally {
      setBusy(null);
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

  const title = mode.mode === 'create' ? 'New deployment' : deployment ? `Edit ${deployment.name}` : 'Edit deployment';
  const targetName = deployment && (deployment.workflowId !== null ? targets.nameOf('workflow', deployment.workflowId) : targets.nameOf('agent', deployment.agentId ?? ''));

  return (
    <div className="overlay overlay-panel" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <aside className="panel" role="dialog" aria-modal="true" aria-labelledby="panel-title">
        <header className="panel-header">
          <h3 id="panel-title">{title}</h3>
          {deployment && <StatusBadge status={deployment.status} />}
          <span className="spacer" />
          <button type="button" className="secondary" onClick={props.onClose} aria-label="Close (Esc)">
            ×
          </button>
        </header>

        {loadError ? (
          <ErrorState error={loadError} />
        ) : mode.mode === 'edit' && !deployment ? (
          <LoadingState what="the deployment" />
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
              <Field label="Environment" error={errors.environment}>
                <select className="input" value={form.environment} onChange={(e) => update('environment', e.target.value as Environment)}>
                  {ENVIRONMENTS.map((env) => (
                    <option key={env} value={env}>
                      {label(env)}
                    </option>
                  ))}
                </select>
              </Field>
              {deployment ? (
                <div className="field">
                  <span>Target (fixed)</span>
                  <span className="dep-target-fixed">
                    <span className="type">{deployment.workflowId !== null ? 'WORKFLOW' : 'AGENT'}</span> {targetName}
                  </span>
                </div>
              ) : (
                <TargetPicker form={form} targets={targets} error={errors.target} onChange={setForm} />
              )}
            </div>

            <h4>Resources</h4>
            <div className="grid">
              {(Object.keys(RESOURCES) as ResourceKey[]).map((key) => (
                <Field key={key} label={RESOURCES[key].label} error={errors[key]}>
                  <input
                    className="input"
                    type="number"
                    min={RESOURCES[key].min}
                    max={RESOURCES[key].max}
                    placeholder={`${RESOURCES[key].default} (default)`}
                    value={form[key]}
                    onChange={(e) => update(key, e.target.value)}
                  />
                </Field>
              ))}
            </div>

            <h4>Environment variables</h4>
            <p className="muted dep-vars-note">
              Values are encrypted at rest and never shown again: a stored value reads {MASK}. Type a new value to replace it.
            </p>
            <VarsEditor rows={form.vars} errors={errors} onChange={(rows) => update('vars', rows)} />

            {deployment && (
              <>
                <h4>Status</h4>
                <dl className="dep-facts">
                  <dt>Status</dt>
                  <dd>
                    <StatusBadge status={deployment.status} />
                  </dd>
                  <dt>Health</dt>
                  <dd>
                    <StatusBadge status={deployment.healthStatus} />
                  </dd>
                  <dt>Deployed</dt>
                  <dd>{deployment.deployedAt ? formatDateTime(deployment.deployedAt) : <span className="muted">Never</span>}</dd>
                  <dt>Last health check</dt>
                  <dd>{deployment.lastHealthCheckAt ? formatDateTime(deployment.lastHealthCheckAt) : <span className="muted">None</span>}</dd>
                </dl>
              </>
            )}

            <footer className="panel-footer">
              {deployment && (
                <>
                  <button type="button" className="danger" onClick={() => props.onDelete(deployment)}>
                    Delete
                  </button>
                  {canStop(deployment.status) ? (
                    <button type="button" className="secondary" disabled={busy !== null} onClick={() => void transition('stop')}>
                      {busy === 'stop' ? 'Stopping…' : 'Stop'}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy !== null || !canStart(deployment.status)}
                      onClick={() => void transition('start')}
                    >
                      {busy === 'start' ? 'Starting…' : 'Start'}
                    </button>
                  )}
                </>
              )}
              <span className="spacer" />
              {notice && (
                <span className="muted" role="status">
                  {notice}
                </span>
              )}
              <button type="button" className="secondary" onClick={props.onClose}>
                Cancel
              </button>
              <button type="submit" disabled={busy !== null} title="Save (Ctrl+S)">
                {busy === 'save' ? 'Saving…' : mode.mode === 'create' ? 'Create' : 'Save'}
              </button>
            </footer>
          </form>
        )}
      </aside>
    </div>
  );
}
