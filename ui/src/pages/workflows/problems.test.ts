import { describe, expect, it } from 'vitest';
import { fromLocal, messagesByStep, problemEdges, problemFromMessage, problemsFromError } from './problems';

const sent = [
  { uid: 's1', stepKey: 'a' },
  { uid: 's2', stepKey: 'b' },
  { uid: 's3', stepKey: 'c' },
  { uid: 's4', stepKey: 'c' },
];

describe('problemFromMessage', () => {
  it('maps a duplicate key to every step holding it', () => {
    expect(problemFromMessage('Duplicate step key: "c"', sent)).toEqual({ message: 'Duplicate step key: "c"', stepUids: ['s3', 's4'], edgeIds: [] });
  });

  it('maps a missing dependency to the step that names it', () => {
    expect(problemFromMessage('Step "b" depends on non-existent step "zz"', sent).stepUids).toEqual(['s2']);
  });

  it('maps a self-dependency to the step and its loop edge', () => {
    expect(problemFromMessage('Step "a" cannot depend on itself', sent)).toMatchObject({ stepUids: ['s1'], edgeIds: ['s1->s1'] });
  });

  it('maps a cycle to its steps and the edges that close it', () => {
    // a depends on b, b depends on a: edges b→a and a→b.
    const p = problemFromMessage('Cycle detected in workflow: a -> b -> a', sent);
    expect(p.stepUids).toEqual(['s1', 's2']);
    expect(p.edgeIds).toEqual(['s2->s1', 's1->s2']);
    const longer = problemFromMessage('Cycle detected in workflow: b -> c -> a -> b', [sent[0]!, sent[1]!, sent[2]!]);
    expect(longer.stepUids).toEqual(['s2', 's3', 's1']);
    expect(longer.edgeIds).toEqual(['s3->s2', 's1->s3', 's2->s1']);
  });

  it('reads a leading step name out of other messages, and leaves the rest to the workflow', () => {
    expect(problemFromMessage('Step "b" uses agent 0190, which does not exist or was deleted', sent).stepUids).toEqual(['s2']);
    expect(problemFromMessage('Workflow not found', sent)).toEqual({ message: 'Workflow not found', stepUids: [], edgeIds: [] });
  });
});

describe('problemsFromError', () => {
  it('maps a graph error of a check', () => {
    const problems = problemsFromError({ code: 'BAD_REQUEST', message: 'Cycle detected in workflow: a -> b -> a' }, sent);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.stepUids).toEqual(['s1', 's2']);
  });

  it('maps field errors steps[i].… to the i-th step sent, naming it', () => {
    const problems = problemsFromError(
      {
        code: 'VALIDATION_ERROR',
        message: 'steps[2].timeoutMs must be between 1000 and 3600000; …',
        fields: [
          { field: 'steps[2].timeoutMs', message: 'steps[2].timeoutMs must be between 1000 and 3600000' },
          { field: 'steps[0]', message: 'bad' },
          { field: 'steps[9].stepKey', message: 'gone' },
          { field: 'agentId', message: 'Step "b" uses agent x, which does not exist or was deleted' },
          { field: 'steps', message: 'A workflow can have at most 100 steps (got 101)' },
        ],
      },
      sent,
    );
    expect(problems.map((p) => [p.stepUids, p.message])).toEqual([
      [['s3'], 'Step "c": timeoutMs must be between 1000 and 3600000'],
      [['s1'], 'Step "a": bad'],
      [[], 'gone'],
      [['s2'], 'Step "b" uses agent x, which does not exist or was deleted'],
      [[], 'A workflow can have at most 100 steps (got 101)'],
    ]);
  });
});

describe('display', () => {
  it('joins each step’s messages once and collects the problem edges', () => {
    const problems = [
      problemFromMessage('Cycle detected in workflow: a -> b -> a', sent),
      problemFromMessage('Step "a" cannot depend on itself', sent),
      ...fromLocal([{ message: 'Step "a": input "x" is not valid JSON', stepUid: 's1' }, { message: 'The workflow needs a name' }]),
    ];
    const byStep = messagesByStep(problems);
    expect(byStep.get('s1')).toBe('Cycle detected in workflow: a -> b -> a\nStep "a" cannot depend on itself\nStep "a": input "x" is not valid JSON');
    expect(byStep.get('s2')).toBe('Cycle detected in workflow: a -> b -> a');
    expect(byStep.has('s3')).toBe(false);
    expect([...problemEdges(problems)].sort()).toEqual(['s1->s1', 's1->s2', 's2->s1']);
  });
});
