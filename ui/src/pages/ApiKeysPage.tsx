// The API Keys page: a searchable, paged list of keys (prefix only), the "New API key" panel,
// the one-time display of a new key, and revoke. Logic lives in pages/api-keys/keys.ts, rules in Rust.
import { useCallback, useEffect, useRef, useState } from 'react';
import { backend, toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import type { ApiKey } from '../bindings/ApiKey';
import type { CreatedApiKey } from '../bindings/CreatedApiKey';
import type { ListParams } from '../bindings/ListParams';
import type { Page } from '../bindings/Page';
import { ConfirmDialog } from './agents/dialogs';
import { isTypingTarget, matchShortcut } from './agents/shortcuts';
import { CreatedKeyDialog } from './api-keys/CreatedKeyDialog';
import { KeyPanel } from './api-keys/KeyPanel';
import { displayPrefix, keyStatus } from './api-keys/keys';

type ListState =
  | { kind: 'loading'; previous?: Page<ApiKey> }
  | { kind: 'error'; error: CommandError }
  | { kind: 'ready'; page: Page<ApiKey> };

/** The created key lives only in this dialog state; closing it forgets the key. */
type Dialog = { kind: 'revoke'; key: ApiKey } | { kind: 'created'; created: CreatedApiKey } | null;

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const fullDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function When({ at, none }: { at: string | null; none: string }) {
  if (at === null) return <span className="muted">{none}</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={fullDateFormat.format(date)}>
      {dateFormat.format(date)}
    </time>
  );
}

