import { describe, expect, it } from 'vitest';
import { connect, dependencies, disconnect, edgeId, fromCanvas, removeSteps, renameKey, reuseNodes, toEdges, toNodes, upstreamKeys } from './graph';
import { fillPositions, freeSpot, layoutSteps, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { docFromWorkflow, newStep, stepsToInputs, toCreate, toUpdate } from './model';
import type { StepDraft } from './model';
import { stored, workflow } from './fixtures';

const uid = (i: number) => `s${i + 1}`;

/** fetch → transform → save, and fetch → save. */
const pipeline = workflow(
  [
    stored('transform', 1, ['fetch'], {
      agentId: 'agent-data',
      inputs: { input: '{{fetch.data}}', limit: 10, opts: { deep: [1, 2] } },
      outputs: { processed: '{{result}}' },
      retryCount: 2,
      onError: 'RETRY',
    }),
    stored('fetch', 0, []),
    stored('save', 2, ['transform', 'fetch'], { stepType: 'WAIT', config: { waitMs: 5 } }),
  ],
  { version: '1.0', layout: { fetch: { x: 0, y: 0 }, transform: { x: 300, y: 0 }, save: { x: 600, y: 40 } } },
);

function keys(steps: readonly StepDraft[]) {
  return steps.map((s) => `${s.stepKey}<${s.dependsOn.join(',')}`);
}

describe('steps → canvas', () => {
  const doc = docFromWorkflow(pipeline, uid);

  it('orders steps by position and reads positions from definition.layout', () => {
    expect(keys(doc.steps)).toEqual(['fetch<', 'transform<fetch', 'save<transform,fetch']);
    expect(doc.positions).toEqual({ s1: { x: 0, y: 0 }, s2: { x: 300, y: 0 }, s3: { x: 600, y: 40 } });
  });

  it('makes a node per step and an edge per dependency, from dependency to dependant', () => {
    const nodes = toNodes(doc.steps, doc.positions, { problems: new Map([['s2', 'bad']]), selected: new Set(['s3']), agentNames: new Map([['agent-data', 'Transformer']]) });
    expect(nodes.map((n) => [n.id, n.type, n.position.x, n.selected, n.data.problem, n.data.agentName])).toEqual([
      ['s1', 'step', 0, false, null, null],
      ['s2', 'step', 300, false, 'bad', 'Transformer'],
      ['s3', 'step', 600, true, null, null],
    ]);
    const edges = toEdges(doc.steps, { problems: new Set([edgeId('s1', 's2')]) });
    expect(edges.map((e) => [e.id, e.source, e.target, e.animated, e.className])).toEqual([
      ['s1->s2', 's1', 's2', true, 'wf-edge-problem'],
      ['s2->s3', 's2', 's3', false, undefined],
      ['s1->s3', 's1', 's3', false, undefined],
    ]);
  });

  it('draws nothing for a dependency on a missing key, and one edge per step holding a duplicated key', () => {
    const steps = [newStep('a', []), { ...newStep('b', []), stepKey: 'x' }, { ...newStep('c', []), stepKey: 'x' }, { ...newStep('d', []), stepKey: 'd', dependsOn: ['x', 'ghost'] }];
    expect(dependencies(steps).map((d) => d.id)).toEqual(['b->d', 'c->d']);
  });
});

describe('node reuse', () => {
  const doc = docFromWorkflow(pipeline, uid);

  it('keeps the objects of unchanged nodes and replaces changed ones', () => {
    const first = toNodes(doc.steps, doc.positions);
    const moved = reuseNodes(first, toNodes(doc.steps, { ...doc.positions, s2: { x: 1, y: 2 } }));
    expect(moved[0]).toBe(first[0]);
    expect(moved[1]).not.toBe(first[1]);
    expect(moved[2]).toBe(first[2]);
    const measured = reuseNodes(moved, toNodes(doc.steps, { ...doc.positions, s2: { x: 1, y: 2 } }, { measured: new Map([['s3', { width: 220, height: 84 }]]) }));
    expect(measured[1]).toBe(moved[1]);
    expect(measured[2]!.measured).toEqual({ width: 220, height: 84 });
  });
});

describe('canvas → steps', () => {
  const doc = docFromWorkflow(pipeline, uid);

  it('round-trips: the nodes and edges give back the same steps and positions', () => {
    const back = fromCanvas(toNodes(doc.steps, doc.positions), toEdges(doc.steps));
    expect(back.steps).toEqual(doc.steps);
    expect(back.positions).toEqual(doc.positions);
  });

  it('keeps a dependency that was never drawn (an unknown key)', () => {
    const steps = doc.steps.map((s) => (s.stepKey === 'fetch' ? { ...s, dependsOn: ['ghost'] } : s));
    expect(fromCanvas(toNodes(steps, doc.positions), toEdges(steps)).steps[0]!.dependsOn).toEqual(['ghost']);
  });

  it('reads dependencies from edges added or removed on the canvas', () => {
    const edges = toEdges(doc.steps).filter((e) => e.id !== 's1->s3');
    const back = fromCanvas(toNodes(doc.steps, doc.positions), [...edges, { id: 's1->s1', source: 's1', target: 's1' }]);
    expect(keys(back.steps)).toEqual(['fetch<fetch', 'transform<fetch', 'save<transform']);
  });

  it('round-trips the stored steps through the document and back to what is saved', () => {
    const sent = stepsToInputs(doc.steps);
    expect(sent.problems).toEqual([]);
    const byKey = new Map(pipeline.steps.map((s) => [s.stepKey, s]));
    for (const [i, s] of sent.steps.entries()) {
      const original = byKey.get(s.stepKey)!;
      expect(s).toEqual({
        stepKey: original.stepKey,
        stepName: original.stepName,
        stepType: original.stepType,
        position: i,
        config: original.config,
        inputs: original.inputs,
        outputs: original.outputs,
        dependsOn: original.dependsOn,
        retryCount: original.retryCount,
        retryDelayMs: original.retryDelayMs,
        timeoutMs: original.timeoutMs,
        onError: original.onError,
        ...(original.agentId ? { agentId: original.agentId } : {}),
      });
    }
  });

  it('saves positions in definition.layout by step key, keeping the other definition fields', () => {
    const update = toUpdate(doc);
    expect(update.definition).toEqual({ version: '1.0', layout: { fetch: { x: 0, y: 0 }, transform: { x: 300, y: 0 }, save: { x: 600, y: 40 } } });
    expect(update.steps?.map((s) => s.stepKey)).toEqual(['fetch', 'transform', 'save']);
    expect(update.description).toBe(null);
    const reopened = docFromWorkflow({ ...pipeline, definition: update.definition! }, uid);
    expect(reopened.positions).toEqual(doc.positions);
    const create = toCreate(doc);
    expect(create.name).toBe('Pipeline');
    expect('description' in create).toBe(false);
    expect('scheduleCron' in create).toBe(false);
  });
});

describe('graph edits', () => {
  const steps = docFromWorkflow(pipeline, uid).steps;

  it('connect adds the source key to the target, once', () => {
    const next = connect(steps, 's3', 's1')!;
    expect(next[0]!.dependsOn).toEqual(['save']);
    expect(next[1]).toBe(steps[1]);
    expect(connect(next, 's3', 's1')).toBe(null);
  });

  it('disconnect removes exactly the edges given', () => {
    expect(keys(disconnect(steps, ['s1->s3', 'nope->s2']))).toEqual(['fetch<', 'transform<fetch', 'save<transform']);
  });

  it('removing a step removes the dependencies on it', () => {
    expect(keys(removeSteps(steps, ['s1']))).toEqual(['transform<', 'save<transform']);
  });

  it('renaming a key carries its dependants along', () => {
    expect(keys(renameKey(steps, 's1', 'load'))).toEqual(['load<', 'transform<load', 'save<transform,load']);
  });

  it('upstream keys are every ancestor, and cycles end', () => {
    expect(upstreamKeys(steps, 's3').sort()).toEqual(['fetch', 'transform']);
    expect(upstreamKeys(steps, 's1')).toEqual([]);
    const cyclic = connect(steps, 's3', 's1')!;
    expect(upstreamKeys(cyclic, 's1').sort()).toEqual(['save', 'transform']);
  });
});

describe('layout', () => {
  const steps = docFromWorkflow(pipeline, uid).steps;

  it('puts dependencies left of their dependants', () => {
    const p = layoutSteps(steps);
    expect(p.s1!.x).toBeLessThan(p.s2!.x);
    expect(p.s2!.x + NODE_WIDTH).toBeLessThanOrEqual(p.s3!.x);
  });

  it('fills only the missing positions when some were saved', () => {
    const p = fillPositions(steps, { s1: { x: 5, y: 7 } });
    expect(p.s1).toEqual({ x: 5, y: 7 });
    expect(Object.keys(p).sort()).toEqual(['s1', 's2', 's3']);
    expect(fillPositions(steps, {})).toEqual(layoutSteps(steps));
  });

  it('puts a new step where no step is', () => {
    expect(freeSpot({}, { x: 10, y: 10 })).toEqual({ x: 10, y: 10 });
    const below = freeSpot({ a: { x: 0, y: 0 } }, { x: 10, y: 10 });
    expect(below.x).toBe(10);
    expect(below.y).toBeGreaterThanOrEqual(NODE_HEIGHT);
  });

  it('lays out 100 steps quickly', () => {
    const many: StepDraft[] = [];
    for (let i = 0; i < 100; i += 1) many.push({ ...newStep(`n${i}`, many), dependsOn: i === 0 ? [] : [`step_${Math.floor(i / 2) + 1}`] });
    const start = performance.now();
    const p = layoutSteps(many);
    expect(Object.keys(p)).toHaveLength(100);
    expect(performance.now() - start).toBeLessThan(400);
  });
});
