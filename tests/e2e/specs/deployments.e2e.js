// Deployments through the real form: the target rule's message when none is picked, a workflow
// picked from the list, a variable whose value never comes back, then start and stop from the
// list as the state machine allows (checked with deployments_get), and delete with confirmation.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, waitForText } from '../support/app.js';

const NAME = 'E2E Edge';
const SECRET = 'e2e-secret-value-123456';
const PIPELINE = '00000000-0000-4000-8000-000000002001';

async function row() {
  const page = await invoke('deployments_list', { query: { search: NAME } });
  expect(page.total).toBe(1);
  return page.items[0];
}

/** The `{code, message}` a command rejects with, as JSON text; null when it succeeds. */
async function failureOf(command, args) {
  return browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__
        .invoke(cmd, a)
        .then(() => done(null))
        .catch((error) => done(JSON.stringify(error)));
    },
    command,
    args,
  );
}

async function statusOf(id) {
  return (await invoke('deployments_get', { id })).status;
}

describe('Deployments', () => {
  it('creates a deployment of a workflow with a masked variable', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await $('//a[normalize-space(.)="Deployments"]').click();
    await waitForText('the empty Deployments page', (t) => t.includes('No deployments yet'));

    // N opens the form, Esc closes it.
    await browser.keys('n');
    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();
    await browser.keys('Escape');
    await panel.waitForDisplayed({ reverse: true });
    await browser.keys('n');
    await $('aside[role="dialog"]').waitForDisplayed();

    // The name has the focus. Without a target, the docs/rules.md message shows on the target field.
    await browser.keys(NAME);
    await $('//label[span[normalize-space(.)="Environment"]]/select').selectByAttribute('value', 'STAGING');
    await $('//button[@type="submit"]').click();
    await waitForText('the target message', (t) => t.includes('Either workflowId or agentId must be provided'));
    expect(await $('//div[@role="group"][@aria-label="Target: what runs"]//span[@role="alert"]').getText()).toBe(
      'Either workflowId or agentId must be provided',
    );
    await browser.pause(300); // let the window paint the message before the screenshot
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'deployment-target-required.png'));

    const target = await $('select[aria-label="Workflow to deploy"]');
    await browser.waitUntil(async () => (await target.$$('option')).length > 2, { timeoutMsg: 'no workflows to pick' });
    await target.selectByAttribute('value', PIPELINE);
    await $('//button[normalize-space(.)="Add variable"]').click();
    await $('input[aria-label="Variable 1 name"]').setValue('API_TOKEN');
    await $('input[aria-label="Variable 1 value"]').setValue(SECRET);
    await $('//button[@type="submit"]').click();

    await waitForText('the edit panel of the new deployment', (t) => t.includes(`Edit ${NAME}`));
    // The stored variable is listed by name with a write-only value; its value is nowhere.
    const stored = await $('input[aria-label="New value for API_TOKEN"]');
    await stored.waitForDisplayed();
    expect(await stored.getValue()).toBe('');
    expect(await stored.getAttribute('placeholder')).toContain('••••');
    expect(await browser.execute(() => document.documentElement.outerHTML)).not.toContain(SECRET);

    const d = await row();
    expect(d).toMatchObject({ workflowId: PIPELINE, agentId: null, environment: 'STAGING', status: 'STOPPED' });
    expect(Object.keys(d.environmentVars)).toEqual(['API_TOKEN']);
    expect(JSON.stringify(d)).not.toContain(SECRET);

    await browser.saveScreenshot(path.join(SCREENSHOTS, 'deployment-panel.png'));

    await $('//button[@aria-label="Close (Esc)"]').click();
    await waitForText('the new deployment in the list', (t) => t.includes(NAME) && t.includes('1 deployment'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'deployment-created.png'));
  });

  it('starts and stops it as the state machine allows, then deletes it', async () => {
    const d = await row();
    const tr = await $(`tr[data-deployment-id="${d.id}"]`);
    await tr.waitForDisplayed();
    expect(await tr.$('button=Stop').isExisting()).toBe(false);

    await tr.$('button=Start').click();
    await browser.waitUntil(async () => (await statusOf(d.id)) === 'RUNNING', { timeoutMsg: 'never RUNNING' });
    const running = await invoke('deployments_get', { id: d.id });
    expect(running.healthStatus).toBe('HEALTHY');
    expect(running.deployedAt).not.toBeNull();
    // The list follows: Running and Healthy badges, and only Stop is offered.
    await browser.waitUntil(async () => (await tr.$('button=Stop').isExisting()) && !(await tr.$('button=Start').isExisting()), {
      timeoutMsg: 'the row never offered Stop instead of Start',
    });
    expect(await tr.getText()).toContain('Running');
    expect(await tr.getText()).toContain('Healthy');
    // Starting a running deployment is refused by the service with the allowed states.
    const refused = JSON.parse(await failureOf('deployments_start', { id: d.id }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toBe('Cannot start deployment in "RUNNING" status. Deployment must be STOPPED or FAILED.');
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'deployment-running.png'));

    await tr.$('button=Stop').click();
    await browser.waitUntil(async () => (await statusOf(d.id)) === 'STOPPED', { timeoutMsg: 'never STOPPED' });
    await browser.waitUntil(async () => (await tr.$('button=Start').isEnabled()) && !(await tr.$('button=Stop').isExisting()), {
      timeoutMsg: 'the row never offered Start again',
    });

    // The status filter: nothing is running any more.
    await $('select[aria-label="Status"]').selectByAttribute('value', 'RUNNING');
    await waitForText('no matches', (t) => t.includes('No deployments match'));
    await $('select[aria-label="Status"]').selectByAttribute('value', '');
    await waitForText('the list again', (t) => t.includes(NAME));

    // Select the row, Delete asks, and confirming removes it.
    await $(`tr[data-deployment-id="${d.id}"] .cell-name`).click();
    await browser.keys('Delete');
    const dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    expect(await dialog.getText()).toContain(`Delete “${NAME}”?`);
    await dialog.$('button=Delete').click();
    await waitForText('the empty Deployments page', (t) => t.includes('No deployments yet'));
    expect(JSON.parse(await failureOf('deployments_get', { id: d.id })).code).toBe('NOT_FOUND');
    const audit = await invoke('audit_list', { query: { resourceId: d.id } });
    expect(audit.items.map((a) => a.action)).toEqual(
      expect.arrayContaining(['deployment.create', 'deployment.start', 'deployment.stop', 'deployment.delete']),
    );
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'deployment-deleted.png'));
  });
});
