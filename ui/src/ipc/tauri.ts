// The real backend: typed wrappers over the Rust commands. Command names and argument names
// must match `#[tauri::command]` functions in src-tauri/src/commands/.
import { invoke } from '@tauri-apps/api/core';
import { toCommandError } from './errors';
import type { Backend } from './backend';

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toCommandError(reason);
  }
}

export const tauriBackend: Backend = {
  kind: 'tauri',
  agentsList: (query) => call('agents_list', { query }),
};
