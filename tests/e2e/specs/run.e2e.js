// Real runs in the app (issue 4): a run started through `executions_run` (what the Run dialog
// calls) streams to its execution page live and completes offline with its step logs; a failed
// run is re-run from its failed step (a new execution that says what it re-runs); a running
// run is cancelled from its page at once.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, visibleText, waitForText } from '../support/app.js';

const step = (stepKey, stepType, extra = {}) => ({ stepKey, stepName: `Step ${stepKey}`, stepType, ...extra });

async function createWorkflow(name, definition, steps) {
  return (await invoke('workflows_create', { input: { name, status: 'ACTIVE', definition, steps } }));
}

async function openExecution(id) {
  await browser.execute((h) => (window.location.hash = h), `#/executions/${id}`);
  await waitForText('the execution page', (t) => t.includes('All executions') && t.includes(id));
}

describe('Runs', () => {
  it('runs a workflow and streams it to its execution page', async () => {
    await $('//a[normalize-space(.)="Executions"]').waitForClickable({ timeout: 15_000 });
    const wf = await createWorkflow('E2E Offline Run', { inputs: { who: { type: 'string', default: 'world' } } }, [
      step('greet', 'AGENT', { inputs: { hello: '{{inputs.who}}' } }),
      step('pause', 'WAIT', { config: { waitMs: 2500 }, dependsOn: ['greet'] }),
      step('done', 'AGENT', { inputs: { said: '{{greet.hello}}' }, dependsOn: ['pause'] }),
    ]);
    const started = await invoke('executions_run', { workflowId: wf.id, input: { who: 'Ada' } });
    expect(['PENDING', 'RUNNING']).toContain(started.status);
    await openExecution(started.id);
    // Live while it runs, then completed without a reload.
    await waitForText('the running run', (t) => t.includes('Live') && t.includes('Cancel run'), 5_000);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'run-live.png'));
    await waitForText(
      'the completed run',
      (t) => t.includes('Completed') && t.includes('Step "done" completed') && t.includes('Workflow execution completed'),
      20_000,
    );
    const text = await visibleText();
    for (const part of ['Step "greet" completed', 'Step "pause" completed', '"said": "Ada"', 'Re-run']) expect(text).toContain(part);
    expect(text).not.toContain('Cancel run');
    const after = await invoke('executions_get', { id: started.id });
    expect(after.status).toBe('COMPLETED');
    expect(after.stepCounts.completed).toBe(3);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'run-completed.png'));
  });

  it('re-runs a failed run from its failed step', async () => {
    const wf = await createWorkflow('E2E Failing Run', { inputs: { missing: { type: 'object' } } }, [
      step('first', 'AGENT', { inputs: { ranIn: '{{metadata.executionId}}' } }),
      step('broken', 'AGENT', { inputs: { x: '{{inputs.missing.deep}}' }, dependsOn: ['first'] }),
    ]);
    const failed = await invoke('executions_run', { workflowId: wf.id, input: { missing: {} } });
    await openExecution(failed.id);
    await waitForText('the failed run', (t) => t.includes('Step "broken" failed') && t.includes('Re-run from failed step'), 15_000);
    await $('button=Re-run from failed step').click();
    await browser.waitUntil(async () => (await browser.execute(() => window.location.hash)) !== `#/executions/${failed.id}`, {
      timeoutMsg: 'the re-run did not open',
    });
    await waitForText('the re-run', (t) => t.includes('Re-run from the failed step of') && t.includes(failed.id) && t.includes('output reused from execution'), 15_000);
    const id = (await browser.execute(() => window.location.hash)).split('/').pop();
    const rerun = await invoke('executions_get', { id });
    expect(rerun.triggerData).toEqual({ rerunOf: failed.id, fromFailedStep: true });
    expect(rerun.outputData.first.ranIn).toBe(failed.id);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'run-rerun-from-failed.png'));
  });

  it('cancels a running run at once', async () => {
    const wf = await createWorkflow('E2E Long Run', {}, [step('long', 'WAIT', { config: { waitMs: 120000 }, timeoutMs: 300000 })]);
    const run = await invoke('executions_run', { workflowId: wf.id, input: {} });
    await openExecution(run.id);
    await waitForText('the running run', (t) => t.includes('Live'), 10_000);
    await $('button=Cancel run').click();
    const dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    const t0 = Date.now();
    await dialog.$('button=Cancel run').click();
    await waitForText('the cancelled run', (t) => t.includes('Cancelled') && t.includes('Execution cancelled by user') && t.includes('Re-run'), 10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The engine's own end of the run (steps closed) follows the row's.
    await browser.waitUntil(async () => {
      const logs = await invoke('executions_logs', { id: run.id, query: { pageSize: 100 } });
      return logs.items.some((l) => l.message.startsWith('Step "long" skipped'));
    }, { timeout: 10_000, timeoutMsg: 'the wait step was never closed' });
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'run-cancelled.png'));
  });

  it('runs from the builder and shows each step live on the canvas', async () => {
    const wf = await createWorkflow('E2E Canvas Run', { inputs: { who: { type: 'string', required: true } } }, [
      step('greet', 'AGENT', { inputs: { hello: '{{inputs.who}}' } }),
      step('pause', 'WAIT', { config: { waitMs: 3000 }, dependsOn: ['greet'] }),
    ]);
    await browser.execute((h) => (window.location.hash = h), `#/workflows/${wf.id}`);
    await waitForText('the builder', (t) => t.includes('E2E Canvas Run') && t.includes('Run…'));
    await $('button=Run…').click();
    const dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    // The form comes from the declared inputs; the required one is refused empty.
    await dialog.$('button=Run').click();
    await waitForText('the required-input message', (t) => /who[\s\S]*required/i.test(t));
    await dialog.$('input').addValue('Grace');
    await dialog.$('button=Run').click();
    // The builder stays: the strip and the nodes follow the run.
    await waitForText('the live run on the canvas', (t) => t.includes('Running:') && t.includes('Open the execution'), 10_000);
    await $('[data-step-key="pause"] .wf-node-live').waitForDisplayed({ timeout: 10_000 });
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'run-canvas-live.png'));
    await waitForText('the finished run on the canvas', (t) => t.includes('Run completed: 2 of 2 steps'), 20_000);
    const greet = await $('[data-step-key="greet"] .wf-node-live').getText();
    expect(greet).toMatch(/Completed/i);
    const runs = await invoke('executions_list', { query: { workflowId: wf.id } });
    expect(runs.total).toBe(1);
    expect(runs.items[0].status).toBe('COMPLETED');
    expect(runs.items[0].inputData).toEqual({ who: 'Grace' });
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'run-canvas-completed.png'));
  });
});
