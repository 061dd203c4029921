// The Run dialog: a form built from a workflow's declared inputs (`definition.inputs`), which
// starts a manual run and opens its execution page. The Workflows pages open it from their
// Run button: <RunDialog workflow={w} onClose={...} />.
import { useState } from 'react';
import type { CommandError } from '../../ipc';
import type { Workflow } from '../../bindings/Workflow';
import { backend, toCommandError } from '../../ipc';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { ErrorState } from '../../components/States';
import { href } from '../../routes';
import { buildInput, declaredInputs, fieldErrors, initialValues, type FormValue, type InputSpec } from './runForm';
import './executions.css';

function typeHint(s: InputSpec): string {
  const parts: string[] = [s.type === 'any' ? 'any value' : s.type];
  if (s.required && s.default === undefined) parts.push('required');
  else if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(', ');
}

function InputField(props: { spec: InputSpec; value: FormValue; error: string | undefined; onChange: (v: FormValue) => void; autoFocus: boolean }) {
  const { spec, value } = props;
  const title = `${spec.name} (${typeHint(spec)})`;
  if (spec.type === 'boolean')
    return (
      <Field label={title} error={props.error} wide>
        <span className="run-check">
          <input type="checkbox" aria-label={spec.name} checked={value === true} autoFocus={props.autoFocus} onChange={(e) => props.onChange(e.target.checked)} />
          {spec.description ?? 'Yes'}
        </span>
      </Field>
    );
  const multiline = spec.type === 'object' || spec.type === 'array';
  const common = {
    className: 'input',
    'aria-label': spec.name,
    'aria-invalid': props.error ? true : undefined,
    autoFocus: props.autoFocus,
    value: typeof value === 'string' ? value : '',
    placeholder: spec.description ?? (multiline ? (spec.type === 'array' ? '[ … ]' : '{ … }') : ''),
  };
  return (
    <Field label={title} error={props.error} wide>
      {multiline ? (
        <textarea {...common} rows={4} spellCheck={false} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          inputMode={spec.type === 'number' || spec.type === 'integer' ? 'decimal' : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Runs `workflow` with the inputs the user gives; on start, goes to the new execution. */
/**
 * Without `onStarted`, a started run opens its execution page; with it, the caller decides (the
 * builder stays on the canvas, which shows the run live).
 */
export function RunDialog(props: {
  workflow: Pick<Workflow, 'id' | 'name' | 'definition'>;
  onClose: () => void;
  onStarted?: (executionId: string) => void;
}) {
  const specs = declaredInputs(props.workflow.definition);
  const [values, setValues] = useState<Record<string, FormValue>>(() => initialValues(specs));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<CommandError | null>(null);
  const [starting, setStarting] = useState(false);

  const start = async () => {
    const built = buildInput(specs, values);
    setErrors(built.errors);
    setFailure(null);
    if (Object.keys(built.errors).length > 0) return;
    setStarting(true);
    try {
      const execution = await backend.executionsRun(props.workflow.id, built.input);
      props.onClose();
      if (props.onStarted) props.onStarted(execution.id);
      else window.location.hash = href('executions', execution.id);
    } catch (reason) {
      const error = toCommandError(reason);
      const byInput = fieldErrors(error.fields);
      setErrors(byInput);
      if (Object.keys(byInput).length === 0) setFailure(error);
    } finally {
      setStarting(false);
    }
  };

  return (
    <Modal title={`Run “${props.workflow.name}”`}>
      <form
        className="run-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            props.onClose();
          }
        }}
      >
        {specs.length === 0 ? (
          <p className="muted">This workflow declares no inputs: it runs as it is.</p>
        ) : (
          <div className="run-fields">
            {specs.map((s, i) => (
              <InputField
                key={s.name}
                spec={s}
                value={values[s.name] ?? ''}
                error={errors[s.name]}
                autoFocus={i === 0}
                onChange={(v) => setValues((old) => ({ ...old, [s.name]: v }))}
              />
            ))}
          </div>
        )}
        {failure && <ErrorState error={failure} onDismiss={() => setFailure(null)} />}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={starting} autoFocus={specs.length === 0}>
            {starting ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
