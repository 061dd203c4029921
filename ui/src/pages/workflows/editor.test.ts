import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, editorReducer, HISTORY_LIMIT, initEditor, isDirty } from './editor';
import type { EditorAction, EditorState } from './editor';
import { docFromWorkflow } from './model';
import { stored, workflow } from './fixtures';

const opened = () =>
  initEditor(docFromWorkflow(workflow([stored('a', 0, []), stored('b', 1, ['a'])]), (i) => `s${i + 1}`));

const run = (state: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, state);
const keys = (s: EditorState) => s.doc.steps.map((x) => `${x.stepKey}<${x.dependsOn.join(',')}`);

describe('opening', () => {
  it('lays out steps without positions and starts clean', () => {
    const s = opened();
    expect(Object.keys(s.doc.positions).sort()).toEqual(['s1', 's2']);
    expect(s.doc.positions.s1!.x).toBeLessThan(s.doc.positions.s2!.x);
    expect(isDirty(s)).toBe(false);
    expect(canUndo(s) || canRedo(s)).toBe(false);
    expect(s.nextUid).toBe(3);
  });
});

describe('named actions', () => {
  it('addStep adds a selected step with a fresh key at the position', () => {
    const s = run(opened(), { type: 'addStep', position: { x: 10, y: 20 } });
    expect(keys(s)).toEqual(['a<', 'b<a', 'step_3<']);
    expect(s.doc.positions.s3).toEqual({ x: 10, y: 20 });
    expect(s.selection).toEqual({ steps: ['s3'], edges: [] });
    expect(isDirty(s)).toBe(true);
  });

  it('connect and disconnect edit dependsOn', () => {
    let s = run(opened(), { type: 'addStep', position: { x: 0, y: 0 } }, { type: 'connect', source: 's2', target: 's3' });
    expect(keys(s)).toEqual(['a<', 'b<a', 'step_3<b']);
    const before = s;
    s = run(s, { type: 'connect', source: 's2', target: 's3' });
    expect(s).toBe(before);
    s = run(s, { type: 'disconnect', edgeIds: ['s1->s2'] });
    expect(keys(s)).toEqual(['a<', 'b<', 'step_3<b']);
  });

  it('renameStep carries dependants; updateStep patches one step', () => {
    const s = run(opened(), { type: 'renameStep', uid: 's1', stepKey: 'load' }, { type: 'updateStep', uid: 's2', patch: { retryCount: 3 } });
    expect(keys(s)).toEqual(['load<', 'b<load']);
    expect(s.doc.steps[1]!.retryCount).toBe(3);
  });

  it('removeSelection removes the selected steps and edges with their positions', () => {
    let s = run(opened(), { type: 'addStep', position: { x: 0, y: 0 } }, { type: 'connect', source: 's2', target: 's3' });
    s = run(s, { type: 'select', selection: { steps: ['s1'], edges: ['s2->s3'] } }, { type: 'removeSelection' });
    expect(keys(s)).toEqual(['b<', 'step_3<']);
    expect(s.doc.positions.s1).toBeUndefined();
    expect(s.selection).toEqual({ steps: [], edges: [] });
  });

  it('selectChanges applies the canvas’s select and deselect changes', () => {
    let s = run(opened(), { type: 'selectChanges', steps: [{ id: 's1', selected: true }], edges: [] });
    expect(s.selection.steps).toEqual(['s1']);
    s = run(s, { type: 'selectChanges', steps: [{ id: 's1', selected: false }, { id: 's2', selected: true }], edges: [{ id: 's1->s2', selected: true }] });
    expect(s.selection).toEqual({ steps: ['s2'], edges: ['s1->s2'] });
  });

  it('tidy lays the graph out again', () => {
    const s = run(opened(), { type: 'moveSteps', positions: { s2: { x: -500, y: 900 } }, dragging: false }, { type: 'tidy' });
    expect(s.doc.positions).toEqual(opened().doc.positions);
  });

  it('updateSettings changes the workflow fields', () => {
    const s = run(opened(), { type: 'updateSettings', patch: { name: 'Renamed', scheduleCron: '0 9 * * 1' } });
    expect(s.doc.settings.name).toBe('Renamed');
    expect(s.doc.settings.scheduleCron).toBe('0 9 * * 1');
  });
});

