// Pure logic of the API Keys page: how a key is shown, its status, and turning the create form
// into the backend's input. The rules (scope syntax, limits, expiry in the future) live in Rust;
// this only catches what the form can see by itself.
import type { ApiKey } from '../../bindings/ApiKey';
import type { CreateApiKey } from '../../bindings/CreateApiKey';
import type { FieldError } from '../../bindings/FieldError';

/** The stored prefix (`tc_` and nine characters) with an ellipsis: the rest is never known. */
export function displayPrefix(prefix: string): string {
  return prefix.endsWith('…') ? prefix : `${prefix}…`;
}

export type KeyStatus = 'Active' | 'Revoked' | 'Expired';

/** Revoked wins over expired: a revoked key stays revoked whatever its date. */
export function keyStatus(key: Pick<ApiKey, 'isActive' | 'expiresAt'>, now: Date): KeyStatus {
  if (!key.isActive) return 'Revoked';
  if (key.expiresAt !== null && new Date(key.expiresAt).getTime() <= now.getTime()) return 'Expired';
  return 'Active';
}

export interface KeyForm {
  name: string;
  scopes: string[];
  /** `YYYY-MM-DD` from a date input, or ''. */
  expiresOn: string;
  /** Digits as typed, or '' for the backend's default. */
  rateLimit: string;
}

export type KeyFormKey = 'name' | 'scopes' | 'expiresAt' | 'rateLimitPerMinute';
export type KeyFormErrors = Partial<Record<KeyFormKey | '_form', string>>;

export const RATE_LIMIT = { min: 1, max: 100_000, default: 60 } as const;

export function emptyKeyForm(): KeyForm {
  return { name: '', scopes: [], expiresOn: '', rateLimit: '' };
}

/** Local midnight at the start of a `YYYY-MM-DD` day, as the ISO text the backend takes. */
export function startOfDayIso(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (date.getFullYear() !== Number(m[1]) || date.getMonth() !== Number(m[2]) - 1 || date.getDate() !== Number(m[3])) return null;
  return date.toISOString();
}

/** The last millisecond of a local `YYYY-MM-DD` day, as ISO text. */
export function endOfDayIso(day: string): string | null {
  const start = startOfDayIso(day);
  if (start === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)!;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999).toISOString();
}

export type KeyParse = { ok: true; input: CreateApiKey } | { ok: false; errors: KeyFormErrors };

/** The create input, with only the fields the user filled in; the key expires at the start of its day. */
export function buildKeyInput(form: KeyForm): KeyParse {
  const errors: KeyFormErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Name is required';
  const input: CreateApiKey = { name };
  if (form.scopes.length > 0) input.scopes = [...form.scopes];
  if (form.expiresOn !== '') {
    const iso = startOfDayIso(form.expiresOn);
    if (iso === null) errors.expiresAt = 'Not a date';
    else input.expiresAt = iso;
  }
  const rate = form.rateLimit.trim();
  if (rate !== '') {
    const n = Number(rate);
    if (!/^\d+$/.test(rate) || n < RATE_LIMIT.min || n > RATE_LIMIT.max)
      errors.rateLimitPerMinute = `Must be a whole number from ${RATE_LIMIT.min} to ${RATE_LIMIT.max}`;
    else input.rateLimitPerMinute = n;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

const FORM_KEYS: ReadonlySet<string> = new Set<KeyFormKey>(['name', 'scopes', 'expiresAt', 'rateLimitPerMinute']);

/** Backend field errors next to their fields (`scopes[2]` → scopes); unknown ones on the form. */
export function mapKeyFieldErrors(fields: readonly FieldError[]): KeyFormErrors {
  const errors: KeyFormErrors = {};
  for (const { field, message } of fields) {
    const head = field.split(/[.[]/)[0] ?? '';
    const key = (FORM_KEYS.has(head) ? head : '_form') as KeyFormKey | '_form';
    const text = key === '_form' ? `${field}: ${message}` : message;
    errors[key] = errors[key] ? `${errors[key]}; ${text}` : text;
  }
  return errors;
}
