// The real backend: typed wrappers over the Rust commands. Command names and argument names
// must match `#[tauri::command]` functions in src-tauri/src/commands/.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toCommandError } from './errors';
import type { Backend } from './backend';
import type { LastSync } from '../bindings/LastSync';
import type { RunEvent } from '../bindings/RunEvent';
import type { SyncProgress } from '../bindings/SyncProgress';

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toCommandError(reason);
  }
}

/** For commands that return nothing (`()` arrives as null). */
const done = (p: Promise<unknown>): Promise<void> => p.then(() => undefined);

/** Emitted by src-tauri/src/events.rs whenever the database's data version moves. */
const DB_CHANGED = 'db-changed';
/** Emitted by src-tauri/src/commands/runs.rs for each event of every run. */
const RUN_EVENT = 'run-event';
/** Emitted by src-tauri/src/commands/sync.rs while a sync runs, and when it ends. */
const SYNC_PROGRESS = 'sync-progress';
const SYNC_FINISHED = 'sync-finished';

/** Listens to a Tauri event; returns the function that stops. `listen` resolves asynchronously, so an unsubscribe before that must still take effect. */
function subscribe<T>(event: string, callback: (payload: T) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  listen<T>(event, (e) => callback(e.payload))
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch((reason: unknown) => console.error(`cannot listen to ${event}`, reason));
  return () => {
    stopped = true;
    unlisten?.();
  };
}

export const tauriBackend: Backend = {
  kind: 'tauri',
  agentsList: (query) => call('agents_list', { query }),
  agentsGet: (id) => call('agents_get', { id }),
  agentsCreate: (input) => call('agents_create', { input }),
  agentsUpdate: (id, input) => call('agents_update', { id, input }),
  agentsDelete: (id) => done(call('agents_delete', { id })),
  agentsDuplicate: (id, name) => call('agents_duplicate', { id, name: name ?? null }),
  agentsVersions: (id) => call('agents_versions', { id }),

  workflowsList: (query) => call('workflows_list', { query }),
  workflowsGet: (id) => call('workflows_get', { id }),
  workflowsCreate: (input) => call('workflows_create', { input }),
  workflowsUpdate: (id, input) => call('workflows_update', { id, input }),
  workflowsDelete: (id) => done(call('workflows_delete', { id })),
  workflowsValidate: (steps, definition) => done(call('workflows_validate', { steps, definition: definition ?? null })),
  workflowsExecutions: (id, query) => call('workflows_executions', { id, query }),
  workflowsNextRuns: (cron, timezone, count) => call('workflows_next_runs', { cron, timezone, count: count ?? null }),

  templatesList: (query) => call('templates_list', { query }),
  templatesCategories: () => call('templates_categories', {}),
  templatesGet: (id) => call('templates_get', { id }),
  templatesInstantiate: (id, input) => call('templates_instantiate', { id, input: input ?? null }),
  templatesSaveAgent: (agentId, input) => call('templates_save_agent', { agentId, input }),
  templatesSaveWorkflow: (workflowId, input) => call('templates_save_workflow', { workflowId, input }),
  templatesRate: (id, rating) => call('templates_rate', { id, rating }),

  executionsCreate: (input) => call('executions_create', { input }),
  executionsList: (query) => call('executions_list', { query }),
  executionsGet: (id) => call('executions_get', { id }),
  executionsLogs: (id, query) => call('executions_logs', { id, query }),
  executionsCancel: (id) => call('executions_cancel', { id }),
  executionsRun: (workflowId, input) => call('executions_run', { workflowId, input }),
  executionsRerun: (id, fromFailedStep) => call('executions_rerun', { id, fromFailedStep }),

  dashboardStats: (query) => call('dashboard_stats', { query }),

  deploymentsList: (query) => call('deployments_list', { query }),
  deploymentsGet: (id) => call('deployments_get', { id }),
  deploymentsCreate: (input) => call('deployments_create', { input }),
  deploymentsUpdate: (id, input) => call('deployments_update', { id, input }),
  deploymentsStart: (id) => call('deployments_start', { id }),
  deploymentsStop: (id) => call('deployments_stop', { id }),
  deploymentsDelete: (id) => done(call('deployments_delete', { id })),

  apiKeysList: (query) => call('api_keys_list', { query }),
  apiKeysCreate: (input) => call('api_keys_create', { input }),
  apiKeysRevoke: (id) => call('api_keys_revoke', { id }),
  auditList: (query) => call('audit_list', { query }),
  profileGet: () => call('profile_get', {}),
  profileUpdate: (input) => call('profile_update', { input }),
  preferencesUpdate: (patch) => call('preferences_update', { patch }),

  dataTables: () => call('data_tables', {}),
  dataRows: (query) => call('data_rows', { query }),
  dataRelated: (table, id) => call('data_related', { table, id }),
  dataUpdate: (table, id, patch) => call('data_update', { table, id, patch }),

  settingsGet: () => call('settings_get', {}),
  settingsSetSeed: (enabled) => call('settings_set_seed', { enabled }),
  settingsReveal: () => done(call('settings_reveal', {})),
  dbBackup: () => call('db_backup', {}),
  dbRestore: () => call('db_restore', {}),
  bundleExport: (selection) => call('bundle_export', { selection }),
  bundleImport: (options) => call('bundle_import', { options }),

  syncSettingsGet: () => call('sync_settings_get', {}),
  syncSettingsSave: (input) => call('sync_settings_save', { input }),
  syncDisconnect: () => call('sync_disconnect', {}),
  syncTest: (input) => call('sync_test', { input }),
  syncInit: () => call('sync_init', {}),
  syncNow: () => call('sync_now', {}),
  syncConflicts: (all) => call('sync_conflicts', { all }),
  syncRestore: (id) => call('sync_restore', { id }),

  reportFirstPaint() {
    call('startup_painted', {}).catch((reason: unknown) => console.error('startup_painted', reason));
  },
  onDataChanged: (callback) => subscribe(DB_CHANGED, () => callback()),
  onRunEvent: (callback) => subscribe<RunEvent>(RUN_EVENT, callback),
  onSyncProgress: (callback) => subscribe<SyncProgress>(SYNC_PROGRESS, callback),
  onSyncFinished: (callback) => subscribe<LastSync>(SYNC_FINISHED, callback),
};
