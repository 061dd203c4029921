// `{{ path }}` references offered while typing a step's inputs (docs/engine.md, "Inputs,
// outputs and templating"): workflow inputs (`inputs.<name>`), execution metadata
// (`metadata.<name>`) and the outputs of upstream steps (`<stepKey>.<field>`). Pure: the
// input box asks `suggestReferences` what to show and `applySuggestion` what to insert.
import type { AgentType } from '../../bindings/AgentType';
import { upstreamKeys } from './graph';
import type { StepDraft } from './model';

export interface Suggestion {
  /** What goes between the braces. */
  path: string;
  /** Where it comes from, for people. */
  detail: string;
}

export interface SuggestionResult {
  /** Where the typed part of the reference starts (after `{{` and spaces). */
  from: number;
  /** What was typed of it so far. */
  query: string;
  items: Suggestion[];
}

/** The execution metadata a template may read (docs/engine.md: execution id, workflow id, trigger type). */
export const METADATA_FIELDS = ['executionId', 'workflowId', 'triggerType'] as const;

/** The fields of each agent kind's output (docs/engine.md, "Agents"). */
const AGENT_OUTPUT: Record<AgentType, readonly string[]> = {
  API: ['data', 'statusCode', 'statusText', 'headers', 'responseTimeMs'],
  DATA: ['result', 'inputCount', 'outputCount', 'operationsPerformed'],
  LLM: ['content', 'parsedJson', 'model', 'finishReason', 'usage'],
  CODE: [],
  WORKFLOW: [],
};

/**
 * The fields a step's output is known to have: its outputs mapping when it declares one;
 * otherwise what its kind produces (an agent step without an agent passes its inputs through).
 */
export function outputFields(step: StepDraft, agentType: AgentType | undefined): string[] {
  const mapped = step.outputs.map((r) => r.key.trim()).filter((k) => k !== '');
  if (mapped.length > 0) return mapped;
  switch (step.stepType) {
    case 'CONDITION':
      return ['result'];
    case 'LOOP':
      return ['items', 'count'];
    case 'PARALLEL':
    case 'WAIT':
      return [];
    case 'AGENT':
      if (step.agentId === null) return step.inputs.map((r) => r.key.trim()).filter((k) => k !== '');
      return agentType ? [...AGENT_OUTPUT[agentType]] : [];
  }
}

/** What a step's inputs (and its condition or loop items) may reference. */
export function stepReferences(
  steps: readonly StepDraft[],
  uid: string,
  workflowInputs: readonly string[],
  agentTypes: ReadonlyMap<string, AgentType>,
): Suggestion[] {
  const out: Suggestion[] = [];
  for (const name of workflowInputs) if (name.trim() !== '') out.push({ path: `inputs.${name.trim()}`, detail: 'workflow input' });
  const byKey = new Map(steps.map((s) => [s.stepKey, s]));
  for (const key of upstreamKeys(steps, uid)) {
    const step = byKey.get(key)!;
    out.push({ path: key, detail: `output of ${step.stepName || key}` });
    const agentType = step.agentId ? agentTypes.get(step.agentId) : undefined;
    for (const field of outputFields(step, agentType)) out.push({ path: `${key}.${field}`, detail: `from ${step.stepName || key}` });
  }
  for (const name of METADATA_FIELDS) out.push({ path: `metadata.${name}`, detail: 'execution metadata' });
  return out;
}

/** What a step's outputs mapping may reference: what the step itself produced. */
export function outputReferences(step: StepDraft, agentType: AgentType | undefined): Suggestion[] {
  const out: Suggestion[] = [
    { path: 'result', detail: 'the main value' },
    { path: 'output', detail: 'the whole output' },
  ];
  if (agentType === 'API') {
    out.push({ path: 'response.body', detail: 'response body' }, { path: 'response.status', detail: 'HTTP status' }, { path: 'response.headers', detail: 'response headers' });
  }
  const own = step.outputs.length > 0 ? [] : outputFields(step, agentType);
  for (const field of own) out.push({ path: `output.${field}`, detail: 'output field' });
  return out;
}

const PATH_CHARS = /^[A-Za-z0-9_.-]*$/;

/**
 * The reference being typed at `caret`: after an unclosed `{{` with only path characters
 * (and leading spaces) since. `null` when the caret is not inside an open reference.
 */
export function openReference(text: string, caret: number): { from: number; query: string } | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.lastIndexOf('}}') > open) return null;
  const typed = before.slice(open + 2);
  const query = typed.trimStart();
  if (!PATH_CHARS.test(query)) return null;
  return { from: caret - query.length, query };
}

/**
 * The bare path being typed at `caret`, for expressions that name references without braces
 * (a condition: `inputs.count > 0 && fetch.statusCode == 200`): the path characters just before
 * the caret, when there are some and they do not start with a digit.
 */
export function openBareReference(text: string, caret: number): { from: number; query: string } | null {
  const word = /[A-Za-z0-9_.-]+$/.exec(text.slice(0, caret));
  if (!word || /^[0-9.-]/.test(word[0])) return null;
  return { from: caret - word[0].length, query: word[0] };
}

/**
 * The references to offer at `caret`, best first: those starting with what was typed, then
 * those containing it (case-insensitive). `null` when no reference is being typed. `bare`
 * offers them without braces (see `openBareReference`).
 */
export function suggestReferences(
  text: string,
  caret: number,
  candidates: readonly Suggestion[],
  limit = 12,
  bare = false,
): SuggestionResult | null {
  const open = bare ? openBareReference(text, caret) : openReference(text, caret);
  if (!open) return null;
  const q = open.query.toLowerCase();
  const starts: Suggestion[] = [];
  const contains: Suggestion[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.path)) continue;
    seen.add(c.path);
    const p = c.path.toLowerCase();
    if (p.startsWith(q)) starts.push(c);
    else if (q !== '' && p.includes(q)) contains.push(c);
  }
  const items = [...starts, ...contains].slice(0, limit);
  return { from: open.from, query: open.query, items };
}

/**
 * The text after choosing `path`: it replaces what was typed (and the rest of the word under the
 * caret), and the braces are closed unless they already are (or `bare`). The caret goes after.
 */
export function applySuggestion(text: string, caret: number, from: number, path: string, bare = false): { text: string; caret: number } {
  const tail = /^[A-Za-z0-9_.-]*/.exec(text.slice(caret))![0];
  const rest = text.slice(caret + tail.length);
  if (bare) return { text: text.slice(0, from) + path + rest, caret: from + path.length };
  const closing = /^\s*\}\}/.exec(rest);
  const head = text.slice(0, from) + path;
  if (closing) return { text: head + rest, caret: head.length + closing[0].length };
  return { text: `${head}}}${rest}`, caret: head.length + 2 };
}
