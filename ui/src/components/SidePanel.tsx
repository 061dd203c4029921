// The side panel the list pages open over themselves (create, edit, detail): the overlay that
// closes it when clicked beside the panel, the header with its title and close button, and the
// pieces of a panel's form: the body with the save error, and the footer with Cancel and submit.
import type { ReactNode } from 'react';
import type { CommandError } from '../ipc';
import { ErrorState, LoadGate } from './States';

export function SidePanel(props: {
  title: ReactNode;
  /** The id of the title, which names the dialog; "panel-title" unless told. */
  titleId?: string;
  /** More classes of the <aside>, after "panel". */
  className?: string;
  /** After the title: a version, a badge. */
  badges?: ReactNode;
  /** Buttons before the close button. */
  actions?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}) {
  const titleId = props.titleId ?? 'panel-title';
  return (
    <div className="overlay overlay-panel" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <aside className={props.className ? `panel ${props.className}` : 'panel'} role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <header className="panel-header">
          <h3 id={titleId}>{props.title}</h3>
          {props.badges}
          <span className="spacer" />
          {props.actions}
          <button type="button" className="secondary" onClick={props.onClose} aria-label="Close (Esc)">
            ×
          </button>
        </header>
        {props.children}
      </aside>
    </div>
  );
}

/** A panel's form as its body: submitting calls `onSubmit`; the save's error and the form's own error come first. */
export function PanelForm(props: { onSubmit: () => void; error: CommandError | null; formError?: string | undefined; children: ReactNode }) {
  return (
    <form
      className="panel-body"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      {props.error && <ErrorState error={props.error} />}
      {props.formError && <p className="field-error">{props.formError}</p>}
      {props.children}
    </form>
  );
}

export interface FooterProps {
  /** On the left: Delete, Duplicate, Start… */
  children?: ReactNode;
  notice?: string | null;
  onCancel: () => void;
  busy: boolean;
  submitLabel: string;
  submitTitle?: string;
}

/** A form's footer: `children` on the left, then the notice, Cancel and the submit button. */
export function PanelFooter(props: FooterProps) {
  return (
    <footer className="panel-footer">
      {props.children}
      <span className="spacer" />
      {props.notice && (
        <span className="muted" role="status">
          {props.notice}
        </span>
      )}
      <button type="button" className="secondary" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="submit" disabled={props.busy} title={props.submitTitle}>
        {props.submitLabel}
      </button>
    </footer>
  );
}

/**
 * A side panel that is a form: the record's load error or "Loading <what>…" until it is there,
 * then the form (`children`) and its footer, whose Cancel closes the panel.
 */
export function FormPanel(props: {
  title: ReactNode;
  badges?: ReactNode;
  onClose: () => void;
  loadError?: CommandError | null;
  loading?: boolean;
  what?: string;
  onSubmit: () => void;
  saveError: CommandError | null;
  formError?: string | undefined;
  footer: Omit<FooterProps, 'onCancel' | 'children'>;
  footerActions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <SidePanel title={props.title} badges={props.badges} onClose={props.onClose}>
      <LoadGate error={props.loadError ?? null} loading={props.loading ?? false} what={props.what ?? ''}>
        <PanelForm onSubmit={props.onSubmit} error={props.saveError} formError={props.formError}>
          {props.children}
          <PanelFooter onCancel={props.onClose} {...props.footer}>
            {props.footerActions}
          </PanelFooter>
        </PanelForm>
      </LoadGate>
    </SidePanel>
  );
}
