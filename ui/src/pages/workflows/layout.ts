// Automatic layout of the canvas: dagre ranks the steps left to right along their
// dependencies. Runs only on open (for steps without a saved position) and on "Tidy up",
// never per render.
import dagre from '@dagrejs/dagre';
import { dependencies } from './graph';
import type { Point, StepDraft } from './model';

/** The size the step node is drawn at (workflows.css `.wf-node`). */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 84;
/** The height a node is given room for: a problem message adds up to two lines to it. */
const ROOM_HEIGHT = 112;
const RANK_GAP = 90;
const NODE_GAP = 28;

/** Top-left positions of every step, dependencies to the left of their dependants. */
export function layoutSteps(steps: readonly StepDraft[]): Record<string, Point> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', ranksep: RANK_GAP, nodesep: NODE_GAP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) g.setNode(s.uid, { width: NODE_WIDTH, height: ROOM_HEIGHT });
  for (const d of dependencies(steps)) {
    // A self-dependency is an error the checks report; it says nothing about placement.
    if (d.source !== d.target) g.setEdge(d.source, d.target);
  }
  dagre.layout(g);
  const positions: Record<string, Point> = {};
  for (const s of steps) {
    const n = g.node(s.uid) as { x: number; y: number } | undefined;
    if (n) positions[s.uid] = { x: Math.round(n.x - NODE_WIDTH / 2), y: Math.round(n.y - ROOM_HEIGHT / 2) };
  }
  return positions;
}

/**
 * Positions for a document opened with some positions missing: all of them laid out when none
 * was saved; otherwise the saved ones kept and only the missing ones taken from the layout.
 */
export function fillPositions(steps: readonly StepDraft[], saved: Readonly<Record<string, Point>>): Record<string, Point> {
  const missing = steps.filter((s) => saved[s.uid] === undefined);
  if (missing.length === 0) return { ...saved };
  const laid = layoutSteps(steps);
  if (missing.length === steps.length) return laid;
  const out: Record<string, Point> = { ...saved };
  for (const s of missing) out[s.uid] = laid[s.uid] ?? { x: 0, y: 0 };
  return out;
}

/**
 * Where a new step goes: `start` if no step is there, otherwise the first free place below it
 * (then further right), so added steps never land on top of each other.
 */
export function freeSpot(positions: Readonly<Record<string, Point>>, start: Point): Point {
  const taken = Object.values(positions);
  const overlaps = (p: Point) => taken.some((q) => Math.abs(q.x - p.x) < NODE_WIDTH + NODE_GAP && Math.abs(q.y - p.y) < ROOM_HEIGHT + NODE_GAP);
  for (let column = 0; column < 10; column += 1) {
    for (let row = 0; row < 8; row += 1) {
      const p = { x: Math.round(start.x + column * (NODE_WIDTH + RANK_GAP)), y: Math.round(start.y + row * (ROOM_HEIGHT + NODE_GAP)) };
      if (!overlaps(p)) return p;
    }
  }
  return { x: Math.round(start.x), y: Math.round(start.y) };
}
