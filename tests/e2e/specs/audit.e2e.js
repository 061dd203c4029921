// The Audit Log page lists the rows services write: filtered by an action prefix and by an
// exact action, with a row expanded to its before/after table.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, waitForText } from '../support/app.js';

describe('Audit Log page', () => {
  it('filters by action and shows what a create wrote', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    const agent = await invoke('agents_create', { input: { name: 'Audit Probe', type: 'API' } });
    const created = await invoke('api_keys_create', { input: { name: 'Audit Key' } });

    await $('//a[normalize-space(.)="Audit Log"]').click();
    await waitForText('both creates in the log', (t) => t.includes('agent.create') && t.includes('api_key.create'));

    await $('input[aria-label="Action"]').setValue('agent.');
    await waitForText('only agent rows', (t) => t.includes('agent.create') && !t.includes('api_key.create'));

    const row = await $(`tr[data-resource-id="${agent.id}"]`);
    await row.$('button[aria-label="Show changes"]').click();
    // The create's snapshot as a before/after table: the name is in the After column.
    const nameRow = await $('//table[contains(@class,"diff")]//tr[th[normalize-space(.)="name"]]');
    await nameRow.waitForDisplayed();
    const cells = await nameRow.$$('td');
    expect(await cells[0].getText()).toBe('—');
    expect(await cells[1].getText()).toBe('Audit Probe');
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'audit-agent-expanded.png'));

    await $('input[aria-label="Action"]').setValue('api_key.create');
    await waitForText('only the key row', (t) => t.includes('api_key.create') && !t.includes('agent.create'));
    expect(await $(`tr[data-resource-id="${created.apiKey.id}"]`).isDisplayed()).toBe(true);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'audit-api-key.png'));
  });
});
