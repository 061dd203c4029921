// Re-run helpers of the execution page: which runs can re-run from their failed step, and
// which execution a re-run came from (`triggerData.rerunOf`, written by the engine).
import type { ExecutionStatus } from '../../bindings/ExecutionStatus';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

/** A finished run that did not complete has a failed (or stopped) step to re-run from. */
export function canRerunFromFailed(status: ExecutionStatus): boolean {
  return status === 'FAILED' || status === 'TIMEOUT' || status === 'CANCELLED';
}

/** The original execution of a re-run, from its trigger data; null for any other run. */
export function rerunOf(triggerData: JsonValue): { id: string; fromFailedStep: boolean } | null {
  if (!triggerData || typeof triggerData !== 'object' || Array.isArray(triggerData)) return null;
  const id = triggerData['rerunOf'];
  if (typeof id !== 'string' || id === '') return null;
  return { id, fromFailedStep: triggerData['fromFailedStep'] === true };
}
