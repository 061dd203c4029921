// What the in-memory backend's areas share: ids, the clock, change events, the audit log,
// paging and its two refusals. Its data is illustrative only: it serves sample rows and stores
// what it is given without checking it (every rule and message lives in Rust); the app itself
// always uses the Tauri backend.
import type { AuditLog } from '../../bindings/AuditLog';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { CommandError, Page } from '../types';

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

/** What the preview cannot do without the app (files, the engine, the system). */
export function unavailable(what: string): never {
  const error: CommandError = { code: 'INTERNAL', message: `${what} is not available in the browser preview; run the app.` };
  throw error;
}

/** An id the preview's sample data does not hold. */
export function notFound(): never {
  const error: CommandError = { code: 'NOT_FOUND', message: 'Not in the browser preview’s sample data.' };
  throw error;
}

