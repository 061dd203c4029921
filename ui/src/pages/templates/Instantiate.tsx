// Creating an agent or a workflow (with its steps) from a template: an optional name, one
// button, then what was made with a link to open it. Used inline in the detail panel and as
// the dialog of a card's "Use template" button.
import { useState } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { Instantiated } from '../../bindings/Instantiated';
import type { Template } from '../../bindings/Template';
import { Modal } from '../../components/Modal';
import { ErrorState } from '../../components/States';
import { count } from '../../lib/format';
import { href } from '../../routes';
import { defaultInstanceName } from './gallery';

const noun = (t: Pick<Template, 'type'>) => (t.type === 'WORKFLOW' ? 'workflow' : 'agent');

/** Where the created row is opened, and how the link reads. */
function openLink(made: Instantiated): { to: string; label: string; summary: string } {
  if (made.kind === 'workflow')
    return {
      to: href('workflows', made.id),
      label: 'Open workflow',
      summary: `Created the draft workflow “${made.name}” with ${count(made.steps.length, 'step')}.`,
    };
  return { to: href('agents'), label: 'Open Agents', summary: `Created the draft ${made.type} agent “${made.name}”.` };
}

export function InstantiateForm(props: {
  template: Template;
  /** Focus the name field on mount (the dialog). */
  autoFocus?: boolean;
  /** Shown beside the result's open link ("Close" in the dialog). */
  onDone?: () => void;
  onCreated?: (made: Instantiated) => void;
}) {
  const { template } = props;
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [made, setMade] = useState<Instantiated | null>(null);

  const create = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const trimmed = name.trim();
      const result = await backend.templatesInstantiate(template.id, trimmed === '' ? undefined : { name: trimmed });
      setMade(result);
      props.onCreated?.(result);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  };

  if (template.type === 'STEP')
    return <p className="muted">A step template is used inside a workflow; it cannot be created on its own.</p>;

  if (made) {
    const link = openLink(made);
    return (
      <div className="tpl-result" role="status">
        <p>{link.summary}</p>
        <div className="tpl-result-actions">
          <a className="tpl-button" href={link.to} autoFocus>
            {link.label}
          </a>
          <button type="button" className="secondary" onClick={() => (setMade(null), setName(''))}>
            Create another
          </button>
          {props.onDone && (
            <button type="button" className="secondary" onClick={props.onDone}>
              Close
            </button>
          )}
        </div>
      </div>
    );
  }

  return (
    <form
      className="tpl-create"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      {error && <ErrorState error={error} onDismiss={() => setError(null)} />}
      <label className="field">
        <span>Name of the new {noun(template)} (optional)</span>
        <input
          className="input"
          autoFocus={props.autoFocus}
          value={name}
          maxLength={255}
          placeholder={defaultInstanceName(template)}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : `Create ${noun(template)}`}
      </button>
    </form>
  );
}

export function InstantiateDialog(props: { template: Template; onClose: () => void }) {
  const what = props.template.type === 'WORKFLOW' ? 'a workflow with its steps' : 'a draft agent';
  return (
    <Modal title={`Use “${props.template.name}”`}>
      <p className="muted">Creates {what} from this template. You can edit everything afterwards.</p>
      <InstantiateForm template={props.template} autoFocus />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
