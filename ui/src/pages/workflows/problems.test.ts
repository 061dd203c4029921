import { describe, expect, it } from 'vitest';
import type { CommandError } from '../../ipc';
import { fromLocal, messagesByStep, problemEdges, problemsFromError } from './problems';

const sent = [
  { uid: 's1', stepKey: 'a' },
  { uid: 's2', stepKey: 'b' },
  { uid: 's3', stepKey: 'c' },
  { uid: 's4', stepKey: 'c' },
];

/** An error as the backend sends it: every field with the one message. */
function refused(code: CommandError['code'], message: string, fields: string[]): CommandError {
  return { code, message, fields: fields.map((field) => ({ field, message })) };
}

const CYCLE = refused('BAD_REQUEST', 'Cycle detected in workflow: a -> b -> a', ['steps.a.dependsOn.b', 'steps.b.dependsOn.a']);
const SELF = refused('BAD_REQUEST', 'Step "a" cannot depend on itself', ['steps.a.dependsOn.a']);

describe('problemsFromError', () => {
  it('maps a duplicate key to every step holding it', () => {
    expect(problemsFromError(refused('BAD_REQUEST', 'Duplicate step key: "c"', ['steps.c.stepKey']), sent)).toEqual([
      { message: 'Duplicate step key: "c"', stepUids: ['s3', 's4'], edgeIds: [] },
    ]);
  });

  it('maps a missing dependency to the step that names it', () => {
    const [p] = problemsFromError(refused('BAD_REQUEST', 'Step "b" depends on non-existent step "zz"', ['steps.b.dependsOn']), sent);
    expect(p).toEqual({ message: 'Step "b" depends on non-existent step "zz"', stepUids: ['s2'], edgeIds: [] });
  });

  it('maps a self-dependency to the step and its loop edge', () => {
    expect(problemsFromError(SELF, sent)).toEqual([{ message: SELF.message, stepUids: ['s1'], edgeIds: ['s1->s1'] }]);
  });

  it('maps a cycle to one problem with its steps and the edges that close it', () => {
    // a depends on b, b depends on a: edges b→a and a→b.
    expect(problemsFromError(CYCLE, sent)).toEqual([{ message: CYCLE.message, stepUids: ['s1', 's2'], edgeIds: ['s2->s1', 's1->s2'] }]);
  });

  it('places a reference problem on its step by key, whatever the message says', () => {
    const e = refused('VALIDATION_ERROR', 'Anything at all', ['steps.b', 'steps.c.config.condition']);
    e.fields![1]!.message = 'Another message';
    expect(problemsFromError(e, sent)).toEqual([
      { message: 'Anything at all', stepUids: ['s2'], edgeIds: [] },
      { message: 'Another message', stepUids: ['s3', 's4'], edgeIds: [] },
    ]);
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
          { field: 'steps.b.agentId', message: 'Step "b" uses agent x, which does not exist or was deleted' },
          { field: 'steps', message: 'A workflow can have at most 100 steps (got 101)' },
          { field: 'definition', message: 'definition must be an object' },
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
      [[], 'definition must be an object'],
    ]);
  });

  it('leaves an error without fields to the whole workflow', () => {
    expect(problemsFromError({ code: 'NOT_FOUND', message: 'Workflow not found' }, sent)).toEqual([
      { message: 'Workflow not found', stepUids: [], edgeIds: [] },
    ]);
  });
});

describe('display', () => {
  it('joins each step’s messages once and collects the problem edges', () => {
    const problems = [
      ...problemsFromError(CYCLE, sent),
      ...problemsFromError(SELF, sent),
      ...fromLocal([{ message: 'Step "a": input "x" is not valid JSON', stepUid: 's1' }, { message: 'The workflow needs a name' }]),
    ];
    const byStep = messagesByStep(problems);
    expect(byStep.get('s1')).toBe('Cycle detected in workflow: a -> b -> a\nStep "a" cannot depend on itself\nStep "a": input "x" is not valid JSON');
    expect(byStep.get('s2')).toBe('Cycle detected in workflow: a -> b -> a');
    expect(byStep.has('s3')).toBe(false);
    expect([...problemEdges(problems)].sort()).toEqual(['s1->s1', 's1->s2', 's2->s1']);
  });
});
