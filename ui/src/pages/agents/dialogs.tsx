// The delete confirmation and the duplicate dialog. Esc is handled by the page's shortcuts.
import { useState, type ReactNode } from 'react';
import type { Agent } from '../../ipc';

export function Modal({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="overlay">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
        <h3 id="dialog-title">{title}</h3>
        {children}
      </div>
    </div>
  );
}

export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={props.title}>
      <p>{props.body}</p>
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger-solid" autoFocus onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

export function DuplicateDialog(props: { agent: Agent; onConfirm: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  return (
    <Modal title={`Duplicate “${props.agent.name}” as a new version`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm(name);
        }}
      >
        <label className="field">
          <span>Name of the new version (optional)</span>
          <input
            className="input"
            autoFocus
            value={name}
            placeholder={`Copy of ${props.agent.name}`}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <p className="muted">The copy starts as a draft, one version above the highest of its family.</p>
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit">Duplicate</button>
        </div>
      </form>
    </Modal>
  );
}
