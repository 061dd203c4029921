// The shapes the Rust commands send and receive, written by hand until ui/src/bindings is
// generated from Rust (ts-rs). Keep field names and enum spellings identical to the serde
// output of turbocat-domain: camelCase fields, UPPER-case enum values.

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export interface FieldError {
  field: string;
  message: string;
}

/** What every command rejects with: a stable code to branch on and a message for people. */
export interface CommandError {
  code: ErrorCode;
  message: string;
  fields?: FieldError[];
}

export type AgentType = 'CODE' | 'API' | 'LLM' | 'DATA' | 'WORKFLOW';
export type AgentStatus = 'DRAFT' | 'ACTIVE' | 'INACTIVE' | 'ARCHIVED';

/** JSON values stored in JSONB columns; the UI treats them as opaque here. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Agent {
  id: string;
  name: string;
  description: string | null;
  type: AgentType;
  status: AgentStatus;
  version: number;
  parentId: string | null;
  userId: string;
  config: Json;
  capabilities: Json;
  parameters: Json;
  maxExecutionTime: number | null;
  maxMemoryMb: number | null;
  maxConcurrentExecutions: number | null;
  totalExecutions: number;
  successfulExecutions: number;
  failedExecutions: number;
  avgExecutionTimeMs: number;
  tags: string[] | null;
  isPublic: boolean;
  isTemplate: boolean;
  /** UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

/** Paging, sorting, search and tag filters shared by every list (turbocat_services::ListParams). */
export interface ListParams {
  /** 1-based; default 1. */
  page?: number;
  /** 1–100; default 20. */
  pageSize?: number;
  /** A sortable field, e.g. `updatedAt`; default `createdAt`. */
  sortBy?: string;
  sortOrder?: 'asc' | 'desc';
  search?: string;
  tags?: string[];
}

/** Filters for `agents_list` (turbocat_services::agents::AgentQuery); all optional. */
export interface AgentQuery extends ListParams {
  type?: AgentType;
  status?: AgentStatus;
  isPublic?: boolean;
  /** Only the current user's agents (default: also public agents of others). */
  mine?: boolean;
}

/** The sortable fields of `agents_list`. */
export type AgentSortBy =
  | 'createdAt'
  | 'updatedAt'
  | 'name'
  | 'status'
  | 'type'
  | 'version'
  | 'totalExecutions';

/** `agents_create` input (turbocat_services::agents::CreateAgent). */
export interface CreateAgent {
  name: string;
  description?: string;
  type: AgentType;
  status?: AgentStatus;
  config?: Json;
  capabilities?: Json;
  parameters?: Json;
  maxExecutionTime?: number;
  maxMemoryMb?: number;
  maxConcurrentExecutions?: number;
  tags?: string[];
  isPublic?: boolean;
}

/**
 * `agents_update` input (turbocat_services::agents::UpdateAgent): only the fields that change.
 * `description: null` clears the description; the limits cannot be cleared once set. `type`, if
 * sent, must equal the current type. An input with no field is a VALIDATION_ERROR.
 */
export interface UpdateAgent {
  name?: string;
  description?: string | null;
  type?: AgentType;
  status?: AgentStatus;
  config?: Json;
  capabilities?: Json;
  parameters?: Json;
  maxExecutionTime?: number;
  maxMemoryMb?: number;
  maxConcurrentExecutions?: number;
  tags?: string[];
  isPublic?: boolean;
}
