import { describe, expect, it } from 'vitest';
import { importSummary } from './transfer';

const none = { agentsCreated: 0, agentsReplaced: 0, workflowsCreated: 0, workflowsReplaced: 0, stepsWritten: 0, templatesCreated: 0, templatesReplaced: 0 };

describe('importSummary', () => {
  it('names what was imported', () => {
    expect(importSummary({ ...none, workflowsCreated: 1, stepsWritten: 3, agentsCreated: 2 }, '/tmp/b.json')).toBe(
      'Imported 1 workflow with 3 steps and 2 agents as copies from /tmp/b.json.',
    );
    expect(importSummary({ ...none, templatesReplaced: 1 }, 'x.json')).toBe('Imported 1 template as copies from x.json.');
  });

  it('says when the file held nothing', () => {
    expect(importSummary(none, 'empty.json')).toBe('Nothing to import in empty.json.');
  });
});
