// Small pieces shared by the Agents page and its panel.
import type { AgentStatus, AgentType } from '../../ipc';

export const TYPES: readonly AgentType[] = ['API', 'LLM', 'CODE', 'DATA', 'WORKFLOW'];
export const STATUSES: readonly AgentStatus[] = ['DRAFT', 'ACTIVE', 'INACTIVE', 'ARCHIVED'];

/** "ACTIVE" → "Active": the wire value stays the stable one, people read the friendly one. */
export function label(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase();
}

export function StatusBadge({ status }: { status: AgentStatus }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{label(status)}</span>;
}