export function ApiKeysPage() {
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [page, setPage] = useState(1);
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  const [panelOpen, setPanelOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => setPage(1), [search]);

  useEffect(() => backend.onDataChanged(() => setReloads((n) => n + 1)), []);

  useEffect(() => {
    let live = true;
    const query: ListParams = { page, pageSize: PAGE_SIZE, sortBy: 'createdAt', sortOrder: 'desc' };
    if (search) query.search = search;
    setState((s) => ({ kind: 'loading', ...(s.kind === 'ready' ? { previous: s.page } : {}) }));
    backend
      .apiKeysList(query)
      .then((result) => {
        if (!live) return;
        if (result.items.length === 0 && page > 1 && page > result.totalPages) setPage(Math.max(1, result.totalPages));
        else setState({ kind: 'ready', page: result });
      })
      .catch((reason: unknown) => live && setState({ kind: 'error', error: toCommandError(reason) }));
    // A stale answer must not overwrite a newer one.
    return () => {
      live = false;
    };
  }, [search, page, reloads]);

  const shown = state.kind === 'ready' ? state.page : state.kind === 'loading' ? state.previous : undefined;
  const now = new Date();

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const action = matchShortcut(e, {
        typing: isTypingTarget(e.target),
        panelOpen,
        dialogOpen: dialog !== null,
        hasSelection: false,
      });
      if (!action) return;
      e.preventDefault();
      if (action === 'new') setPanelOpen(true);
      else if (action === 'focusSearch') searchRef.current?.focus();
      else if (action === 'close') {
        if (dialog) setDialog(null);
        else setPanelOpen(false);
      }
    },
    [panelOpen, dialog],
  );

  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onKeyDown]);

  const revoke = async (key: ApiKey) => {
    setDialog(null);
    setActionError(null);
    try {
      await backend.apiKeysRevoke(key.id);
      setReloads((n) => n + 1);
    } catch (reason) {
      setActionError(toCommandError(reason));
    }
  };

  return (
    <section className="page" aria-labelledby="api-keys-heading">
      <div className="page-header">
        <h2 id="api-keys-heading">API Keys</h2>
        {shown && (
          <span className="count">
            {shown.total} {shown.total === 1 ? 'key' : 'keys'}
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => setPanelOpen(true)} title="New API key (N)">
          New API key
        </button>
      </div>

      <div className="toolbar" role="search">
        <input
          ref={searchRef}
          type="search"
          className="input search"
          placeholder="Search name or prefix  ( / )"
          aria-label="Search API keys"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
        />
      </div>

      {actionError && (
        <div className="state state-error" role="alert">
          <p>
            <code className="error-code">{actionError.code}</code> {actionError.message}
          </p>
          <button type="button" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </div>
      )}

      {state.kind === 'loading' && !state.previous && (
        <p className="state" role="status" aria-busy="true">
          Loading API keys…
        </p>
      )}

      {state.kind === 'error' && (
        <div className="state state-error" role="alert">
          <p>
            <code className="error-code">{state.error.code}</code> {state.error.message}
          </p>
          <button type="button" onClick={() => setReloads((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}

      {shown && shown.items.length === 0 && (
        <div className="state state-empty">
          {search ? (
            <>
              <p className="state-title">No API keys match “{search}”.</p>
              <p className="state-hint">
                <button type="button" className="link" onClick={() => setSearchText('')}>
                  Clear the search
                </button>
                .
              </p>
            </>
          ) : (
            <>
              <p className="state-title">No API keys yet.</p>
              <p className="state-hint">
                Click <strong>New API key</strong> or press <kbd>N</kbd>. A key lets another program call your
                workflows with the scopes you give it.
              </p>
            </>
          )}
        </div>
      )}

      {shown && shown.items.length > 0 && (
        <>
          <table className="table" aria-busy={state.kind === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col" className="num">
                  Uses
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((key) => {
                const status = keyStatus(key, now);
                return (
                  <tr key={key.id} data-key-id={key.id}>
                    <td>
                      <div className="cell-name">{key.name}</div>
                      <div className="cell-sub">{key.rateLimitPerMinute} requests/min</div>
                    </td>
                    <td>
                      <code className="type" title="Only the start of the key is kept">
                        {displayPrefix(key.keyPrefix)}
                      </code>
                    </td>
                    <td>
                      {(key.scopes ?? []).length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul className="tags" aria-label="Scopes">
                          {(key.scopes ?? []).map((s) => (
                            <li key={s}>
                              <span className="chip">{s}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      <When at={key.expiresAt} none="Never" />
                    </td>
                    <td>
                      <When at={key.lastUsedAt} none="Never" />
                    </td>
                    <td className="num">{key.usageCount}</td>
                    <td>
                      <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>
                    </td>
                    <td className="row-actions">
                      {key.isActive && (
                        <button type="button" className="danger" onClick={() => setDialog({ kind: 'revoke', key })}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" className="secondary" disabled={shown.page <= 1} onClick={() => setPage(shown.page - 1)}>
              ← Previous
            </button>
            <span>
              Page {shown.page} of {Math.max(1, shown.totalPages)}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={shown.page >= shown.totalPages}
              onClick={() => setPage(shown.page + 1)}
            >
              Next →
            </button>
          </div>
        </>
      )}

      <p className="hints muted">
        Shortcuts: <kbd>N</kbd> new key · <kbd>/</kbd> search · <kbd>Esc</kbd> close
      </p>

      {panelOpen && (
        <KeyPanel
          onClose={() => setPanelOpen(false)}
          onCreated={(created) => {
            setPanelOpen(false);
            setDialog({ kind: 'created', created });
            setReloads((n) => n + 1);
          }}
        />
      )}

      {dialog?.kind === 'created' && (
        <CreatedKeyDialog name={dialog.created.apiKey.name} apiKey={dialog.created.key} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'revoke' && (
        <ConfirmDialog
          title={`Revoke “${dialog.key.name}”?`}
          body="Programs using this key are refused from now on. This cannot be undone; the key stays listed as revoked."
          confirmLabel="Revoke"
          onConfirm={() => void revoke(dialog.key)}
          onCancel={() => setDialog(null)}
        />
      )}
    </section>
  );
}
