// Backup, export, import and restore through the app's commands and its native-dialog path
// (answered from TURBOCAT_DIALOG_ANSWERS), with the open page refreshing after each change.

import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, waitForText } from '../support/app.js';

/** The next dialog answers, one per line ('' = the user cancels). */
const answer = (...lines) => fs.writeFileSync(process.env.TURBOCAT_E2E_ANSWERS, lines.join('\n'));

describe('Backup, export, import and restore', () => {
  it('round-trips the data through files picked in dialogs', async () => {
    await waitForText('the seeded agents', (t) => t.includes('5 agents'));
    const dir = path.dirname(process.env.TURBOCAT_E2E_DB);
    const backup = path.join(dir, 'backup.sqlite');
    const bundle = path.join(dir, 'bundle.json');

    // A cancelled dialog does nothing.
    answer('');
    expect(await invoke('db_backup')).toBe(null);

    answer(backup);
    expect(await invoke('db_backup')).toBe(backup);
    expect(fs.readFileSync(backup).subarray(0, 15).toString()).toBe('SQLite format 3');

    answer(bundle);
    const exported = await invoke('bundle_export', { selection: { all: true } });
    expect([exported.agents, exported.workflows, exported.templates]).toEqual([5, 2, 6]);
    expect(JSON.parse(fs.readFileSync(bundle, 'utf8')).format).toBe('turbocat-bundle');

    // Import as copies: the open Agents page refreshes on its own (db-changed).
    answer(bundle);
    const imported = await invoke('bundle_import', { options: { asCopies: true } });
    expect([imported.report.agentsCreated, imported.report.workflowsCreated, imported.report.stepsWritten]).toEqual([5, 2, 6]);
    await waitForText('the imported copies', (t) => t.includes('10 agents'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-imported.png'));

    // Restore the backup: the copies are gone again, and the page follows.
    answer(backup);
    const restored = await invoke('db_restore');
    expect(restored.restoredFrom).toBe(backup);
    expect(fs.existsSync(restored.previousBackup)).toBe(true);
    await waitForText('the restored content', (t) => t.includes('5 agents'));
    const audit = await invoke('audit_list', { query: { action: 'db.restore' } });
    expect(audit.total).toBe(1);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'data-restored.png'));
  });
});
