// The real backend: typed wrappers over the Rust commands. Command names and argument names
// must match `#[tauri::command]` functions in src-tauri/src/commands/.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toCommandError } from './errors';
import type { Backend } from './backend';

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toCommandError(reason);
  }
}

/** Emitted by src-tauri/src/events.rs whenever the database's data version moves. */
const DB_CHANGED = 'db-changed';

export const tauriBackend: Backend = {
  kind: 'tauri',
  agentsList: (query) => call('agents_list', { query }),
  agentsGet: (id) => call('agents_get', { id }),
  agentsCreate: (input) => call('agents_create', { input }),
  agentsUpdate: (id, input) => call('agents_update', { id, input }),
  agentsDelete: (id) => call<null>('agents_delete', { id }).then(() => undefined),
  agentsDuplicate: (id, name) => call('agents_duplicate', { id, name: name ?? null }),
  agentsVersions: (id) => call('agents_versions', { id }),
  apiKeysList: (query) => call('api_keys_list', { query }),
  apiKeysCreate: (input) => call('api_keys_create', { input }),
  apiKeysRevoke: (id) => call('api_keys_revoke', { id }),
  auditList: (query) => call('audit_list', { query }),
  onDataChanged(callback) {
    // `listen` resolves asynchronously; an unsubscribe before that must still take effect.
    let stopped = false;
    let unlisten: (() => void) | undefined;
    listen(DB_CHANGED, () => callback())
      .then((fn) => {
        if (stopped) fn();
        else unlisten = fn;
      })
      .catch((reason: unknown) => console.error('cannot listen to db-changed', reason));
    return () => {
      stopped = true;
      unlisten?.();
    };
  },
};
