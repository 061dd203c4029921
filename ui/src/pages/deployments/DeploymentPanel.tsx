// The create/edit side panel of a deployment: name, description, environment, exactly one
// target picked from the workflows or agents lists, resources, and environment variables whose
// stored values are write-only (shown as ••••, replaced by typing, never read back). When
// editing, the footer also starts, stops and deletes. Form logic lives in form.ts.
import type { MutableRefObject } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { Deployment } from '../../bindings/Deployment';
import { Field, NameFields, NumberFields } from '../../components/Field';
import { OptionSelect } from '../../components/Filters';
import { FormPanel } from '../../components/SidePanel';
import { StatusBadge } from '../../components/States';
import { formatDateTime } from '../../lib/format';
import { useEditor } from '../../lib/editor';
import { useBindRef, type PanelMode } from '../../lib/hooks';
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
  type TargetKind,
  type VarRow,
} from './form';
import type { Targets } from './targets';

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
  const editor = useEditor<Deployment, DeploymentForm, FormErrors, 'start' | 'stop'>({
    id: mode.mode === 'edit' ? mode.id : null,
    get: (id) => backend.deploymentsGet(id),
    emptyForm,
    toForm: formFromDeployment,
    errorsOf: errorsOfSave,
    onSaved: props.onSaved,
  });
  const { record: deployment, setRecord: setDeployment, form, setForm, update, errors, saveError, setSaveError, busy, setBusy, notice, setNotice, loadError } = editor;

  const save = () =>
    editor.save((deployment, form) => {
      if (!deployment) {
        const parsed = buildCreateInput(form);
        return parsed.ok ? { ok: true, work: () => backend.deploymentsCreate(parsed.input) } : parsed;
      }
      const parsed = buildUpdateInput(deployment, form);
      if (!parsed.ok) return parsed;
      return { ok: true, work: Object.keys(parsed.input).length === 0 ? null : () => backend.deploymentsUpdate(deployment.id, parsed.input) };
    });

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
  useBindRef(props.saveRef, () => void save());

  const title = mode.mode === 'create' ? 'New deployment' : deployment ? `Edit ${deployment.name}` : 'Edit deployment';
  const targetName = deployment && (deployment.workflowId !== null ? targets.nameOf('workflow', deployment.workflowId) : targets.nameOf('agent', deployment.agentId ?? ''));

  return (
    <FormPanel
      title={title}
      badges={deployment && <StatusBadge status={deployment.status} />}
      onClose={props.onClose}
      loadError={loadError}
      loading={mode.mode === 'edit' && !deployment}
      what="the deployment"
      onSubmit={() => void save()}
      saveError={saveError}
      formError={errors._form}
      footer={{ notice, busy: busy !== null, submitLabel: busy === 'save' ? 'Saving…' : mode.mode === 'create' ? 'Create' : 'Save', submitTitle: 'Save (Ctrl+S)' }}
      footerActions={
        deployment && (
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
        )
      }
    >
      <div className="grid">
        <NameFields name={form.name} description={form.description} errors={errors} autoFocus={mode.mode === 'create'} onChange={update} />
        <Field label="Environment" error={errors.environment}>
          <OptionSelect options={ENVIRONMENTS} value={form.environment} onChange={(env) => update('environment', env)} />
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
        <NumberFields specs={RESOURCES} values={form} errors={errors} placeholder={(key) => `${RESOURCES[key].default} (default)`} onChange={update} />
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
    </FormPanel>
  );
}
