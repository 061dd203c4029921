// The API Keys page: a searchable, paged list of keys (prefix only), the "New API key" panel,
// the one-time display of a new key, and revoke. Logic lives in pages/api-keys/keys.ts, rules in Rust.
import { SearchBox, Toolbar } from '../components/Filters';
import { useRef, useState } from 'react';
import { backend } from '../ipc';
import type { ApiKey } from '../bindings/ApiKey';
import type { CreatedApiKey } from '../bindings/CreatedApiKey';
import type { ListParams } from '../bindings/ListParams';
import { ListView } from '../components/ListView';
import { ConfirmDialog } from '../components/Modal';
import { Page, ShortcutHints } from '../components/Page';
import { ActionError, EmptyState, When } from '../components/States';
import { ChipList, DataTable, NameCell } from '../components/Table';
import { count } from '../lib/format';
import { useAction, useDebounced, usePagedList, useShortcuts } from '../lib/hooks';
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
  const action = useAction();
  const searchRef = useRef<HTMLInputElement>(null);

  const list = usePagedList(
    (page) => {
      const query: ListParams = { page, pageSize: PAGE_SIZE, sortBy: 'createdAt', sortOrder: 'desc' };
      if (search) query.search = search;
      return backend.apiKeysList(query);
    },
    [search],
  );
  const { shown, reload } = list;
  const now = new Date();

  useShortcuts(
    { panelOpen, dialogOpen: dialog !== null, hasSelection: false },
    {
      new: () => setPanelOpen(true),
      focusSearch: () => searchRef.current?.focus(),
      close: () => (dialog ? setDialog(null) : setPanelOpen(false)),
    },
  );

  const revoke = (key: ApiKey) => {
    setDialog(null);
    return action.run(async () => {
      await backend.apiKeysRevoke(key.id);
      reload();
    });
  };

  return (
    <Page
      headingId="api-keys-heading"
      title="API Keys"
      count={shown && count(shown.total, 'key')}
      actions={
        <button type="button" onClick={() => setPanelOpen(true)} title="New API key (N)">
          New API key
        </button>
      }
    >
      <Toolbar>
        <SearchBox ref={searchRef} label="Search API keys" placeholder="Search name or prefix  ( / )" value={searchText} onChange={setSearchText} />
      </Toolbar>

      <ActionError action={action} />

      <ListView
        list={list}
        loading="API keys"
        what="API keys"
        filtered={search !== ''}
        noMatches={
          <EmptyState title={`No API keys match “${search}”.`}>
            <button type="button" className="link" onClick={() => setSearchText('')}>
              Clear the search
            </button>
            .
          </EmptyState>
        }
        empty={
          <EmptyState title="No API keys yet.">
            Click <strong>New API key</strong> or press <kbd>N</kbd>. A key lets another program call your workflows
            with the scopes you give it.
          </EmptyState>
        }
      >
        {(page, busy) => (
          <DataTable busy={busy} columns={['Name', 'Key', 'Scopes', 'Expires', 'Last used', { label: 'Uses', num: true }, 'Status']} actions>
            {page.items.map((key) => {
              const status = keyStatus(key, now);
              return (
                <tr key={key.id} data-key-id={key.id}>
                  <NameCell name={key.name} sub={`${key.rateLimitPerMinute} requests/min`} />
                  <td>
                    <code className="type" title="Only the start of the key is kept">
                      {displayPrefix(key.keyPrefix)}
                    </code>
                  </td>
                  <td>{(key.scopes ?? []).length === 0 ? <span className="muted">none</span> : <ChipList label="Scopes" items={key.scopes ?? []} />}</td>
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
          </DataTable>
        )}
      </ListView>

      <ShortcutHints
        hints={[
          ['N', 'new key'],
          ['/', 'search'],
          ['Esc', 'close'],
        ]}
      />

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
    </Page>
  );
}
