// A modal dialog and the confirmation built on it. Esc is handled by each page's shortcuts.
import type { ReactNode } from 'react';

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
  /** "Cancel" unless told. */
  cancelLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={props.title}>
      <p>{props.body}</p>
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={props.onCancel}>
          {props.cancelLabel ?? 'Cancel'}
        </button>
        <button type="button" className="danger-solid" autoFocus onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** "Delete “<name>”?", with what deleting it does. */
export function ConfirmDelete(props: { name: string; body: string; onConfirm: () => void; onCancel: () => void }) {
  return <ConfirmDialog title={`Delete “${props.name}”?`} body={props.body} confirmLabel="Delete" onConfirm={props.onConfirm} onCancel={props.onCancel} />;
}
