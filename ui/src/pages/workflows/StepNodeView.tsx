// A step on the canvas: its type, key, name, what it does, and the problems that name it.
// Dependencies arrive on the left handle and leave from the right one. The component is
// memoized on its step, problem, agent name and selection, and `nodeTypes` is a module
// constant, so dragging one node of a 100-step workflow re-renders only that node.
import { memo } from 'react';
import { Handle, Position, type NodeProps, type NodeTypes } from '@xyflow/react';
import { formatDuration, label } from '../../lib/format';
import type { StepNode } from './graph';
import { readStepConfig, type StepDraft } from './model';

/** One line on what the step does. */
export function stepSummary(step: StepDraft, agentName: string | null): string {
  const c = readStepConfig(step.config);
  switch (step.stepType) {
    case 'AGENT':
      return agentName ?? (step.agentId ? 'Unknown agent' : 'No agent: passes its inputs on');
    case 'CONDITION':
      return typeof c.condition === 'string' && c.condition.trim() !== '' ? `if ${c.condition}` : 'No condition yet';
    case 'LOOP':
      return typeof c.items === 'string' && c.items.trim() !== '' ? `for each of ${c.items}` : 'No items yet';
    case 'PARALLEL':
      return 'Its dependants start together';
    case 'WAIT': {
      const ms = typeof c.waitMs === 'number' ? c.waitMs : null;
      return ms === null ? 'No duration yet' : `Waits ${formatDuration(ms)}`;
    }
  }
}

function StepNodeView({ data, selected }: NodeProps<StepNode>) {
  const { step, problem, agentName, live } = data;
  const classes = ['wf-node', `wf-node-${step.stepType.toLowerCase()}`];
  if (problem) classes.push('wf-node-problem');
  if (live) classes.push(`wf-node-live-${live.status.toLowerCase()}`);
  if (selected) classes.push('wf-node-selected');
  return (
    <div className={classes.join(' ')} data-step-key={step.stepKey}>
      <Handle type="target" position={Position.Left} className="wf-handle" title={`Drop here: ${step.stepKey} depends on it`} />
      <div className="wf-node-head">
        <span className="wf-node-type">{label(step.stepType)}</span>
        <code className="wf-node-key">{step.stepKey || '(no key)'}</code>
      </div>
      <div className="wf-node-name">{step.stepName || 'Unnamed step'}</div>
      <div className="wf-node-sub">{stepSummary(step, agentName)}</div>
      {live && (
        <div className="wf-node-live" role="status">
          <span className={`badge badge-${live.status.toLowerCase()}`}>{label(live.status)}</span>
          {live.durationMs !== null && <span>{formatDuration(live.durationMs)}</span>}
          {live.status === 'RUNNING' && live.attempt > 1 && <span>attempt {live.attempt}</span>}
        </div>
      )}
      {problem && (
        <div className="wf-node-message" role="note" title={problem}>
          {problem}
        </div>
      )}
      <Handle type="source" position={Position.Right} className="wf-handle" title={`Drag to a step that needs ${step.stepKey}`} />
    </div>
  );
}

const StepNodeMemo = memo(
  StepNodeView,
  (a, b) =>
    a.data.step === b.data.step &&
    a.data.problem === b.data.problem &&
    a.data.agentName === b.data.agentName &&
    a.data.live === b.data.live &&
    a.selected === b.selected,
);

/** React Flow's node types, created once (a new object per render remounts every node). */
export const nodeTypes: NodeTypes = { step: StepNodeMemo };
