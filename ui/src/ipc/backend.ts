// The interface the UI talks to. It has a Tauri implementation and an in-memory one, so the UI
// can be previewed in a browser (`npm run dev -w ui`) and tested without a webview. One method
// per Rust command (src-tauri/src/commands), grouped by area; every method rejects with a
// CommandError.
import type { ApiKey } from '../bindings/ApiKey';
import type { AuditLog } from '../bindings/AuditLog';
import type { AuditQuery } from '../bindings/AuditQuery';
import type { CreateApiKey } from '../bindings/CreateApiKey';
import type { CreatedApiKey } from '../bindings/CreatedApiKey';
import type { CreateDeployment } from '../bindings/CreateDeployment';
import type { CreateExecution } from '../bindings/CreateExecution';
import type { CreateWorkflow } from '../bindings/CreateWorkflow';
import type { DashboardStats } from '../bindings/DashboardStats';
import type { DataQuery } from '../bindings/DataQuery';
import type { DataTable } from '../bindings/DataTable';
import type { Deployment } from '../bindings/Deployment';
import type { DeploymentQuery } from '../bindings/DeploymentQuery';
import type { Execution } from '../bindings/Execution';
import type { ExecutionDetail } from '../bindings/ExecutionDetail';
import type { ExecutionLog } from '../bindings/ExecutionLog';
import type { ExecutionQuery } from '../bindings/ExecutionQuery';
import type { ExportOutcome } from '../bindings/ExportOutcome';
import type { ExportSelection } from '../bindings/ExportSelection';
import type { ImportOptions } from '../bindings/ImportOptions';
import type { ImportOutcome } from '../bindings/ImportOutcome';
import type { Instantiate } from '../bindings/Instantiate';
import type { Instantiated } from '../bindings/Instantiated';
import type { LastSync } from '../bindings/LastSync';
import type { ListParams } from '../bindings/ListParams';
import type { LogQuery } from '../bindings/LogQuery';
import type { RelatedRows } from '../bindings/RelatedRows';
import type { SyncConflict } from '../bindings/SyncConflict';
import type { SyncConnectionInput } from '../bindings/SyncConnectionInput';
import type { SyncOutcome } from '../bindings/SyncOutcome';
import type { SyncProgress } from '../bindings/SyncProgress';
import type { SyncSettings } from '../bindings/SyncSettings';
import type { SyncTest } from '../bindings/SyncTest';
import type { RunEvent } from '../bindings/RunEvent';
import type { JsonValue } from '../bindings/serde_json/JsonValue';
import type { RestoreOutcome } from '../bindings/RestoreOutcome';
import type { SaveAsTemplate } from '../bindings/SaveAsTemplate';
import type { SettingsInfo } from '../bindings/SettingsInfo';
import type { StatsQuery } from '../bindings/StatsQuery';
import type { StepInput } from '../bindings/StepInput';
import type { Template } from '../bindings/Template';
import type { TemplateQuery } from '../bindings/TemplateQuery';
import type { UpdateDeployment } from '../bindings/UpdateDeployment';
import type { UpdateProfile } from '../bindings/UpdateProfile';
import type { UpdateWorkflow } from '../bindings/UpdateWorkflow';
import type { User } from '../bindings/User';
import type { Workflow } from '../bindings/Workflow';
import type { WorkflowQuery } from '../bindings/WorkflowQuery';
import type { WorkflowWithSteps } from '../bindings/WorkflowWithSteps';
import type { Agent, AgentQuery, CreateAgent, Json, Page, UpdateAgent } from './types';

export interface AgentsApi {
  agentsList(query: AgentQuery): Promise<Page<Agent>>;
  agentsGet(id: string): Promise<Agent>;
  agentsCreate(input: CreateAgent): Promise<Agent>;
  agentsUpdate(id: string, input: UpdateAgent): Promise<Agent>;
  /** Soft delete: the row stays in its family's version list, marked deleted. */
  agentsDelete(id: string): Promise<void>;
  /** A new draft version of the agent's family; without a name, "Copy of <name>". */
  agentsDuplicate(id: string, name?: string): Promise<Agent>;
  /** Every version of the agent's family, deleted ones too, highest version first. */
  agentsVersions(id: string): Promise<Agent[]>;
}

