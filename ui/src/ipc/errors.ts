// Turns whatever a rejected command gives us into a CommandError, so components only ever see
// `{code, message, fields?}` and never parse strings.
import type { CommandError, ErrorCode } from './types';

const CODES: readonly ErrorCode[] = [
  'VALIDATION_ERROR',
  'BAD_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
];

function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && CODES.includes(v.code as ErrorCode);
}

/**
 * Our commands reject with a serialized turbocat_domain::Error; Tauri itself rejects with a
 * plain string (an unknown command, a denied permission), and JavaScript with an Error. The
 * last two are bugs in the app, not user mistakes, so they become INTERNAL.
 */
export function toCommandError(reason: unknown): CommandError {
  if (isCommandError(reason)) return reason;
  if (reason instanceof Error) return { code: 'INTERNAL', message: reason.message };
  return { code: 'INTERNAL', message: String(reason) };
}
