// Small pieces shared by the Agents page and its panel.
import type { AgentStatus, AgentType } from '../../ipc';

export const TYPES: readonly AgentType[] = ['API', 'LLM', 'CODE', 'DATA', 'WORKFLOW'];
export const STATUSES: readonly AgentStatus[] = ['DRAFT', 'ACTIVE', 'INACTIVE', 'ARCHIVED'];