export interface WorkflowsApi {
  workflowsList(query: WorkflowQuery): Promise<Page<Workflow>>;
  workflowsGet(id: string): Promise<WorkflowWithSteps>;
  workflowsCreate(input: CreateWorkflow): Promise<WorkflowWithSteps>;
  /** `input.steps` is the whole desired step set, diffed by step key (what the canvas saves). */
  workflowsUpdate(id: string, input: UpdateWorkflow): Promise<WorkflowWithSteps>;
  workflowsDelete(id: string): Promise<void>;
  /**
   * The checks of a save without saving (fields, graph, `{{…}}` references against the declared
   * inputs of `definition`); rejects with the error whose fields place each problem.
   */
  workflowsValidate(steps: StepInput[], definition?: JsonValue): Promise<void>;
  workflowsExecutions(id: string, query: ExecutionQuery): Promise<Page<Execution>>;
  /** The next `count` (1–20, default 5) run times of a cron schedule in an IANA zone, after now. */
  workflowsNextRuns(cron: string, timezone: string, count?: number): Promise<string[]>;
}

export interface TemplatesApi {
  templatesList(query: TemplateQuery): Promise<Page<Template>>;
  templatesCategories(): Promise<string[]>;
  templatesGet(id: string): Promise<Template>;
  /** Creates an agent, or a workflow with its steps, from the template in one transaction. */
  templatesInstantiate(id: string, input?: Instantiate): Promise<Instantiated>;
  templatesSaveAgent(agentId: string, input: SaveAsTemplate): Promise<Template>;
  templatesSaveWorkflow(workflowId: string, input: SaveAsTemplate): Promise<Template>;
  /** `rating` is 1–5; returns the template with its new average. */
  templatesRate(id: string, rating: number): Promise<Template>;
}

export interface ExecutionsApi {
  /** A pending run of an ACTIVE workflow with steps (the engine runs it once it exists). */
  executionsCreate(input: CreateExecution): Promise<Execution>;
  executionsList(query: ExecutionQuery): Promise<Page<Execution>>;
  executionsGet(id: string): Promise<ExecutionDetail>;
  /** Oldest first unless the query says otherwise. */
  executionsLogs(id: string, query: LogQuery): Promise<Page<ExecutionLog>>;
  executionsCancel(id: string): Promise<Execution>;
}

/** The workflow engine (src-tauri/src/commands/runs.rs). Both return the new execution at once, while it runs. */
export interface RunsApi {
  /** Starts a manual run of a workflow; `input` is checked against its declared inputs. */
  executionsRun(workflowId: string, input: JsonValue): Promise<Execution>;
  /**
   * Runs a finished execution again with the same input (its `triggerData.rerunOf` names the
   * original); `fromFailedStep` reuses the outputs of the steps that completed.
   */
  executionsRerun(id: string, fromFailedStep: boolean): Promise<Execution>;
}

export interface DashboardApi {
  /** Counts, recent runs, runs per day over `query.days` (success rate, duration) and top lists. */
  dashboardStats(query: StatsQuery): Promise<DashboardStats>;
}

export interface DeploymentsApi {
  deploymentsList(query: DeploymentQuery): Promise<Page<Deployment>>;
  /** Environment variables come back masked. */
  deploymentsGet(id: string): Promise<Deployment>;
  deploymentsCreate(input: CreateDeployment): Promise<Deployment>;
  deploymentsUpdate(id: string, input: UpdateDeployment): Promise<Deployment>;
  /** STOPPED/FAILED → STARTING → RUNNING, as one action. */
  deploymentsStart(id: string): Promise<Deployment>;
  /** RUNNING → STOPPING → STOPPED, as one action. */
  deploymentsStop(id: string): Promise<Deployment>;
  deploymentsDelete(id: string): Promise<void>;
}

