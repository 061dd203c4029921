// What the canvas shows of a refused step set: the rules.md messages of the graph checks and
// the field errors (`steps[2].timeoutMs`), mapped to the nodes and edges they are about. The
// messages come from Rust as they are; this only reads the step keys out of them.
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

const DUPLICATE = /^Duplicate step key: "(.*)"$/;
const MISSING = /^Step "(.*?)" depends on non-existent step "(.*)"$/;
const SELF = /^Step "(.*)" cannot depend on itself$/;
const CYCLE = /^Cycle detected in workflow: (.+)$/;
const FIELD = /^steps\[(\d+)\]/;
const NAMES_STEP = /^Step "(.*?)"/;

/** The problem a graph-check message describes. */
export function problemFromMessage(message: string, sent: readonly SentStep[]): Problem {
  const byKey = uidsByKey(sent);
  const uids = (key: string) => byKey.get(key) ?? [];
  let m: RegExpExecArray | null;
  if ((m = DUPLICATE.exec(message))) return { message, stepUids: uids(m[1]!), edgeIds: [] };
  if ((m = MISSING.exec(message))) return { message, stepUids: uids(m[1]!), edgeIds: [] };
  if ((m = SELF.exec(message))) return { message, stepUids: uids(m[1]!), edgeIds: uids(m[1]!).map((u) => edgeId(u, u)) };
  if ((m = CYCLE.exec(message))) {
    // `a -> b -> a`: a depends on b, b on a. An edge runs from the dependency to the dependant.
    const path = m[1]!.split(' -> ');
    const stepUids = [...new Set(path.flatMap(uids))];
    const edgeIds: string[] = [];
    for (let i = 0; i + 1 < path.length; i += 1) {
      for (const dependant of uids(path[i]!)) for (const dependency of uids(path[i + 1]!)) edgeIds.push(edgeId(dependency, dependant));
    }
    return { message, stepUids, edgeIds };
  }
  if ((m = NAMES_STEP.exec(message))) return { message, stepUids: uids(m[1]!), edgeIds: [] };
  return { message, stepUids: [], edgeIds: [] };
}

/**
 * The problems of a rejected check or save. Field errors naming `steps[i]` belong to the i-th
 * step sent; other field errors and messages are read for a step key; anything else is a
 * problem of the whole workflow.
 */
export function problemsFromError(error: CommandError, sent: readonly SentStep[]): Problem[] {
  if (error.fields && error.fields.length > 0) {
    return error.fields.map((f) => {
      const m = FIELD.exec(f.field);
      if (m) {
        const step = sent[Number(m[1])];
        // The checker words it `steps[2].timeoutMs must be …`; the step's key says which step.
        const text = f.message.replace(FIELD, '').replace(/^\./, '');
        if (step) return { message: `Step "${step.stepKey || `#${Number(m[1]) + 1}`}": ${text}`, stepUids: [step.uid], edgeIds: [] };
      }
      return problemFromMessage(f.message, sent);
    });
  }
  return [problemFromMessage(error.message, sent)];
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
