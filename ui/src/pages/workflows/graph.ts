// The mapping between the steps and the canvas: a step is a node, and each `dependsOn` entry
// is an edge drawn from the dependency (source, right handle) to the step that needs it
// (target, left handle). Pure functions over the editor's document; the React Flow component
// only renders what these return.
import type { StepLive } from './live';
import type { Edge, Node } from '@xyflow/react';
import type { Point, StepDraft } from './model';

export interface StepNodeData extends Record<string, unknown> {
  step: StepDraft;
  /** The problems that name this step, joined; null when it has none. */
  problem: string | null;
  /** The agent's name for an agent step, when it is known. */
  agentName: string | null;
  /** The step in the latest run of this workflow, while it is shown. */
  live: StepLive | null;
}

export type StepNode = Node<StepNodeData, 'step'>;
export type DependencyEdge = Edge<Record<string, never>>;

export const edgeId = (sourceUid: string, targetUid: string): string => `${sourceUid}->${targetUid}`;

/** The uids of the steps holding each key (more than one when keys are duplicated). */
export function uidsByKey(steps: readonly Pick<StepDraft, 'uid' | 'stepKey'>[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const s of steps) {
    const list = map.get(s.stepKey);
    if (list) list.push(s.uid);
    else map.set(s.stepKey, [s.uid]);
  }
  return map;
}

export interface Dependency {
  id: string;
  source: string;
  target: string;
}

/** Every drawable dependency; a key that no step has draws nothing. */
export function dependencies(steps: readonly StepDraft[]): Dependency[] {
  const byKey = uidsByKey(steps);
  const out: Dependency[] = [];
  const seen = new Set<string>();
  for (const s of steps) {
    for (const key of s.dependsOn) {
      for (const source of byKey.get(key) ?? []) {
        const id = edgeId(source, s.uid);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ id, source, target: s.uid });
      }
    }
  }
  return out;
}

export interface NodeOptions {
  problems?: ReadonlyMap<string, string>;
  selected?: ReadonlySet<string>;
  agentNames?: ReadonlyMap<string, string>;
  /** The latest run's steps, by step key. */
  live?: Readonly<Record<string, StepLive>> | undefined;
  /** Sizes React Flow measured, handed back so it need not measure a node again. */
  measured?: ReadonlyMap<string, { width: number; height: number }>;
}

/** Nodes for the steps, at their positions (the origin for a step not placed yet). */
export function toNodes(steps: readonly StepDraft[], positions: Readonly<Record<string, Point>>, options: NodeOptions = {}): StepNode[] {
  return steps.map((step) => {
    const node: StepNode = {
      id: step.uid,
      type: 'step',
      position: positions[step.uid] ?? { x: 0, y: 0 },
      selected: options.selected?.has(step.uid) ?? false,
      data: {
        step,
        problem: options.problems?.get(step.uid) ?? null,
        agentName: (step.agentId && options.agentNames?.get(step.agentId)) || null,
        live: options.live?.[step.stepKey] ?? null,
      },
    };
    const measured = options.measured?.get(step.uid);
    if (measured) node.measured = measured;
    return node;
  });
}

/**
 * `next` with every node that did not change replaced by its previous object, so React Flow
 * (which compares node objects) does no work for them: dragging one node of a hundred updates
 * one.
 */
export function reuseNodes(previous: readonly StepNode[], next: StepNode[]): StepNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return next.map((n) => {
    const p = before.get(n.id);
    const same =
      p !== undefined &&
      p.position.x === n.position.x &&
      p.position.y === n.position.y &&
      p.selected === n.selected &&
      p.data.step === n.data.step &&
      p.data.problem === n.data.problem &&
      p.data.agentName === n.data.agentName &&
      p.data.live === n.data.live &&
      p.measured?.width === n.measured?.width &&
      p.measured?.height === n.measured?.height;
    return same ? p : n;
  });
}

export interface EdgeOptions {
  problems?: ReadonlySet<string>;
  selected?: ReadonlySet<string>;
}

export function toEdges(steps: readonly StepDraft[], options: EdgeOptions = {}): DependencyEdge[] {
  return dependencies(steps).map(({ id, source, target }) => {
    const problem = options.problems?.has(id) ?? false;
    return {
      id,
      source,
      target,
      selected: options.selected?.has(id) ?? false,
      animated: problem,
      ...(problem ? { className: 'wf-edge-problem' } : {}),
    };
  });
}

/**
 * The steps the canvas shows, read back: dependencies from the edges (in edge order), positions
 * from the nodes. A dependency on a key no node has was never drawn; it is kept as it was.
 */
