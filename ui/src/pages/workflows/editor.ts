// The builder's state in one reducer with named actions: the document being edited, the last
// saved document, undo/redo history, and the selection on the canvas. Every change to the
// document goes through here, so undo covers all of them; the selection is not part of history.
import type { WorkflowStepType } from '../../bindings/WorkflowStepType';
import { connect, disconnect, removeSteps, renameKey } from './graph';
import { fillPositions, layoutSteps } from './layout';
import { newStep } from './model';
import type { Point, StepDraft, WorkflowDoc, WorkflowSettings } from './model';

export interface Selection {
  steps: string[];
  edges: string[];
}

export interface EditorState {
  doc: WorkflowDoc;
  /** The document as last loaded or saved; `doc !== saved` means unsaved changes. */
  saved: WorkflowDoc;
  past: WorkflowDoc[];
  future: WorkflowDoc[];
  /**
   * The merge key of the last recorded change: a change with the same key replaces it instead
   * of adding a history entry (typing into one field, one drag of a node).
   */
  merge: string | null;
  selection: Selection;
  /** The next number for a new step's uid. */
  nextUid: number;
}

export type StepPatch = Partial<Omit<StepDraft, 'uid' | 'stepKey'>>;

export type EditorAction =
  /** Start over with a document from the backend: no history, nothing unsaved. */
  | { type: 'load'; doc: WorkflowDoc }
  /** `doc` (what was sent) is now saved. */
  | { type: 'saved'; doc: WorkflowDoc }
  | { type: 'addStep'; position: Point; stepType?: WorkflowStepType }
  /** `field` names the edited field, so that typing in it is one undo step. */
  | { type: 'updateStep'; uid: string; patch: StepPatch; field?: string }
  | { type: 'renameStep'; uid: string; stepKey: string }
  | { type: 'removeSteps'; uids: string[] }
  | { type: 'connect'; source: string; target: string }
  | { type: 'disconnect'; edgeIds: string[] }
  /** Removes the selected steps and dependencies. */
  | { type: 'removeSelection' }
  /** While `dragging`, moves of the same nodes are one undo step. */
  | { type: 'moveSteps'; positions: Record<string, Point>; dragging: boolean }
  | { type: 'tidy' }
  | { type: 'updateSettings'; patch: Partial<WorkflowSettings>; field?: string }
  | { type: 'select'; selection: Selection }
  /** Selection changes from the canvas: each id selected or not. */
  | { type: 'selectChanges'; steps: { id: string; selected: boolean }[]; edges: { id: string; selected: boolean }[] }
  | { type: 'undo' }
  | { type: 'redo' };

/** How many undo steps are kept. */
export const HISTORY_LIMIT = 200;

const NO_SELECTION: Selection = { steps: [], edges: [] };

export const uidOf = (n: number): string => `s${n}`;

/** The state for a freshly opened document: missing positions are laid out. */
export function initEditor(doc: WorkflowDoc): EditorState {
  const placed: WorkflowDoc = { ...doc, positions: fillPositions(doc.steps, doc.positions) };
  const highest = doc.steps.reduce((max, s) => Math.max(max, Number(s.uid.slice(1)) || 0), 0);
  return { doc: placed, saved: placed, past: [], future: [], merge: null, selection: NO_SELECTION, nextUid: highest + 1 };
}

export const isDirty = (state: EditorState): boolean => state.doc !== state.saved;
export const canUndo = (state: EditorState): boolean => state.past.length > 0;
export const canRedo = (state: EditorState): boolean => state.future.length > 0;

/** Records `doc` as the new document: one history entry, unless `merge` continues the last one. */
function record(state: EditorState, doc: WorkflowDoc, merge: string | null = null): EditorState {
  if (doc === state.doc) return state;
  const continues = merge !== null && merge === state.merge;
  const past = continues ? state.past : [...state.past, state.doc].slice(-HISTORY_LIMIT);
  return { ...state, doc, past, future: [], merge };
}

function withSteps(state: EditorState, steps: StepDraft[], positions = state.doc.positions): WorkflowDoc {
  return { ...state.doc, steps, positions };
}

/** Keeps only selected ids that still exist in `doc`. */
function pruneSelection(selection: Selection, doc: WorkflowDoc): Selection {
  const uids = new Set(doc.steps.map((s) => s.uid));
  const steps = selection.steps.filter((u) => uids.has(u));
  const edges = selection.edges.filter((e) => e.split('->').every((u) => uids.has(u)));
  return steps.length === selection.steps.length && edges.length === selection.edges.length ? selection : { steps, edges };
}

