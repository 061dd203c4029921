// Shows a new key's full text, the one time it exists outside the backend's answer. Closing the
// dialog drops it: the page keeps no copy, and the list only ever has the prefix.
import { useRef, useState } from 'react';
import { Modal } from '../../components/Modal';

type CopyState = 'idle' | 'copied' | 'selected';

export function CreatedKeyDialog(props: { name: string; apiKey: string; onClose: () => void }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const keyRef = useRef<HTMLElement>(null);

  const selectKey = () => {
    const el = keyRef.current;
    const selection = window.getSelection();
    if (!el || !selection) return;
    selection.selectAllChildren(el);
  };

  const copyKey = async () => {
    try {
      // Absent or refused outside a secure context or without permission: select instead.
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(props.apiKey);
      setCopy('copied');
    } catch {
      selectKey();
      setCopy('selected');
    }
  };

  return (
    <Modal title={`API key “${props.name}” created`}>
      <p>
        <strong>Copy this key now. It will not be shown again</strong> — Turbocat keeps only a fingerprint of it, so
        a lost key cannot be recovered, only revoked and replaced.
      </p>
      <code ref={keyRef} className="secret" aria-label="The new API key" onClick={selectKey}>
        {props.apiKey}
      </code>
      <div className="dialog-actions">
        {copy !== 'idle' && (
          <span className="muted" role="status">
            {copy === 'copied' ? 'Copied to the clipboard.' : 'Selected — press Ctrl+C to copy.'}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="secondary" autoFocus onClick={() => void copyKey()}>
          Copy
        </button>
        <button type="button" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
