// The Data page in the real window: browse a table with its row counts, sort by a header,
// filter a column, open a row with its related rows and follow them to other tables, and edit
// an agent's fields through the page, which goes through the agent service (rules and audit).

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, visibleText, waitForText } from '../support/app.js';

const TRANSFORMER = '00000000-0000-4000-8000-000000001002';

/**
 * Replaces an input's text the way a person does (select all, then type), so React sees every
 * change; typed through the element, since WebKitWebDriver's key actions drop a repeated key.
 */
async function replaceText(input, text) {
  await input.click();
  await browser.keys(['Control', 'a']);
  await input.addValue(text);
}

/** The names in the grid's first `name` column, top to bottom. */
async function gridNames() {
  return browser.execute(() => {
    const grid = document.querySelector('table.data-grid');
    if (!grid) return [];
    const heads = [...grid.querySelectorAll('thead th')].map((th) => th.textContent.trim().replace(/[▲▼]/g, ''));
    const i = heads.indexOf('name');
    return [...grid.querySelectorAll('tbody tr')].map((tr) => tr.children[i].textContent.trim());
  });
}

describe('The Data page', () => {
  it('browses, sorts and filters a table and opens a row with its related rows', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await $('//a[normalize-space(.)="Data"]').click();
    await waitForText('the agents table', (t) => t.includes('Rows 1–5 of 5'));
    // The picker lists the ten tables with their counts.
    const picker = await browser.execute(() =>
      [...document.querySelectorAll('nav[aria-label="Tables"] a')].map((a) => a.textContent.replace(/\s+/g, ' ').trim()),
    );
    expect(picker).toEqual(['users2', 'agents5', 'workflows2', 'workflow_steps6', 'executions0', 'execution_logs0', 'templates6', 'deployments0', 'api_keys0', 'audit_logs2']);

    // Sorting by a header click: ascending, then descending.
    await $('//table[contains(@class,"data-grid")]//th//button[starts-with(normalize-space(.),"name")]').click();
    await browser.waitUntil(async () => (await gridNames())[0] === 'API Caller', { timeoutMsg: 'not sorted by name ascending' });
    await $('//table[contains(@class,"data-grid")]//th//button[starts-with(normalize-space(.),"name")]').click();
    await browser.waitUntil(async () => (await gridNames())[0] === 'Web Scraper', { timeoutMsg: 'not sorted by name descending' });

    // A filter on the type column: type = API leaves two agents.
    await $('select[aria-label="Add a filter on a column"]').selectByVisibleText('type');
    await $('select[aria-label="Filter 1 value"]').selectByVisibleText('API');
    await waitForText('the filtered rows', (t) => t.includes('Rows 1–2 of 2'));
    expect((await gridNames()).sort()).toEqual(['API Caller', 'Email Sender']);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-filtered.png'));
    await $('button[aria-label="Remove filter 1"]').click();
    await waitForText('all agents again', (t) => t.includes('Rows 1–5 of 5'));

    // Open the Data Transformer: its row in full, what it points to and what points to it.
    await $(`tr[data-row-id="${TRANSFORMER}"] td:nth-child(2)`).click();
    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();
    await waitForText('the row in full', (t) => t.includes('Transforms and maps data between different formats'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-row.png'));
    await panel.$('button[role="tab"][id="data-tab-related"]').click();
    await waitForText('the related rows', (t) => /pointed to by/i.test(t) && t.includes('Transform Data'));
    expect(await panel.getText()).toContain('admin@turbocat.dev'); // its user
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-row-related.png'));

    // Follow the child step, then its workflow: each opens in its own table.
    await panel.$('//a[normalize-space(.)="Transform Data"]').click();
    await waitForText('the step row', (t) => t.includes('workflow_steps') && t.includes('Data Pipeline'));
    expect(await browser.execute(() => window.location.hash)).toMatch(/^#\/data\/workflow_steps\/00000000-0000-4000-8000-000000003002$/);
    await $('aside[role="dialog"]').$('//a[normalize-space(.)="Data Pipeline"]').click();
    await waitForText('the workflow row', (t) => t.includes('Pipeline') && t.includes('workflow_steps') && t.includes('Fetch Data from API'));
    expect(await browser.execute(() => window.location.hash)).toContain('#/data/workflows/');

    // Esc closes the row; a read-only table says so and offers no edit.
    await browser.keys('Escape');
    await $('aside[role="dialog"]').waitForDisplayed({ reverse: true });
    await $('a[href="#/data/audit_logs"]').click();
    await waitForText('the audit log table', (t) => t.includes('Read-only: the audit log is append-only.'));
    await $("table.data-grid tbody tr td:nth-child(2)").click();
    await $('aside[role="dialog"]').waitForDisplayed();
    expect(await $('//aside//button[normalize-space(.)="Edit"]').isExisting()).toBe(false);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-read-only.png'));
    await browser.keys('Escape');
  });

  it('edits an agent through the agent service: its rules apply and the change is audited', async () => {
    await browser.execute((id) => (window.location.hash = `#/data/agents/${id}`), TRANSFORMER);
    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();
    await panel.$('//button[normalize-space(.)="Edit"]').click();
    const form = await panel.$('form');
    await form.waitForDisplayed();

    // A value the agent rules refuse is shown under its field, and nothing is written.
    const memory = await form.$('//label[span[starts-with(normalize-space(.),"maxMemoryMb")]]//input');
    await replaceText(memory, '99999');
    await browser.keys(['Control', 's']);
    await waitForText('the rule message', (t) => t.includes('maxMemoryMb must be between 1 and 8192'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-agent-edit-refused.png'));
    expect((await invoke('audit_list', { query: { action: 'agent.update', resourceId: TRANSFORMER } })).total).toBe(0);

    await replaceText(memory, '768');
    const description = await form.$('//label[span[starts-with(normalize-space(.),"description")]]//input');
    await replaceText(description, 'Edited from the Data page');
    await form.$('//button[@type="submit"]').click();
    await waitForText('the saved notice', (t) => t.includes('Saved 2 changes through the agents service'));
    await waitForText('the saved values', (t) => t.includes('Edited from the Data page') && /maxMemoryMb\s*int\s*768/.test(t));

    const audit = await invoke('audit_list', { query: { action: 'agent.update', resourceId: TRANSFORMER } });
    expect(audit.total).toBe(1);
    expect(audit.items[0].changes.description.after).toBe('Edited from the Data page');
    expect(audit.items[0].changes.maxMemoryMb.after).toBe(768);
    const agent = await invoke('agents_get', { id: TRANSFORMER });
    expect([agent.description, agent.maxMemoryMb]).toEqual(['Edited from the Data page', 768]);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-agent-edited.png'));

    // The audit_logs table shows the new row at the top.
    await browser.keys('Escape');
    await $('a[href="#/data/audit_logs"]').click();
    await waitForText("the update in the audit table", (t) => t.includes("agent.update"));
    expect(await visibleText()).toContain('agent.update');
  });
});
