// The duplicate-as-new-version dialog. Esc is handled by the page's shortcuts.
import { useState } from 'react';
import { Modal } from '../../components/Modal';
import type { Agent } from '../../ipc';

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