describe('undo and redo', () => {
  it('undoes and redoes each change, and undoing back to the saved document is clean', () => {
    const start = opened();
    let s = run(start, { type: 'addStep', position: { x: 0, y: 0 } }, { type: 'connect', source: 's2', target: 's3' });
    expect(s.past).toHaveLength(2);
    s = run(s, { type: 'undo' });
    expect(keys(s)).toEqual(['a<', 'b<a', 'step_3<']);
    s = run(s, { type: 'undo' });
    expect(s.doc).toBe(start.doc);
    expect(isDirty(s)).toBe(false);
    expect(canUndo(s)).toBe(false);
    s = run(s, { type: 'redo' }, { type: 'redo' });
    expect(keys(s)).toEqual(['a<', 'b<a', 'step_3<b']);
    expect(canRedo(s)).toBe(false);
  });

  it('a new change clears the redo list', () => {
    const s = run(opened(), { type: 'tidy' }, { type: 'addStep', position: { x: 0, y: 0 } }, { type: 'undo' }, { type: 'renameStep', uid: 's1', stepKey: 'z' });
    expect(canRedo(s)).toBe(false);
  });

  it('typing in one field is one undo step; another field starts a new one', () => {
    let s = run(
      opened(),
      { type: 'updateStep', uid: 's1', patch: { stepName: 'F' }, field: 'stepName' },
      { type: 'updateStep', uid: 's1', patch: { stepName: 'Fe' }, field: 'stepName' },
      { type: 'updateStep', uid: 's1', patch: { stepName: 'Fet' }, field: 'stepName' },
    );
    expect(s.past).toHaveLength(1);
    s = run(s, { type: 'updateStep', uid: 's1', patch: { timeoutMs: 5000 }, field: 'timeoutMs' });
    expect(s.past).toHaveLength(2);
    s = run(s, { type: 'undo' }, { type: 'undo' });
    expect(s.doc.steps[0]!.stepName).toBe('A');
  });

  it('one drag is one undo step, and the next drag another', () => {
    let s = run(
      opened(),
      { type: 'moveSteps', positions: { s1: { x: 1, y: 1 } }, dragging: true },
      { type: 'moveSteps', positions: { s1: { x: 2, y: 2 } }, dragging: true },
      { type: 'moveSteps', positions: { s1: { x: 3, y: 3 } }, dragging: false },
    );
    expect(s.past).toHaveLength(1);
    s = run(s, { type: 'moveSteps', positions: { s1: { x: 9, y: 9 } }, dragging: false });
    expect(s.past).toHaveLength(2);
    s = run(s, { type: 'undo' });
    expect(s.doc.positions.s1).toEqual({ x: 3, y: 3 });
  });

  it('undo drops a selection of steps that no longer exist', () => {
    const s = run(opened(), { type: 'addStep', position: { x: 0, y: 0 } }, { type: 'undo' });
    expect(s.selection.steps).toEqual([]);
  });

  it('keeps at most HISTORY_LIMIT entries', () => {
    let s = opened();
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) s = run(s, { type: 'updateStep', uid: 's1', patch: { retryCount: i % 10 }, field: `f${i}` });
    expect(s.past).toHaveLength(HISTORY_LIMIT);
  });

  it('saved marks the sent document clean, while later edits stay unsaved', () => {
    let s = run(opened(), { type: 'addStep', position: { x: 0, y: 0 } });
    const sent = s.doc;
    s = run(s, { type: 'renameStep', uid: 's3', stepKey: 'later' }, { type: 'saved', doc: sent });
    expect(isDirty(s)).toBe(true);
    s = run(s, { type: 'undo' });
    expect(isDirty(s)).toBe(false);
  });
});
