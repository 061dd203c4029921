// The interface the UI talks to. It has a Tauri implementation and an in-memory one, so the UI
// can be previewed in a browser (`npm run dev -w ui`) and tested without a webview.
import type { Agent, AgentQuery, Page } from './types';

export interface Backend {
  /** Which implementation is in use; the UI shows a notice when it is not the real one. */
  readonly kind: 'tauri' | 'fake';
  /** Rejects with a CommandError. */
  agentsList(query: AgentQuery): Promise<Page<Agent>>;
}