function withoutPositions(positions: Record<string, Point>, uids: readonly string[]): Record<string, Point> {
  const out = { ...positions };
  for (const u of uids) delete out[u];
  return out;
}

function applyChanges(ids: string[], changes: { id: string; selected: boolean }[]): string[] {
  const set = new Set(ids);
  for (const c of changes) {
    if (c.selected) set.add(c.id);
    else set.delete(c.id);
  }
  return set.size === ids.length && ids.every((i) => set.has(i)) ? ids : [...set];
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return initEditor(action.doc);

    case 'saved':
      return { ...state, saved: action.doc, merge: null };

    case 'addStep': {
      const uid = uidOf(state.nextUid);
      const step = newStep(uid, state.doc.steps, action.stepType);
      const doc = withSteps(state, [...state.doc.steps, step], { ...state.doc.positions, [uid]: action.position });
      return { ...record(state, doc), nextUid: state.nextUid + 1, selection: { steps: [uid], edges: [] } };
    }

    case 'updateStep': {
      const steps = state.doc.steps.map((s) => (s.uid === action.uid ? { ...s, ...action.patch } : s));
      const merge = action.field ? `step:${action.uid}:${action.field}` : null;
      return record(state, withSteps(state, steps), merge);
    }

    case 'renameStep':
      return record(state, withSteps(state, renameKey(state.doc.steps, action.uid, action.stepKey)), `step:${action.uid}:stepKey`);

    case 'removeSteps': {
      if (action.uids.length === 0) return state;
      const doc = withSteps(state, removeSteps(state.doc.steps, action.uids), withoutPositions(state.doc.positions, action.uids));
      const next = record(state, doc);
      return { ...next, selection: pruneSelection(next.selection, doc) };
    }

    case 'connect': {
      const steps = connect(state.doc.steps, action.source, action.target);
      return steps ? record(state, withSteps(state, steps)) : state;
    }

    case 'disconnect': {
      if (action.edgeIds.length === 0) return state;
      const next = record(state, withSteps(state, disconnect(state.doc.steps, action.edgeIds)));
      return { ...next, selection: { ...next.selection, edges: next.selection.edges.filter((e) => !action.edgeIds.includes(e)) } };
    }

    case 'removeSelection': {
      const { steps: uids, edges } = state.selection;
      if (uids.length === 0 && edges.length === 0) return state;
      let steps = disconnect(state.doc.steps, edges);
      steps = removeSteps(steps, uids);
      const doc = withSteps(state, steps, withoutPositions(state.doc.positions, uids));
      return { ...record(state, doc), selection: NO_SELECTION };
    }

    case 'moveSteps': {
      const uids = Object.keys(action.positions).sort();
      const doc = { ...state.doc, positions: { ...state.doc.positions, ...action.positions } };
      const next = record(state, doc, `move:${uids.join(',')}`);
      // The drop ends the gesture: the next drag of the same nodes is a new undo step.
      return action.dragging ? next : { ...next, merge: null };
    }

    case 'tidy':
      return record(state, { ...state.doc, positions: layoutSteps(state.doc.steps) });

    case 'updateSettings': {
      const doc = { ...state.doc, settings: { ...state.doc.settings, ...action.patch } };
      return record(state, doc, action.field ? `settings:${action.field}` : null);
    }

    case 'select':
      return { ...state, selection: action.selection, merge: null };

    case 'selectChanges': {
      const steps = applyChanges(state.selection.steps, action.steps);
      const edges = applyChanges(state.selection.edges, action.edges);
      if (steps === state.selection.steps && edges === state.selection.edges) return state;
      return { ...state, selection: { steps, edges }, merge: null };
    }

    case 'undo': {
      const doc = state.past[state.past.length - 1];
      if (!doc) return state;
      return {
        ...state,
        doc,
        past: state.past.slice(0, -1),
        future: [state.doc, ...state.future],
        merge: null,
        selection: pruneSelection(state.selection, doc),
      };
    }

    case 'redo': {
      const [doc, ...future] = state.future;
      if (!doc) return state;
      return { ...state, doc, past: [...state.past, state.doc], future, merge: null, selection: pruneSelection(state.selection, doc) };
    }
  }
}
