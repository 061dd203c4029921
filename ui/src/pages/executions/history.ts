// Pure logic of the Executions pages: filters → the `executions_list` and `executions_logs`
// queries, how a run's steps and duration read, and formatting its JSON and log times. No
// React here, so all of it is unit-tested (history.test.ts).
import type { Execution } from '../../bindings/Execution';
import type { ExecutionQuery } from '../../bindings/ExecutionQuery';
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import type { LogLevel } from '../../bindings/LogLevel';
import type { LogQuery } from '../../bindings/LogQuery';
import type { TriggerType } from '../../bindings/TriggerType';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

export const STATUSES: readonly ExecutionStatus[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'];
export const TRIGGERS: readonly TriggerType[] = ['MANUAL', 'SCHEDULED', 'API', 'WEBHOOK', 'EVENT'];
export const LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export interface HistoryFilters {
  status: ExecutionStatus | '';
  workflowId: string;
  triggerType: TriggerType | '';
}

export function emptyHistoryFilters(): HistoryFilters {
  return { status: '', workflowId: '', triggerType: '' };
}

export function isHistoryFiltered(f: HistoryFilters): boolean {
  return f.status !== '' || f.workflowId !== '' || f.triggerType !== '';
}

/** Newest first; empty filters are left out. */
export function buildExecutionQuery(f: HistoryFilters, page: number, pageSize: number): ExecutionQuery {
  const query: ExecutionQuery = { page, pageSize, sortBy: 'createdAt', sortOrder: 'desc' };
  if (f.status !== '') query.status = f.status;
  if (f.workflowId !== '') query.workflowId = f.workflowId;
  if (f.triggerType !== '') query.triggerType = f.triggerType;
  return query;
}

/**
 * Filters given in the hash's query (`#/executions?workflowId=…&status=FAILED`), so another
 * page can link to a workflow's runs; unknown or malformed values are ignored.
 */
export function filtersFromHash(hash: string): HistoryFilters {
  const f = emptyHistoryFilters();
  const q = hash.indexOf('?');
  if (q < 0) return f;
  const params = new URLSearchParams(hash.slice(q + 1));
  const status = params.get('status')?.toUpperCase();
  if (status && (STATUSES as readonly string[]).includes(status)) f.status = status as ExecutionStatus;
  const trigger = params.get('triggerType')?.toUpperCase();
  if (trigger && (TRIGGERS as readonly string[]).includes(trigger)) f.triggerType = trigger as TriggerType;
  const workflowId = params.get('workflowId');
  if (workflowId && /^[0-9a-f-]{36}$/i.test(workflowId)) f.workflowId = workflowId.toLowerCase();
  return f;
}

export interface LogFilters {
  level: LogLevel | '';
  stepKey: string;
}

export function emptyLogFilters(): LogFilters {
  return { level: '', stepKey: '' };
}

/** Oldest first (the order a run happened in); empty filters are left out. */
export function buildLogQuery(f: LogFilters, page: number, pageSize: number): LogQuery {
  const query: LogQuery = { page, pageSize, sortOrder: 'asc' };
  if (f.level !== '') query.level = f.level;
  if (f.stepKey !== '') query.stepKey = f.stepKey;
  return query;
}

/** A run that may still change, so it can be cancelled. */
export function isCancellable(status: ExecutionStatus): boolean {
  return status === 'PENDING' || status === 'RUNNING';
}

/** "3 steps", "2 of 3 done", "2 of 3 done · 1 failed". */
export function stepsLabel(e: Pick<Execution, 'stepsTotal' | 'stepsCompleted' | 'stepsFailed'>): string {
  const failed = e.stepsFailed > 0 ? ` · ${e.stepsFailed} failed` : '';
  if (e.stepsCompleted === 0 && e.stepsFailed === 0) return `${e.stepsTotal} ${e.stepsTotal === 1 ? 'step' : 'steps'}`;
  return `${e.stepsCompleted} of ${e.stepsTotal} done${failed}`;
}

/**
 * How long the run took: its recorded duration, or for a running one the time since it
 * started; null when it has not started.
 */
export function runDurationMs(e: Pick<Execution, 'durationMs' | 'startedAt' | 'status'>, now: number): number | null {
  if (e.durationMs !== null) return e.durationMs;
  if (e.status === 'RUNNING' && e.startedAt !== null) return Math.max(0, now - Date.parse(e.startedAt));
  return null;
}

/** Whether a JSON value holds anything worth a panel (not null, {}, [] or ""). */
export function hasContent(v: JsonValue): boolean {
  if (v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Indented JSON for a <pre>. */
export function prettyJson(v: JsonValue): string {
  return JSON.stringify(v, null, 2);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A log row's local time of day with milliseconds: "14:03:07.250". */
export function logTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
