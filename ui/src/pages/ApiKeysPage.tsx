// The API Keys page: a searchable, paged list of keys (prefix only), the "New API key" panel,
// the one-time display of a new key, and revoke. Logic lives in pages/api-keys/keys.ts, rules in Rust.
import { SearchBox } from '../components/Filters';
import { useCallback, useEffect, useRef, useState } from 'react';
import { backend, toCommandError } from '../ipc';
import type { CommandError } from '../ipc';
import type { ApiKey } from '../bindings/ApiKey';
import type { CreatedApiKey } from '../bindings/CreatedApiKey';
import type { ListParams } from '../bindings/ListParams';
import { ConfirmDialog } from '../components/Modal';
import { EmptyState, ErrorState, LoadingState, Pager, When } from '../components/States';
import { count } from '../lib/format';
import { useDebounced, usePagedList } from '../lib/hooks';
import { isTypingTarget, matchShortcut } from '../lib/shortcuts';
import { CreatedKeyDialog } from './api-keys/CreatedKeyDialog';
import { KeyPanel } from './api-keys/KeyPanel';
import { displayPrefix, keyStatus } from './api-keys/keys';

/** The created key lives only in this dialog state; closing it forgets the key. */
type Dialog = { kind: 'revoke'; key: ApiKey } | { kind: 'created'; created: CreatedApiKey } | null;

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;
export function ApiKeysPage() {
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [panelOpen, setPanelOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<CommandError | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const { state, shown, reload, setPage } = usePagedList(
    (page) => {
      const query: ListParams = { page, pageSize: PAGE_SIZE, sortBy: 'createdAt', sortOrder: 'desc' };
      if (search) query.search = search;
      return backend.apiKeysList(query);
    },
    [search],
  );
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
      reload();
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
            {count(shown.total, 'key')}
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => setPanelOpen(true)} title="New API key (N)">
          New API key
        </button>
      </div>

      <div className="toolbar" role="search">
        <SearchBox ref={searchRef} label="Search API keys" placeholder="Search name or prefix  ( / )" value={searchText} onChange={setSearchText} />
      </div>

      {actionError && <ErrorState error={actionError} onDismiss={() => setActionError(null)} />}

      {state.kind === 'loading' && !state.previous && <LoadingState what="API keys" />}

      {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

      {shown && shown.items.length === 0 && (
        search ? (
          <EmptyState title={`No API keys match “${search}”.`}>
            <button type="button" className="link" onClick={() => setSearchText('')}>
              Clear the search
            </button>
            .
          </EmptyState>
        ) : (
          <EmptyState title="No API keys yet.">
            Click <strong>New API key</strong> or press <kbd>N</kbd>. A key lets another program call your workflows
            with the scopes you give it.
          </EmptyState>
        )
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
          <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />
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
            reload();
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
