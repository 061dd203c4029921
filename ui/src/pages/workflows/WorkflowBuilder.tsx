// The workflow builder (`#/workflows/<id>`, `#/workflows/new`): a React Flow canvas where steps
// are nodes and dependencies are edges drawn between handles, a side inspector, a problems
// strip fed by the backend's own checks, undo/redo, save, tidy-up layout and export/import.
// All editing goes through the reducer in editor.ts; the graph mapping is in graph.ts.
import '@xyflow/react/dist/style.css';
import './workflows.css';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type Dispatch } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStoreApi,
  type Connection,
  type DefaultEdgeOptions,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { backend, toCommandError } from '../../ipc';
import type { Agent, CommandError } from '../../ipc';
import type { Workflow } from '../../bindings/Workflow';
import type { WorkflowWithSteps } from '../../bindings/WorkflowWithSteps';
import { RunDialog } from '../executions/RunDialog';
import { finishedSteps, liveRunReducer, type LiveRun } from './live';
import { ConfirmDialog } from '../../components/Modal';
import { EmptyState, ErrorState, LoadingState, StatusBadge } from '../../components/States';
import { count, formatDateTime, formatDuration, label } from '../../lib/format';
import { useDebounced, useLoad } from '../../lib/hooks';
import { isTypingTarget } from '../../lib/shortcuts';
import { href } from '../../routes';
import { canRedo, canUndo, editorReducer, initEditor, isDirty, uidOf, type EditorAction } from './editor';
import { reuseNodes, toEdges, toNodes, type DependencyEdge, type StepNode } from './graph';
import { freeSpot, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { definitionOf, docFromWorkflow, localProblems, stepsToInputs, toCreate, toUpdate, type JsonObject, type Point, type StepDraft, type WorkflowDoc } from './model';
import { fromLocal, messagesByStep, problemEdges, problemsFromError, type Problem } from './problems';
import { builderShortcut } from './shortcuts';
import { importSummary } from './transfer';
import { SettingsPanel } from './SettingsPanel';
import { StepInspector } from './StepInspector';
import { nodeTypes } from './StepNodeView';

/** How long the graph must stay unchanged before it is checked. */
const VALIDATE_DELAY_MS = 300;
const NO_PROBLEMS: Problem[] = [];
const DEFAULT_EDGE: DefaultEdgeOptions = { type: 'smoothstep', markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const PRO_OPTIONS = { hideAttribution: true };
const FIT_VIEW = { padding: 0.15, maxZoom: 1, minZoom: 0.05 };
const DELETE_KEYS = null; // Delete is handled with the other shortcuts (builderShortcut).

type Loaded = { kind: 'loading' } | { kind: 'error'; error: CommandError } | { kind: 'ready'; workflow: WorkflowWithSteps | null };
/** A message above the canvas; `forDoc` limits it to that document (a refused save). */
type Notice = { kind: 'ok' | 'error'; text: string; link?: { href: string; label: string }; forDoc?: WorkflowDoc };

/** Loads the workflow (none for a new one) and the agents its steps may use. */
export function WorkflowBuilder({ id }: { id: string | null }) {
  const [attempt, setAttempt] = useState(0);
  const [loaded, setLoaded] = useState<Loaded>(id === null ? { kind: 'ready', workflow: null } : { kind: 'loading' });
  useEffect(() => {
    if (id === null) return;
    let live = true;
    setLoaded({ kind: 'loading' });
    backend.workflowsGet(id).then(
      (workflow) => live && setLoaded({ kind: 'ready', workflow }),
      (reason: unknown) => live && setLoaded({ kind: 'error', error: toCommandError(reason) }),
    );
    return () => {
      live = false;
    };
  }, [id, attempt]);
  const agents = useLoad(() => backend.agentsList({ page: 1, pageSize: 100, sortBy: 'name', sortOrder: 'asc' }), []);
  const agentItems = useMemo(() => agents.shown?.items ?? [], [agents.shown]);

  if (loaded.kind !== 'ready') {
    return (
      <section className="page" aria-label="Workflow builder">
        <div className="page-header">
          <a className="wf-back" href={href('workflows')}>
            ← Workflows
          </a>
        </div>
        {loaded.kind === 'loading' && <LoadingState what="the workflow" />}
        {loaded.kind === 'error' &&
          (loaded.error.code === 'NOT_FOUND' ? (
            <EmptyState title="This workflow does not exist or was deleted.">
              Go back to <a href={href('workflows')}>the workflows</a> and open another one, or create a new one.
            </EmptyState>
          ) : (
            <ErrorState error={loaded.error} onRetry={() => setAttempt((n) => n + 1)} />
          ))}
      </section>
    );
  }
  return (
    <ReactFlowProvider>
      <Editor id={id} workflow={loaded.workflow} agents={agentItems} />
    </ReactFlowProvider>
  );
}

/** The document's declared inputs, the same object while their content is unchanged. */
function useDeclaredInputs(doc: WorkflowDoc): JsonObject | null {
  const inputs = definitionOf(doc).value.inputs;
  const text = inputs === undefined ? '' : JSON.stringify(inputs);
  return useMemo(() => (text === '' ? null : (JSON.parse(text) as JsonObject)), [text]);
}

/**
 * Validates the steps after each pause in editing, with the backend's checks and messages:
 * fields, graph, and every `{{…}}` reference against the upstream steps and `inputs`, the
 * declared workflow inputs (null: none declared, so any input name is accepted).
 */
function useStepCheck(steps: readonly StepDraft[], inputs: JsonObject | null) {
  const settled = useDebounced(steps, VALIDATE_DELAY_MS);
  const [check, setCheck] = useState<{ steps: readonly StepDraft[]; problems: Problem[] } | null>(null);
  useEffect(() => {
    let live = true;
    const sent = settled.map((s) => ({ uid: s.uid, stepKey: s.stepKey }));
    backend.workflowsValidate(stepsToInputs(settled).steps, inputs ? { inputs } : {}).then(
      () => live && setCheck({ steps: settled, problems: NO_PROBLEMS }),
      (reason: unknown) => live && setCheck({ steps: settled, problems: problemsFromError(toCommandError(reason), sent) }),
    );
    return () => {
      live = false;
    };
  }, [settled, inputs]);
  return { problems: check?.problems ?? NO_PROBLEMS, checking: check === null || check.steps !== steps };
}

function Editor({ id, workflow, agents }: { id: string | null; workflow: WorkflowWithSteps | null; agents: readonly Agent[] }) {
  const [state, dispatch] = useReducer(editorReducer, workflow, (w) => initEditor(docFromWorkflow(w, (i) => uidOf(i + 1))));
  const { doc, selection } = state;
  const dirty = isDirty(state);
  const flow = useReactFlow<StepNode, DependencyEdge>();
  const canvasRef = useRef<HTMLDivElement>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  // Problems a refused save reported, for the document it was refused for.
  const [refused, setRefused] = useState<{ doc: WorkflowDoc; problems: Problem[] } | null>(null);
  const [leaveTo, setLeaveTo] = useState<string | null>(null);
  // The latest run of this workflow, followed live on the canvas; the Run dialog, when open.
  const [live, setLive] = useState<LiveRun | null>(null);
  const [running, setRunning] = useState<Workflow | null>(null);
  useEffect(() => (id === null ? undefined : backend.onRunEvent((event) => setLive((run) => liveRunReducer(run, event, id)))), [id]);
  const store = useStoreApi<StepNode, DependencyEdge>();
  // Fit the view to the steps when the workflow opens. An empty one keeps the plain view, so
  // added steps stay where they were put (fitting on the first one would move the view).
  const [fitOnOpen] = useState(() => state.doc.steps.length > 0);

  // Problems: what the editor cannot send, and what the backend's checks say.
  const declared = useDeclaredInputs(doc);
  const check = useStepCheck(doc.steps, declared);
  const local = useMemo(() => fromLocal(localProblems(doc)), [doc]);
  const remote = refused && refused.doc === doc ? refused.problems : check.problems;
  const problems = useMemo(() => (local.length === 0 && remote.length === 0 ? NO_PROBLEMS : [...local, ...remote]), [local, remote]);
  const byStep = useMemo(() => messagesByStep(problems), [problems]);
  const badEdges = useMemo(() => problemEdges(problems), [problems]);

  // The canvas: nodes and edges derived from the document, unchanged nodes kept as they were.
  const agentNames = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);
  const selectedSteps = useMemo(() => new Set(selection.steps), [selection.steps]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  const previousNodes = useRef<StepNode[]>([]);
  const nodes = useMemo(() => {
    // React Flow measures nodes itself; a new node object must carry the size it measured, or
    // it hides and measures that node again (a flicker on every drag frame). Reading the size
    // here, rather than storing it on each measurement, spares a second render of 100 nodes
    // when a workflow opens.
    const measured = new Map<string, { width: number; height: number }>();
    for (const [id, n] of store.getState().nodeLookup) {
      const { width, height } = n.measured;
      if (width !== undefined && height !== undefined) measured.set(id, { width, height });
    }
    const next = reuseNodes(
      previousNodes.current,
      toNodes(doc.steps, doc.positions, { problems: byStep, selected: selectedSteps, agentNames, measured, live: live?.steps }),
    );
    previousNodes.current = next;
    return next;
  }, [store, doc.steps, doc.positions, byStep, selectedSteps, agentNames, live]);
  const edges = useMemo(() => toEdges(doc.steps, { problems: badEdges, selected: selectedEdges }), [doc.steps, badEdges, selectedEdges]);

  const onNodesChange = useCallback((changes: NodeChange<StepNode>[]) => {
    const moved: Record<string, Point> = {};
    let anyMove = false;
    let dragging = false;
    const selects: { id: string; selected: boolean }[] = [];
    // Size changes stay in React Flow's store (see `nodes`); removals come through the
    // shortcuts, as one undoable action.
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        moved[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
        anyMove = true;
        dragging ||= c.dragging === true;
      } else if (c.type === 'select') selects.push({ id: c.id, selected: c.selected });
    }
    if (anyMove) dispatch({ type: 'moveSteps', positions: moved, dragging });
    if (selects.length > 0) dispatch({ type: 'selectChanges', steps: selects, edges: [] });
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<DependencyEdge>[]) => {
    const selects = changes.flatMap((c) => (c.type === 'select' ? [{ id: c.id, selected: c.selected }] : []));
    if (selects.length > 0) dispatch({ type: 'selectChanges', steps: [], edges: selects });
  }, []);
  const onConnect = useCallback((c: Connection) => dispatch({ type: 'connect', source: c.source, target: c.target }), []);

  const addStep = useCallback(() => {
    const rect = canvasRef.current?.getBoundingClientRect();
    const centre = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2.5 }) : { x: 0, y: 0 };
    dispatch({ type: 'addStep', position: freeSpot(doc.positions, { x: centre.x - NODE_WIDTH / 2, y: centre.y - NODE_HEIGHT / 2 }) });
  }, [flow, doc.positions]);

  const tidy = useCallback(() => {
    dispatch({ type: 'tidy' });
    // After React Flow has the new positions.
    window.setTimeout(() => void flow.fitView({ ...FIT_VIEW, duration: 250 }), 50);
  }, [flow]);

  const showStep = useCallback(
    (uid: string | undefined) => {
      if (!uid) return;
      dispatch({ type: 'select', selection: { steps: [uid], edges: [] } });
      const p = doc.positions[uid];
      if (p) void flow.setCenter(p.x + NODE_WIDTH / 2, p.y + NODE_HEIGHT / 2, { zoom: flow.getZoom(), duration: 250 });
    },
    [doc.positions, flow],
  );

  const save = useCallback(async () => {
    if (saving) return;
    if (problems.length > 0) {
      setNotice({ kind: 'error', text: `Not saved. Fix this first: ${problems[0]!.message}`, forDoc: doc });
      return;
    }
    const sentDoc = doc;
    const sent = sentDoc.steps.map((s) => ({ uid: s.uid, stepKey: s.stepKey }));
    setSaving(true);
    try {
      if (id === null) {
        const created = await backend.workflowsCreate(toCreate(sentDoc));
        dispatch({ type: 'saved', doc: sentDoc });
        // The builder of the stored workflow takes over (the route changes, not the history).
        window.location.replace(href('workflows', created.id));
        return;
      }
      await backend.workflowsUpdate(id, toUpdate(sentDoc));
      dispatch({ type: 'saved', doc: sentDoc });
      setSavedAt(new Date().toISOString());
      setRefused(null);
      setNotice(null);
    } catch (reason) {
      const error = toCommandError(reason);
      if (error.code === 'VALIDATION_ERROR' || error.code === 'BAD_REQUEST' || error.code === 'CONFLICT') {
        setRefused({ doc: sentDoc, problems: problemsFromError(error, sent) });
      }
      setNotice({ kind: 'error', text: `Not saved: ${error.message}`, forDoc: sentDoc });
    } finally {
      setSaving(false);
    }
  }, [saving, problems, doc, id]);

  const exportWorkflow = useCallback(async () => {
    if (id === null) return;
    try {
      const out = await backend.bundleExport({ all: false, agentIds: [], workflowIds: [id], templateIds: [] });
      if (!out) return;
      const unsaved = dirty ? ' Unsaved changes are not in the file: save first to include them.' : '';
      setNotice({ kind: 'ok', text: `Exported “${doc.settings.name}” to ${out.path}.${unsaved}` });
    } catch (reason) {
      setNotice({ kind: 'error', text: `Not exported: ${toCommandError(reason).message}` });
    }
  }, [id, dirty, doc.settings.name]);

  const importBundle = useCallback(async () => {
    try {
      const out = await backend.bundleImport({ asCopies: true });
      if (!out) return;
      setNotice({ kind: 'ok', text: importSummary(out.report, out.path), link: { href: href('workflows'), label: 'See them in the list' } });
    } catch (reason) {
      setNotice({ kind: 'error', text: `Not imported: ${toCommandError(reason).message}` });
    }
  }, []);

  // Keyboard shortcuts.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const action = builderShortcut(e, { typing: isTypingTarget(e.target), dialogOpen: leaveTo !== null });
      if (!action) return;
      if (action === 'escape') {
        if (leaveTo !== null) setLeaveTo(null);
        else if (!isTypingTarget(e.target)) dispatch({ type: 'select', selection: { steps: [], edges: [] } });
        return;
      }
      e.preventDefault();
      if (action === 'save') void save();
      else if (action === 'undo') dispatch({ type: 'undo' });
      else if (action === 'redo') dispatch({ type: 'redo' });
      else if (action === 'delete') dispatch({ type: 'removeSelection' });
      else if (action === 'addStep') addStep();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [save, addStep, leaveTo]);

  // Leaving with unsaved changes asks first (links in the sidebar and the back link).
  useEffect(() => {
    if (!dirty) return;
    const onClick = (e: MouseEvent) => {
      const link = e.target instanceof Element ? e.target.closest('a[href]') : null;
      const target = link?.getAttribute('href') ?? '';
      if (!target.startsWith('#') || target === window.location.hash) return;
      e.preventDefault();
      e.stopPropagation();
      setLeaveTo(target);
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [dirty]);

  const selectedStep = selection.steps.length === 1 ? doc.steps.find((s) => s.uid === selection.steps[0]) : undefined;
  const selectedEdge = selection.steps.length === 0 && selection.edges.length === 1 ? selection.edges[0] : undefined;
  const workflowInputs = useMemo(() => doc.settings.inputs.map((d) => d.name), [doc.settings.inputs]);
  const title = doc.settings.name.trim() || 'Untitled workflow';
  const runBlocked =
    id === null
      ? 'Save the workflow before running it'
      : dirty
        ? 'Save your changes before running'
        : doc.settings.status !== 'ACTIVE'
          ? 'Only an active workflow runs: set its status to Active and save'
          : doc.steps.length === 0
            ? 'Add a step first'
            : null;
  // The dialog gets the stored workflow (its declared inputs as saved).
  const openRun = async () => {
    if (id === null) return;
    try {
      setRunning(await backend.workflowsGet(id));
    } catch (reason) {
      setNotice({ kind: 'error', text: `Cannot run: ${toCommandError(reason).message}` });
    }
  };

  return (
    <section className="wf-builder" aria-label={`Workflow builder: ${title}`}>
      <header className="wf-header">
        <a className="wf-back" href={href('workflows')}>
          ← Workflows
        </a>
        <h2 className="wf-title">{title}</h2>
        <StatusBadge status={doc.settings.status} />
        <SaveState id={id} dirty={dirty} saving={saving} savedAt={savedAt} />
        <span className="spacer" />
        <div className="wf-actions" role="toolbar" aria-label="Builder actions">
          <button type="button" className="secondary" onClick={() => dispatch({ type: 'undo' })} disabled={!canUndo(state)} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" className="secondary" onClick={() => dispatch({ type: 'redo' })} disabled={!canRedo(state)} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button type="button" className="secondary" onClick={tidy} disabled={doc.steps.length === 0} title="Lay the steps out left to right">
            Tidy up
          </button>
          <button type="button" className="secondary" onClick={addStep} title="Add a step (N)">
            Add step
          </button>
          <button type="button" className="secondary" onClick={() => void importBundle()} title="Import workflows from a bundle file, as copies">
            Import…
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => void exportWorkflow()}
            disabled={id === null}
            title={id === null ? 'Save the workflow before exporting it' : 'Export this workflow to a JSON file'}
          >
            Export…
          </button>
          <button type="button" onClick={() => void save()} disabled={saving} title="Save (Ctrl+S)">
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            onClick={() => void openRun()}
            disabled={runBlocked !== null}
            title={runBlocked ?? 'Run this workflow with inputs you give'}
          >
            Run…
          </button>
        </div>
      </header>
      {live && <LiveStrip run={live} />}

      {notice && (!notice.forDoc || notice.forDoc === doc) && (
        <div className={notice.kind === 'ok' ? 'wf-notice' : 'wf-notice wf-notice-error'} role={notice.kind === 'ok' ? 'status' : 'alert'}>
          <span>{notice.text}</span>
          {notice.link && <a href={notice.link.href}>{notice.link.label}</a>}
          <button type="button" className="link" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}

      <ProblemsStrip problems={problems} checking={check.checking} onShow={showStep} />

      <div className="wf-body">
        <div className="wf-canvas" ref={canvasRef}>
          <ReactFlow<StepNode, DependencyEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            defaultEdgeOptions={DEFAULT_EDGE}
            deleteKeyCode={DELETE_KEYS}
            proOptions={PRO_OPTIONS}
            connectionRadius={30}
            zoomOnDoubleClick={false}
            minZoom={0.05}
            maxZoom={1.5}
            fitView={fitOnOpen}
            fitViewOptions={FIT_VIEW}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
            <Controls showInteractive={false} />
          </ReactFlow>
          {doc.steps.length === 0 && (
            <div className="wf-canvas-empty">
              <EmptyState title="No steps yet — add the first one.">
                Click <strong>Add step</strong> or press <kbd>N</kbd>. Then connect steps by dragging from a step’s right handle to the left
                handle of the step that needs it.
              </EmptyState>
            </div>
          )}
        </div>

        <aside className="wf-inspector" aria-label="Inspector">
          {selectedStep ? (
            <>
              <button type="button" className="link wf-to-settings" onClick={() => dispatch({ type: 'select', selection: { steps: [], edges: [] } })}>
                ← Workflow settings
              </button>
              <StepInspector
                key={selectedStep.uid}
                step={selectedStep}
                steps={doc.steps}
                workflowInputs={workflowInputs}
                agents={agents}
                dispatch={dispatch}
                problems={problems.filter((p) => p.stepUids.includes(selectedStep.uid)).map((p) => p.message)}
              />
            </>
          ) : selectedEdge ? (
            <EdgeInspector edgeId={selectedEdge} steps={doc.steps} dispatch={dispatch} />
          ) : (
            <>
              {selection.steps.length > 1 && (
                <p className="wf-multi" role="status">
                  {count(selection.steps.length, 'step')} selected. Press <kbd>Del</kbd> to delete them.
                </p>
              )}
              <SettingsPanel settings={doc.settings} dispatch={dispatch} />
            </>
          )}
        </aside>
      </div>

      <p className="hints muted wf-hints">
        <kbd>N</kbd> add step · drag between handles to connect · <kbd>Del</kbd> delete selected · <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo ·{' '}
        <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd> redo · <kbd>Ctrl</kbd>+<kbd>S</kbd> save
      </p>

      {running && (
        <RunDialog
          workflow={running}
          onClose={() => setRunning(null)}
          onStarted={() => setNotice({ kind: 'ok', text: 'Run started: each step shows its status on the canvas as it goes.' })}
        />
      )}

      {leaveTo !== null && (
        <ConfirmDialog
          title="Leave without saving?"
          body={`Your changes to “${title}” are not saved. Leaving discards them.`}
          confirmLabel="Discard changes"
          onCancel={() => setLeaveTo(null)}
          onConfirm={() => {
            const target = leaveTo;
            setLeaveTo(null);
            window.location.hash = target;
          }}
        />
      )}
    </section>
  );
}

/** The latest run of this workflow: its status, progress, and a link to its execution page. */
function LiveStrip({ run }: { run: LiveRun }) {
  const done = run.status !== 'RUNNING' && run.status !== 'PENDING';
  return (
    <div className={`wf-live wf-live-${run.status.toLowerCase()}`} role="status" aria-live="polite">
      <StatusBadge status={run.status} />
      <span>
        {done ? `Run ${label(run.status).toLowerCase()}` : 'Running'}: {finishedSteps(run)} of {run.stepsTotal} steps
        {run.durationMs !== null && ` in ${formatDuration(run.durationMs)}`}
      </span>
      {run.error && <span className="wf-live-error">{run.error}</span>}
      <span className="spacer" />
      <a href={href('executions', run.executionId)}>Open the execution</a>
    </div>
  );
}

function SaveState({ id, dirty, saving, savedAt }: { id: string | null; dirty: boolean; saving: boolean; savedAt: string | null }) {
  if (saving) return <span className="wf-save-state muted">Saving…</span>;
  if (id === null) return <span className="wf-save-state wf-dirty">● Not saved yet</span>;
  if (dirty)
    return (
      <span className="wf-save-state wf-dirty" title="Ctrl+S saves">
        ● Unsaved changes
      </span>
    );
  return <span className="wf-save-state muted">{savedAt ? `Saved ${formatDateTime(savedAt)}` : 'No unsaved changes'}</span>;
}

function ProblemsStrip({ problems, checking, onShow }: { problems: Problem[]; checking: boolean; onShow: (uid: string | undefined) => void }) {
  if (problems.length === 0) {
    return (
      <div className="wf-problems wf-problems-ok" role="status">
        {checking ? 'Checking the graph…' : '✓ The graph is valid.'}
      </div>
    );
  }
  return (
    <div className="wf-problems" role="alert" aria-label="Problems">
      <strong>{count(problems.length, 'problem')}</strong>
      <ul>
        {problems.map((p, i) => (
          <li key={`${i}:${p.message}`}>
            {p.stepUids.length > 0 ? (
              <button type="button" className="link" onClick={() => onShow(p.stepUids[0])} title="Show this step">
                {p.message}
              </button>
            ) : (
              p.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function EdgeInspector({ edgeId, steps, dispatch }: { edgeId: string; steps: readonly StepDraft[]; dispatch: Dispatch<EditorAction> }) {
  const [source, target] = edgeId.split('->').map((u) => steps.find((s) => s.uid === u));
  if (!source || !target) return null;
  return (
    <div className="wf-inspector-body" aria-label="Dependency">
      <div className="wf-inspector-title">
        <h3>Dependency</h3>
      </div>
      <p>
        <code>{target.stepKey}</code> runs after <code>{source.stepKey}</code> and can read its output as <code>{`{{${source.stepKey}…}}`}</code>.
      </p>
      <button type="button" className="danger" onClick={() => dispatch({ type: 'disconnect', edgeIds: [edgeId] })}>
        Remove dependency
      </button>
    </div>
  );
}