export function fromCanvas(nodes: readonly StepNode[], edges: readonly DependencyEdge[]): { steps: StepDraft[]; positions: Record<string, Point> } {
  const keyOf = new Map(nodes.map((n) => [n.id, n.data.step.stepKey]));
  const keys = new Set(keyOf.values());
  const positions: Record<string, Point> = {};
  const steps = nodes.map((n) => {
    positions[n.id] = { x: n.position.x, y: n.position.y };
    const drawn: string[] = [];
    for (const e of edges) {
      const key = e.target === n.id ? keyOf.get(e.source) : undefined;
      if (key !== undefined && !drawn.includes(key)) drawn.push(key);
    }
    const undrawn = n.data.step.dependsOn.filter((k) => !keys.has(k));
    return { ...n.data.step, dependsOn: [...drawn, ...undrawn] };
  });
  return { steps, positions };
}

/** The steps after drawing an edge from `source` to `target`; `null` when nothing changes. */
export function connect(steps: readonly StepDraft[], sourceUid: string, targetUid: string): StepDraft[] | null {
  const source = steps.find((s) => s.uid === sourceUid);
  const target = steps.find((s) => s.uid === targetUid);
  if (!source || !target || target.dependsOn.includes(source.stepKey)) return null;
  return steps.map((s) => (s === target ? { ...s, dependsOn: [...s.dependsOn, source.stepKey] } : s));
}

/** The steps after removing the edges `ids`. */
export function disconnect(steps: readonly StepDraft[], ids: readonly string[]): StepDraft[] {
  const byUid = new Map(steps.map((s) => [s.uid, s]));
  const drop = new Map<string, Set<string>>(); // target uid → keys to drop
  for (const id of ids) {
    const [source, target] = id.split('->');
    const key = source !== undefined ? byUid.get(source)?.stepKey : undefined;
    if (key === undefined || target === undefined) continue;
    const set = drop.get(target) ?? new Set<string>();
    set.add(key);
    drop.set(target, set);
  }
  return steps.map((s) => {
    const keys = drop.get(s.uid);
    return keys ? { ...s, dependsOn: s.dependsOn.filter((k) => !keys.has(k)) } : s;
  });
}

/** The steps after deleting `uids`, with the dependencies on them removed from the others. */
export function removeSteps(steps: readonly StepDraft[], uids: readonly string[]): StepDraft[] {
  const gone = new Set(uids);
  const kept = steps.filter((s) => !gone.has(s.uid));
  const remaining = new Set(kept.map((s) => s.stepKey));
  const removedKeys = new Set(steps.filter((s) => gone.has(s.uid) && !remaining.has(s.stepKey)).map((s) => s.stepKey));
  return kept.map((s) => (s.dependsOn.some((k) => removedKeys.has(k)) ? { ...s, dependsOn: s.dependsOn.filter((k) => !removedKeys.has(k)) } : s));
}

/** The steps after renaming a step's key: dependants that named the old key follow it. */
export function renameKey(steps: readonly StepDraft[], uid: string, newKey: string): StepDraft[] {
  const step = steps.find((s) => s.uid === uid);
  if (!step || step.stepKey === newKey) return [...steps];
  const oldKey = step.stepKey;
  // Another step with the same old key (a duplicate) keeps the dependants.
  const shared = steps.some((s) => s.uid !== uid && s.stepKey === oldKey);
  return steps.map((s) => {
    if (s.uid === uid) return { ...s, stepKey: newKey };
    if (shared || oldKey === '' || !s.dependsOn.includes(oldKey)) return s;
    return { ...s, dependsOn: s.dependsOn.map((k) => (k === oldKey ? newKey : k)) };
  });
}

/** The keys of every step `uid` depends on, directly or not (cycles are tolerated). */
export function upstreamKeys(steps: readonly StepDraft[], uid: string): string[] {
  const byKey = new Map<string, StepDraft[]>();
  for (const s of steps) byKey.set(s.stepKey, [...(byKey.get(s.stepKey) ?? []), s]);
  const start = steps.find((s) => s.uid === uid);
  if (!start) return [];
  const seen = new Set<string>();
  const queue = [...start.dependsOn];
  while (queue.length > 0) {
    const key = queue.shift()!;
    if (seen.has(key) || key === start.stepKey) continue;
    seen.add(key);
    for (const s of byKey.get(key) ?? []) queue.push(...s.dependsOn);
  }
  return [...seen].filter((k) => byKey.has(k));
}
