// The Settings page in the real window: the database file's place, the theme (applied at once
// and remembered in the preferences), backup now and restore through the native dialogs
// (answered from TURBOCAT_DIALOG_ANSWERS), export/import with its report, the profile, and
// the first-start seed setting written beside the database.

import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, visibleText, waitForText } from '../support/app.js';

/** The next dialog answers, one per line ('' = the user cancels). */
const answer = (...lines) => fs.writeFileSync(process.env.TURBOCAT_E2E_ANSWERS, lines.join('\n'));
const button = (label) => $(`//button[normalize-space(.)="${label}"]`);
/**
 * Replaces an input's text the way a person does (select all, then type), so React sees every
 * change; typed through the element, since WebKitWebDriver's key actions drop a repeated key.
 */
async function replaceText(input, text) {
  await input.click();
  await browser.keys(['Control', 'a']);
  await input.addValue(text);
}
const theme = () => browser.execute(() => document.documentElement.dataset.theme);

describe('The Settings page', () => {
  it('shows the database and switches the theme at once, remembering it', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await $('//a[normalize-space(.)="Settings"]').click();
    await waitForText('the database section', (t) => t.includes('Schema version') && t.includes('Backups folder'));
    expect(await visibleText()).toContain(process.env.TURBOCAT_E2E_DB);

    await button('Dark').click();
    await browser.waitUntil(async () => (await theme()) === 'dark', { timeoutMsg: 'the dark theme was not applied' });
    const dark = await browser.execute(() => getComputedStyle(document.body).backgroundColor);
    await browser.waitUntil(async () => (await invoke('profile_get')).preferences.theme === 'dark', { timeoutMsg: 'the theme was not stored' });
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'settings-dark.png'));

    await button('Light').click();
    await browser.waitUntil(async () => (await theme()) === 'light');
    const light = await browser.execute(() => getComputedStyle(document.body).backgroundColor);
    expect(light).not.toBe(dark);
    await browser.waitUntil(async () => (await invoke('profile_get')).preferences.theme === 'light');
    expect(await browser.execute(() => localStorage.getItem('turbocat.theme'))).toBe('light');
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'settings-light.png'));

    // Remembered across a reload: drawn from the cache before the page asks the database.
    await button('Dark').click();
    await browser.waitUntil(async () => (await invoke('profile_get')).preferences.theme === 'dark');
    await browser.refresh();
    await waitForText('the page after a reload', (t) => t.includes('Settings'));
    expect(await theme()).toBe('dark');
    await button('System').click();
    await browser.waitUntil(async () => (await invoke('profile_get')).preferences.theme === 'system');
  });

  it('backs up now and restores through the native dialogs, saying what happened', async () => {
    const dir = path.dirname(process.env.TURBOCAT_E2E_DB);
    const backup = path.join(dir, 'settings-backup.sqlite');

    answer('');
    await button('Back up now…').click();
    await waitForText('the cancelled backup', (t) => t.includes('Backup cancelled; nothing was written.'));

    answer(backup);
    await button('Back up now…').click();
    await waitForText('the backup outcome', (t) => t.includes(`Backed up to ${backup}.`));
    expect(fs.readFileSync(backup).subarray(0, 15).toString()).toBe('SQLite format 3');
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'settings-backed-up.png'));

    // Restore asks first and says the current content is backed up.
    await button('Restore from file…').click();
    await waitForText('the restore question', (t) => t.includes('The current content is backed up first'));
    await button('Cancel').click();
    answer(backup);
    await button('Restore from file…').click();
    await button('Choose a file…').click();
    await waitForText('the restore outcome', (t) => t.includes(`Restored from ${backup}.`) && t.includes('saved to'));
    expect((await invoke('audit_list', { query: { action: 'db.restore' } })).total).toBe(1);
  });

  it('exports everything and imports it as copies with a report', async () => {
    const bundle = path.join(path.dirname(process.env.TURBOCAT_E2E_DB), 'settings-bundle.json');
    answer(bundle);
    await button('Export all…').click();
    await waitForText('the export outcome', (t) => t.includes(`Exported 5 agents, 2 workflows and 6 templates to ${bundle}.`));
    expect(JSON.parse(fs.readFileSync(bundle, 'utf8')).format).toBe('turbocat-bundle');

    answer(bundle);
    await button('Import from file…').click();
    await waitForText('the import report', (t) => t.includes('Imported: 13 rows created (6 workflow steps written)'));
    const report = await browser.execute(() =>
      [...document.querySelectorAll('table[aria-label="Import report"] tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim())),
    );
    expect(report).toEqual([
      ['Agents', '5', '0'],
      ['Workflows', '2', '0'],
      ['Templates', '6', '0'],
      ['Workflow steps written', '6'],
    ]);
    expect((await invoke('agents_list', { query: {} })).total).toBe(10);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'settings-imported.png'));
  });

  it('saves the profile and the first-start seed setting', async () => {
    const name = await $('//label[span[normalize-space(.)="Name"]]//input');
    await replaceText(name, 'E2E Admin');
    await button('Save profile').click();
    await waitForText('the saved profile', (t) => t.includes('Profile saved.'));
    expect((await invoke('profile_get')).fullName).toBe('E2E Admin');

    const settingsFile = path.join(path.dirname(process.env.TURBOCAT_E2E_DB), 'turbocat.settings.json');
    const box = await $('//label[.//strong[normalize-space(.)="Seed the demo content on first start"]]//input');
    expect(await box.isSelected()).toBe(true);
    // The box is disabled while a change is saved: click it only when it takes clicks.
    await box.waitForEnabled();
    await box.click();
    await waitForText('the setting turned off', (t) => t.includes('starts empty, with only your profile'));
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).seedDemoOnFirstStart).toBe(false);
    expect((await invoke('settings_get')).seedDemoOnFirstStart).toBe(false);
    await box.scrollIntoView();
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'settings-seed-off.png'));
    await box.waitForEnabled();
    await box.click();
    await browser.waitUntil(() => JSON.parse(fs.readFileSync(settingsFile, 'utf8')).seedDemoOnFirstStart === true);
  });
});
