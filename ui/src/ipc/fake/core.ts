// What the in-memory backend's areas share: ids, the clock, errors, change events, the audit
// log and paging. Its data is illustrative only; the app itself always uses the Tauri backend.
import type { AuditLog } from '../../bindings/AuditLog';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { CommandError, FieldError, Page } from '../types';

export const USER = '00000000-0000-7000-8000-000000000000';
let counter = 0;

export function newId(): string {
  counter += 1;
  return `00000000-0000-7000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export function now(): string {
  return new Date().toISOString();
}

export const auditRows: AuditLog[] = [];

export function audit(action: string, resourceType: string, resourceId: string, changes: JsonValue) {
  auditRows.push({
    id: newId(),
    userId: USER,
    action,
    resourceType,
    resourceId,
    changes,
    metadata: {},
    ipAddress: null,
    userAgent: null,
    createdAt: now(),
  });
}

export function paged<T>(rows: T[], page = 1, pageSize = 20): Page<T> {
  return structuredClone({
    items: rows.slice((page - 1) * pageSize, page * pageSize),
    total: rows.length,
    page,
    pageSize,
    totalPages: Math.ceil(rows.length / pageSize),
  });
}

export const listeners = new Set<() => void>();

export function changed() {
  // Like the real event, it arrives after the write has returned.
  setTimeout(() => listeners.forEach((l) => l()), 0);
}

export function fail(code: CommandError['code'], message: string, fields?: FieldError[]): never {
  const error: CommandError = fields ? { code, message, fields } : { code, message };
  throw error;
}

