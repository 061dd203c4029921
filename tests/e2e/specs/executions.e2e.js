// The Executions pages with an execution that exists, without running it (run.e2e.js covers
// real runs): the test creates a pending one through the `executions_create` command, and it
// appears in the history by itself
// (the change event), its page shows the header, the input data and the empty timeline and
// logs, and cancelling it after the confirmation marks it Cancelled with its warn log line.
// Timeline bars and step log rows need the engine; their rendering is unit-tested
// (ui/src/pages/executions/timeline.test.ts).

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, visibleText, waitForText } from '../support/app.js';

const SOURCE = 'https://example.com/e2e-source.json';
let execution = null;
let workflow = null;

async function openExecutions() {
  const link = await $('//a[normalize-space(.)="Executions"]');
  await link.waitForClickable({ timeout: 15_000 });
  await link.click();
}

describe('Executions', () => {
  it('lists an execution that exists and opens its page', async () => {
    await openExecutions();
    await waitForText('the empty history', (t) => t.includes('No runs yet.') && t.includes('once a workflow runs'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'executions-empty.png'));

    workflow = (await invoke('workflows_list', { query: { search: 'Data Pipeline' } })).items[0];
    expect(workflow.status).toBe('ACTIVE');
    execution = await invoke('executions_create', { input: { workflowId: workflow.id, inputData: { sourceUrl: SOURCE } } });
    expect(execution.status).toBe('PENDING');

    // The open page refreshes after the write.
    const row = await $(`tr[data-execution-id="${execution.id}"]`);
    await row.waitForDisplayed({ timeout: 10_000 });
    const rowText = await row.getText();
    for (const part of ['Data Pipeline', 'Pending', 'Manual', '3 steps']) expect(rowText).toContain(part);
    await waitForText('the count', (t) => t.includes('1 run'));

    // Filters: another status hides it; the workflow filter keeps it.
    await $('select[aria-label="Status"]').selectByAttribute('value', 'COMPLETED');
    await waitForText('no matches', (t) => t.includes('No runs match these filters.'));
    await $('button=Clear').click();
    await $('select[aria-label="Workflow"]').selectByAttribute('value', workflow.id);
    await row.waitForDisplayed();

    // A click anywhere on the row opens the execution's page.
    await row.$('.cell-name').click();
    await waitForText('the execution page', (t) => t.includes('All executions') && t.includes('Not started'));
    expect(await browser.execute(() => window.location.hash)).toBe(`#/executions/${execution.id}`);
    const heading = await $('#execution-heading a');
    expect(await heading.getText()).toBe('Data Pipeline');
    // WebDriver reports the resolved link (tauri://localhost#/…).
    expect(await heading.getAttribute('href')).toMatch(new RegExp(`#/workflows/${workflow.id}$`));
    const text = await visibleText();
    for (const part of ['Pending', 'Manual', execution.id, SOURCE, 'No output yet.', 'No step has started yet.', 'this run has not started', 'Cancel run'])
      expect(text).toContain(part);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'execution-pending.png'));
  });

  it('cancels a pending execution after confirmation', async () => {
    // "Keep it" leaves the run alone.
    await $('button=Cancel run').click();
    let dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    await dialog.$('button=Keep it').click();
    await dialog.waitForDisplayed({ reverse: true });
    expect((await invoke('executions_get', { id: execution.id })).status).toBe('PENDING');

    await $('button=Cancel run').click();
    dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    await dialog.$('button=Cancel run').click();
    await waitForText('the cancelled run', (t) => t.includes('Cancelled') && t.includes('Execution cancelled by user'));
    expect(await $('button=Cancel run').isExisting()).toBe(false);
    const after = await invoke('executions_get', { id: execution.id });
    expect(after.status).toBe('CANCELLED');
    expect(after.completedAt).not.toBeNull();

    // The log line is a warning: the level filter keeps it under Warn and hides it under Error.
    await $('select[aria-label="Level"]').selectByAttribute('value', 'ERROR');
    await waitForText('no error lines', (t) => t.includes('No log lines match these filters.'));
    await $('select[aria-label="Level"]').selectByAttribute('value', 'WARN');
    await waitForText('the warn line', (t) => t.includes('Execution cancelled by user') && t.includes('1 line'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'execution-cancelled.png'));

    await $('a=← All executions').click();
    const row = await $(`tr[data-execution-id="${execution.id}"]`);
    await row.waitForDisplayed();
    expect(await row.getText()).toContain('Cancelled');
  });
});
