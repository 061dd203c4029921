// The side inspector of the selected step: key, name, type, agent, what its type needs
// (condition, loop items, wait time), inputs and outputs as `name → value` rows with reference
// suggestions, dependencies, and error handling (retry, timeout, on_error).
import { useMemo, type Dispatch } from 'react';
import type { Agent } from '../../ipc';
import type { AgentType } from '../../bindings/AgentType';
import type { ErrorHandling } from '../../bindings/ErrorHandling';
import type { WorkflowStepType } from '../../bindings/WorkflowStepType';
import { Field } from '../../components/Field';
import { label, shortId } from '../../lib/format';
import type { EditorAction, StepPatch } from './editor';
import type { StepConfig } from '../../bindings/StepConfig';
import { ON_ERROR, otherConfigKeys, readStepConfig, STEP_TYPES, type JsonObject, type KeyValueRow, type StepDraft } from './model';
import { ReferenceInput } from './ReferenceInput';
import { outputReferences, stepReferences, type Suggestion } from './references';

/** A whole-number field; an emptied box holds NaN, which the editor reports until fixed. */
export function NumberInput(props: { value: number; onChange: (v: number) => void; label: string; min?: number; max?: number; step?: number }) {
  return (
    <input
      className={Number.isInteger(props.value) ? 'input' : 'input wf-invalid'}
      type="number"
      inputMode="numeric"
      aria-label={props.label}
      min={props.min}
      max={props.max}
      step={props.step ?? 1}
      value={Number.isNaN(props.value) ? '' : props.value}
      onChange={(e) => props.onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
    />
  );
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Editable `name → value` rows; JSON rows hold numbers, objects and the like. */
export function KeyValueRows(props: {
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  candidates: readonly Suggestion[];
  noun: string;
  placeholder: string;
}) {
  const { rows, onChange, noun } = props;
  const set = (i: number, patch: Partial<KeyValueRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="wf-rows">
      {rows.length === 0 && <p className="muted wf-small">No {noun}s.</p>}
      {rows.map((row, i) => (
        <div className="wf-row" key={i}>
          <input
            className="input mono"
            aria-label={`${label(noun)} ${i + 1} name`}
            placeholder="name"
            value={row.key}
            onChange={(e) => set(i, { key: e.target.value })}
          />
          <ReferenceInput
            label={`${label(noun)} ${row.key || i + 1} value`}
            value={row.value}
            placeholder={row.json ? '{"json": true}' : props.placeholder}
            candidates={props.candidates}
            invalid={row.json && !isValidJson(row.value)}
            onChange={(value) => set(i, { value })}
          />
          <label className="wf-json" title="The value is JSON (a number, true/false, an object or a list)">
            <input type="checkbox" checked={row.json} onChange={(e) => set(i, { json: e.target.checked })} />
            JSON
          </label>
          <button type="button" className="secondary wf-icon" aria-label={`Remove ${noun} ${row.key || i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="secondary wf-add" onClick={() => onChange([...rows, { key: '', value: '', json: false }])}>
        Add {noun}
      </button>
    </div>
  );
}

export function StepInspector(props: {
  step: StepDraft;
  steps: readonly StepDraft[];
  workflowInputs: readonly string[];
  agents: readonly Agent[];
  dispatch: Dispatch<EditorAction>;
  problems: readonly string[];
}) {
  const { step, steps, agents, dispatch } = props;
  const uid = step.uid;
  const update = (patch: StepPatch, field?: string) => dispatch(field ? { type: 'updateStep', uid, patch, field } : { type: 'updateStep', uid, patch });
  const setConfig = <K extends keyof StepConfig>(key: K, value: StepConfig[K] | undefined) => {
    const config: JsonObject = { ...step.config };
    if (value === undefined) delete config[key];
    else config[key] = value as JsonObject[string];
    update({ config }, `config.${key}`);
  };

  const agentTypes = useMemo(() => new Map<string, AgentType>(agents.map((a) => [a.id, a.type])), [agents]);
  const references = useMemo(() => stepReferences(steps, uid, props.workflowInputs, agentTypes), [steps, uid, props.workflowInputs, agentTypes]);
  const agentType = step.agentId ? agentTypes.get(step.agentId) : undefined;
  const ownReferences = useMemo(() => outputReferences(step, agentType), [step, agentType]);

  const usesAgent = step.stepType === 'AGENT' || step.stepType === 'LOOP';
  const knownAgent = step.agentId === null || agents.some((a) => a.id === step.agentId);
  const afterCondition = step.dependsOn.some((k) => steps.some((s) => s.stepKey === k && s.stepType === 'CONDITION'));
  const config = readStepConfig(step.config);
  const otherKeys = otherConfigKeys(step.config);
  const text = (v: StepConfig[keyof StepConfig]) => (typeof v === 'string' ? v : '');

  return (
    <div className="wf-inspector-body" aria-label={`Step ${step.stepKey}`}>
      <div className="wf-inspector-title">
        <h3>Step</h3>
        <code>{step.stepKey}</code>
        <span className="spacer" />
        <button type="button" className="danger" onClick={() => dispatch({ type: 'removeSteps', uids: [uid] })} title="Delete step (Del)">
          Delete step
        </button>
      </div>

      {props.problems.length > 0 && (
        <ul className="wf-inspector-problems" role="alert">
          {props.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}

      <div className="grid">
        <Field label="Key">
          <input
            className="input mono"
            aria-label="Step key"
            value={step.stepKey}
            spellCheck={false}
            onChange={(e) => dispatch({ type: 'renameStep', uid, stepKey: e.target.value.replace(/\s/g, '_') })}
          />
        </Field>
        <Field label="Type">
          <select
            className="input"
            aria-label="Step type"
            value={step.stepType}
            onChange={(e) => update({ stepType: e.target.value as WorkflowStepType })}
          >
            {STEP_TYPES.map((t) => (
              <option key={t} value={t}>
                {label(t)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" wide>
          <input className="input" aria-label="Step name" value={step.stepName} onChange={(e) => update({ stepName: e.target.value }, 'stepName')} />
        </Field>
        {usesAgent && (
          <Field label="Agent" wide>
            <select
              className="input"
              aria-label="Agent"
              value={step.agentId ?? ''}
              onChange={(e) => update({ agentId: e.target.value === '' ? null : e.target.value })}
            >
              <option value="">{step.stepType === 'AGENT' ? 'None (passes its inputs on)' : 'None'}</option>
              {!knownAgent && step.agentId && <option value={step.agentId}>Unknown agent {shortId(step.agentId)}</option>}
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} · {a.type}
                  {a.version > 1 ? ` v${a.version}` : ''}
                </option>
              ))}
            </select>
          </Field>
        )}
        {step.stepType === 'CONDITION' && (
          <Field label="Condition" wide>
            <ReferenceInput
              bare
              label="Condition"
              value={text(config.condition)}
              placeholder="inputs.count > 0 && fetch.statusCode == 200"
              candidates={references}
              onChange={(v) => setConfig('condition', v)}
            />
          </Field>
        )}
        {step.stepType === 'LOOP' && (
          <>
            <Field label="Items (a reference to a list)" wide>
              <ReferenceInput label="Loop items" value={text(config.items)} placeholder="{{fetch.data}}" candidates={references} onChange={(v) => setConfig('items', v)} />
            </Field>
            <Field label="Concurrency">
              <NumberInput label="Loop concurrency" min={1} value={config.concurrency ?? 1} onChange={(v) => setConfig('concurrency', v)} />
            </Field>
          </>
        )}
        {step.stepType === 'WAIT' && (
          <Field label="Wait (ms)">
            <NumberInput label="Wait in milliseconds" min={0} value={typeof config.waitMs === 'number' ? config.waitMs : 1000} onChange={(v) => setConfig('waitMs', v)} />
          </Field>
        )}
        {afterCondition && (
          <Field label="Runs when the condition is">
            <select
              className="input"
              aria-label="Runs when the condition is"
              value={config.when === false ? 'false' : 'true'}
              onChange={(e) => setConfig('when', e.target.value === 'true' ? undefined : false)}
            >
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          </Field>
        )}
      </div>

      <h4>Inputs</h4>
      <p className="muted wf-small">
        Type <code>{'{{'}</code> for a workflow input or an upstream step’s output.
      </p>
      <KeyValueRows rows={step.inputs} noun="input" placeholder="value or {{reference}}" candidates={references} onChange={(inputs) => update({ inputs }, 'inputs')} />

      <h4>Outputs</h4>
      <p className="muted wf-small">
        Optional: name parts of what the step produced, e.g. <code>{'{{result}}'}</code>.
      </p>
      <KeyValueRows rows={step.outputs} noun="output" placeholder="{{result}}" candidates={ownReferences} onChange={(outputs) => update({ outputs }, 'outputs')} />

      <h4>Depends on</h4>
      {step.dependsOn.length === 0 ? (
        <p className="muted wf-small">Nothing: it starts first. Drag from another step’s right handle to this step’s left handle.</p>
      ) : (
        <ul className="tags" aria-label="Dependencies">
          {step.dependsOn.map((k) => (
            <li key={k}>
              <span className="chip">
                <code>{k}</code>
                <button
                  type="button"
                  className="chip-x"
                  aria-label={`Remove dependency on ${k}`}
                  onClick={() => update({ dependsOn: step.dependsOn.filter((d) => d !== k) })}
                >
                  ×
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}

      <h4>Errors</h4>
      <div className="grid">
        <Field label="On error">
          <select className="input" aria-label="On error" value={step.onError} onChange={(e) => update({ onError: e.target.value as ErrorHandling })}>
            {ON_ERROR.map((o) => (
              <option key={o} value={o}>
                {label(o)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Timeout (ms)">
          <NumberInput label="Timeout in milliseconds" min={1000} max={3600000} step={1000} value={step.timeoutMs} onChange={(v) => update({ timeoutMs: v }, 'timeoutMs')} />
        </Field>
        <Field label="Retries">
          <NumberInput label="Retry count" min={0} max={10} value={step.retryCount} onChange={(v) => update({ retryCount: v }, 'retryCount')} />
        </Field>
        <Field label="Retry delay (ms)">
          <NumberInput label="Retry delay in milliseconds" min={0} max={300000} step={500} value={step.retryDelayMs} onChange={(v) => update({ retryDelayMs: v }, 'retryDelayMs')} />
        </Field>
      </div>
      {otherKeys.length > 0 && (
        <p className="muted wf-small">
          Other configuration kept as it is: <code>{otherKeys.join(', ')}</code>
        </p>
      )}
    </div>
  );
}
