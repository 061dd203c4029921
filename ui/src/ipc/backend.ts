// The interface the UI talks to. It has a Tauri implementation and an in-memory one, so the UI
// can be previewed in a browser (`npm run dev -w ui`) and tested without a webview.
import type { ApiKey } from '../bindings/ApiKey';
import type { AuditLog } from '../bindings/AuditLog';
import type { AuditQuery } from '../bindings/AuditQuery';
import type { CreateApiKey } from '../bindings/CreateApiKey';
import type { CreatedApiKey } from '../bindings/CreatedApiKey';
import type { ListParams } from '../bindings/ListParams';
import type { Agent, AgentQuery, CreateAgent, Page, UpdateAgent } from './types';

/** Every method rejects with a CommandError. */
export interface Backend {
  /** Which implementation is in use; the UI shows a notice when it is not the real one. */
  readonly kind: 'tauri' | 'fake';
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
  /** The current user's API keys; rows carry only the key's display prefix, never the key. */
  apiKeysList(query: ListParams): Promise<Page<ApiKey>>;
  /** The only answer that holds the plain key; it cannot be fetched again. */
  apiKeysCreate(input: CreateApiKey): Promise<CreatedApiKey>;
  /** Deactivates the key; the row stays listed as revoked. */
  apiKeysRevoke(id: string): Promise<ApiKey>;
  /** Audit rows; newest first unless the query sorts otherwise. */
  auditList(query: AuditQuery): Promise<Page<AuditLog>>;
  /**
   * Calls `callback` after any write to the data, from this window or elsewhere (the Tauri
   * event `db-changed`). Returns the function that stops listening.
   */
  onDataChanged(callback: () => void): () => void;
}