export interface AccountApi {
  /** The current user's API keys; rows carry only the key's display prefix, never the key. */
  apiKeysList(query: ListParams): Promise<Page<ApiKey>>;
  /** The only answer that holds the plain key; it cannot be fetched again. */
  apiKeysCreate(input: CreateApiKey): Promise<CreatedApiKey>;
  /** Deactivates the key; the row stays listed as revoked. */
  apiKeysRevoke(id: string): Promise<ApiKey>;
  /** Audit rows; newest first unless the query sorts otherwise. */
  auditList(query: AuditQuery): Promise<Page<AuditLog>>;
  profileGet(): Promise<User>;
  profileUpdate(input: UpdateProfile): Promise<User>;
  /** Merges `patch` into the preferences (a key set to null is removed); returns them all. */
  preferencesUpdate(patch: Json): Promise<Json>;
}

export interface DataApi {
  /** The ten tables with their columns and row counts. */
  dataTables(): Promise<DataTable[]>;
  /** Rows as JSON objects keyed by column name. */
  dataRows(query: DataQuery): Promise<Page<Json>>;
  /** The rows a row points to and the rows that point to it. */
  dataRelated(table: string, id: string): Promise<RelatedRows[]>;
  /**
   * Changes the given columns (API names, of the table's `editable` list) of one row through
   * that table's service, so its rules and the audit log apply; returns the row as shown.
   */
  dataUpdate(table: string, id: string, patch: Json): Promise<Json>;
}

export interface SettingsApi {
  settingsGet(): Promise<SettingsInfo>;
  /** Whether a new (empty) database file gets the demo content on its first start. */
  settingsSetSeed(enabled: boolean): Promise<SettingsInfo>;
  /** Shows the database file in the system's file manager. */
  settingsReveal(): Promise<void>;
  /** Each of these opens a native file dialog; `null` when the user cancels it. */
  dbBackup(): Promise<string | null>;
  dbRestore(): Promise<RestoreOutcome | null>;
  bundleExport(selection: ExportSelection): Promise<ExportOutcome | null>;
  bundleImport(options: ImportOptions): Promise<ImportOutcome | null>;
}

export interface SyncApi {
  /** The saved far connection (no password), where its password is, the local sync status. */
  syncSettingsGet(): Promise<SyncSettings>;
  /** Saves the connection; a password (in the URL or the field) goes to the OS keychain. */
  syncSettingsSave(input: SyncConnectionInput): Promise<SyncSettings>;
  /** Forgets the connection and its password; synced data stays. */
  syncDisconnect(): Promise<SyncSettings>;
  /** Connects with the form's values and runs the compatibility check; writes nothing. */
  syncTest(input: SyncConnectionInput): Promise<SyncTest>;
  /** Creates the ten tables in the saved connection's empty schema. */
  syncInit(): Promise<SyncTest>;
  /** Pulls then pushes; progress arrives through `onSyncProgress`. */
  syncNow(): Promise<SyncOutcome>;
  syncConflicts(all: boolean): Promise<SyncConflict[]>;
  /** Puts a conflict's losing version back as a new edit; the next sync sends it. */
  syncRestore(id: number): Promise<SyncConflict>;
  /** Progress of the sync in flight (the Tauri event `sync-progress`). Returns the function that stops listening. */
  onSyncProgress(callback: (progress: SyncProgress) => void): () => void;
  /** The end of every sync, also background ones (the Tauri event `sync-finished`). */
  onSyncFinished(callback: (last: LastSync) => void): () => void;
}

export interface Backend
  extends AgentsApi, WorkflowsApi, TemplatesApi, ExecutionsApi, RunsApi, DashboardApi, DeploymentsApi, AccountApi, DataApi, SettingsApi, SyncApi {
  /** Which implementation is in use; the UI shows a notice when it is not the real one. */
  readonly kind: 'tauri' | 'fake';
  /**
   * Calls `callback` after any write to the data, from this window or elsewhere (the Tauri
   * event `db-changed`). Returns the function that stops listening.
   */
  onDataChanged(callback: () => void): () => void;
  /** Calls `callback` with each event of every run (the Tauri event `run-event`). Returns the function that stops listening. */
  onRunEvent(callback: (event: RunEvent) => void): () => void;
  /** Tells the shell the first frame with data has been painted (startup measurement). */
  reportFirstPaint(): void;
}
