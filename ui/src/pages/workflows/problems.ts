// What the canvas shows of a refused step set, placed by the error's fields, never by its
// wording: `steps[2].timeoutMs` is the third step sent; `steps.<key>…` names a step by its key
// (graph and reference checks), and `steps.<key>.dependsOn.<dependency>` one of its
// dependencies, the edge drawn from the dependency to the step. The messages are shown as the
// backend wrote them.
import type { CommandError } from '../../ipc';
import { edgeId, uidsByKey } from './graph';
import type { LocalProblem } from './model';

export interface Problem {
  message: string;
  /** The steps the message is about (highlighted, the message shown on them). */
  stepUids: string[];
  /** The dependencies it is about (the edges of a cycle, a self-dependency). */
  edgeIds: string[];
}

/** The step uid and key of each step, in the order they were sent to the check. */
export interface SentStep {
  uid: string;
  stepKey: string;
}

/** `steps[<index>]<rest>`: the field of one step by its position in what was sent. */
const BY_INDEX = /^steps\[(\d+)\](.*)$/;

/** Where one field points: steps, edges, and the message to show there. */
function place(field: string, message: string, sent: readonly SentStep[], byKey: Map<string, string[]>): Problem {
  const byIndex = BY_INDEX.exec(field);
  if (byIndex) {
    const step = sent[Number(byIndex[1])];
    if (!step) return { message, stepUids: [], edgeIds: [] };
    // The checker words it `steps[2].timeoutMs must be …`; the step's key says which step.
    const text = message.startsWith(`steps[${byIndex[1]}]`) ? message.slice(`steps[${byIndex[1]}]`.length).replace(/^\./, '') : message;
    return { message: `Step "${step.stepKey || `#${Number(byIndex[1]) + 1}`}": ${text}`, stepUids: [step.uid], edgeIds: [] };
  }
  const parts = field.split('.');
  if (parts[0] !== 'steps' || parts.length < 2) return { message, stepUids: [], edgeIds: [] };
  const stepUids = byKey.get(parts[1]!) ?? [];
  const edgeIds: string[] = [];
  if (parts[2] === 'dependsOn' && parts.length === 4) {
    for (const dependant of stepUids) for (const dependency of byKey.get(parts[3]!) ?? []) edgeIds.push(edgeId(dependency, dependant));
  }
  return { message, stepUids, edgeIds };
}

/**
 * The problems of a rejected check or save. Fields that share a message (the edges of one
 * cycle) are one problem; an error without fields is a problem of the whole workflow.
 */
export function problemsFromError(error: CommandError, sent: readonly SentStep[]): Problem[] {
  if (!error.fields || error.fields.length === 0) return [{ message: error.message, stepUids: [], edgeIds: [] }];
  const byKey = uidsByKey(sent);
  const merged = new Map<string, Problem>();
  for (const f of error.fields) {
    const p = place(f.field, f.message, sent, byKey);
    const seen = merged.get(p.message);
    if (!seen) merged.set(p.message, p);
    else {
      seen.stepUids = [...new Set([...seen.stepUids, ...p.stepUids])];
      seen.edgeIds = [...new Set([...seen.edgeIds, ...p.edgeIds])];
    }
  }
  return [...merged.values()];
}

export function fromLocal(problems: readonly LocalProblem[]): Problem[] {
  return problems.map((p) => ({ message: p.message, stepUids: p.stepUid ? [p.stepUid] : [], edgeIds: [] }));
}

/** Each step's messages, joined, for its node. */
export function messagesByStep(problems: readonly Problem[]): Map<string, string> {
  const map = new Map<string, string[]>();
  for (const p of problems) for (const uid of p.stepUids) map.set(uid, [...(map.get(uid) ?? []), p.message]);
  return new Map([...map].map(([uid, messages]) => [uid, [...new Set(messages)].join('\n')]));
}

export function problemEdges(problems: readonly Problem[]): Set<string> {
  return new Set(problems.flatMap((p) => p.edgeIds));
}
