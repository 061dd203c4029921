// Creating an agent through the real form: it appears in the list, the database holds it, and
// the audit log has its agent.create row.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { byText, invoke, waitForText } from '../support/app.js';

describe('Creating an agent', () => {
  it('saves the form, lists the agent and audits the create', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await $('//button[normalize-space(.)="New agent"]').click();
    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();

    // The name field has the focus in a new-agent form; the first select is the type.
    await browser.keys('E2E Fetcher');
    await panel.$('select').selectByVisibleText('DATA');
    await panel.$('//button[@type="submit"]').click();

    await waitForText('the edit panel of the new agent', (t) => t.includes('Edit E2E Fetcher'));
    await $('//button[@aria-label="Close (Esc)"]').click();
    await waitForText('the new agent in the list', (t) => t.includes('E2E Fetcher') && t.includes('6 agents'));
    expect(await $(byText('E2E Fetcher')).isDisplayed()).toBe(true);

    const page = await invoke('agents_list', { query: { search: 'E2E Fetcher' } });
    expect(page.total).toBe(1);
    expect(page.items[0].type).toBe('DATA');
    expect(page.items[0].status).toBe('DRAFT');
    const audit = await invoke('audit_list', { query: { action: 'agent.create', resourceId: page.items[0].id } });
    expect(audit.total).toBe(1);
    expect(audit.items[0].changes.after.name).toBe('E2E Fetcher');

    await browser.saveScreenshot(path.join(SCREENSHOTS, 'agent-created.png'));
  });
});
