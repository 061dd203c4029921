// Exporting one workflow from its builder to a JSON file and importing that file back as a
// copy from the Workflows list, through the app's native-dialog path (answered from
// TURBOCAT_DIALOG_ANSWERS, one path per line), with the outcome shown on screen.

import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { byText, invoke, waitForText } from '../support/app.js';

/** The next dialog answers, one per line ('' = the user cancels). */
const answer = (...lines) => fs.writeFileSync(process.env.TURBOCAT_E2E_ANSWERS, lines.join('\n'));

const row = (name) => $(`//tr[.//div[contains(@class,"cell-name")][normalize-space(.)=${JSON.stringify(name)}]]`);

describe('Workflow export and import', () => {
  it('exports a workflow from the builder and imports it back as a copy', async () => {
    const bundle = path.join(path.dirname(process.env.TURBOCAT_E2E_DB), 'data-pipeline.json');
    await $('//nav//a[normalize-space(.)="Workflows"]').click();
    await waitForText('the seeded workflows', (t) => t.includes('Data Pipeline') && t.includes('2 workflows'));
    const seeded = (await invoke('workflows_list', { query: { search: 'Data Pipeline' } })).items[0];

    await (await row('Data Pipeline')).$('a=Open').click();
    await waitForText('the builder', (t) => t.includes('Fetch Data from API') && t.includes('Transform Data') && t.includes('Save Results'));

    // A cancelled dialog exports nothing and says nothing.
    answer('');
    await $('//button[normalize-space(.)="Export…"]').click();
    await browser.pause(500);
    expect(fs.existsSync(bundle)).toBe(false);

    answer(bundle);
    await $('//button[normalize-space(.)="Export…"]').click();
    await waitForText('the export outcome', (t) => t.includes(`Exported “Data Pipeline” to ${bundle}.`));
    const file = JSON.parse(fs.readFileSync(bundle, 'utf8'));
    expect(file.format).toBe('turbocat-bundle');
    expect(file.workflows.map((w) => w.name)).toEqual(['Data Pipeline']);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'workflow-exported.png'));

    // Back to the list (nothing unsaved, so no question), and import the file as a copy.
    await $('//a[normalize-space(.)="← Workflows"]').click();
    await waitForText('the list', (t) => t.includes('2 workflows'));
    answer(bundle);
    await $('//button[normalize-space(.)="Import…"]').click();
    await waitForText('the import outcome', (t) => t.includes('Imported 1 workflow with 3 steps') && t.includes('3 workflows'));

    const copies = await invoke('workflows_list', { query: { search: 'Data Pipeline' } });
    expect(copies.total).toBe(2);
    const copy = copies.items.find((w) => w.id !== seeded.id);
    const full = await invoke('workflows_get', { id: copy.id });
    expect(full.steps.map((s) => s.stepKey)).toEqual(['fetch_data', 'transform_data', 'save_data']);
    expect(full.steps.map((s) => s.dependsOn)).toEqual([[], ['fetch_data'], ['transform_data']]);
    const shown = [];
    for (const el of await $$(byText('Data Pipeline'))) shown.push(await el.isDisplayed());
    expect(shown.filter(Boolean).length).toBe(2);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'workflow-imported.png'));
  });
});
