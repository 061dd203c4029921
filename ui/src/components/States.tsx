// The states every page shows the same way: loading, an error with its stable code, an empty
// list that says what to do, a pager, and a status badge.
import type { ReactNode } from 'react';
import type { CommandError } from '../ipc';
import type { Action } from '../lib/hooks';
import { formatDate, formatFull, label } from '../lib/format';

export function LoadingState({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/** An error from a command: its code, message and field errors; a retry or dismiss button. */
export function ErrorState(props: { error: CommandError; onRetry?: () => void; onDismiss?: () => void }) {
  const { error } = props;
  return (
    <div className="state state-error" role="alert">
      <p>
        <code className="error-code">{error.code}</code> {error.message}
      </p>
      {error.fields && error.fields.length > 0 && (
        <ul>
          {error.fields.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {props.onRetry && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
      {props.onDismiss && (
        <button type="button" onClick={props.onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

/** The error of the last action (a delete, a start), with a Dismiss button; nothing without one. */
export function ActionError({ action }: { action: Pick<Action, 'error' | 'clear'> }) {
  return action.error ? <ErrorState error={action.error} onDismiss={action.clear} /> : null;
}

/** A record a panel edits: its load error, "Loading <what>…" while `loading`, then `children`. */
export function LoadGate(props: { error: CommandError | null; loading: boolean; what: string; children: ReactNode }) {
  if (props.error) return <ErrorState error={props.error} />;
  if (props.loading) return <LoadingState what={props.what} />;
  return <>{props.children}</>;
}

/** An empty list: what it means (`title`) and what to do next (`children`). */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <p className="state-hint">{children}</p>}
    </div>
  );
}

/** The "no matches" empty state of a filtered list, with a button that clears the filters. */
export function NoMatches({ what, onClear }: { what: string; onClear: () => void }) {
  return (
    <EmptyState title={`No ${what} match these filters.`}>
      Change the search or filters, or{' '}
      <button type="button" className="link" onClick={onClear}>
        clear them all
      </button>
      .
    </EmptyState>
  );
}

export function Pager({ page, totalPages, onPage }: { page: number; totalPages: number; onPage: (page: number) => void }) {
  return (
    <div className="pager">
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span>
        Page {page} of {Math.max(1, totalPages)}
      </span>
      <button type="button" className="secondary" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </div>
  );
}

/** A status as a coloured badge; the CSS class is `badge-<status in lower case>`. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{label(status)}</span>;
}

/** A date with its full form as a tooltip, or `none` (muted) when there is none. */
export function When({ at, none }: { at: string | null; none: string }) {
  if (at === null) return <span className="muted">{none}</span>;
  return (
    <time dateTime={at} title={formatFull(at)}>
      {formatDate(at)}
    </time>
  );
}
