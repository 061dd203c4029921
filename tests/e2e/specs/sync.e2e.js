// Sync with a hosted project from the Settings page, in the real window, against the real
// Postgres 15 that scripts/e2e.sh starts (password auth, as a hosted one) with the password kept
// in a real OS keychain (gnome-keyring on a private session bus): a wrong password is refused,
// the right one goes to the keychain and never into the SQLite file, an empty far database gets
// the tables, Sync now sends everything, and a conflicting far edit wins, keeps the local
// version as a conflict, which Restore brings back and the next sync sends.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, visibleText, waitForText } from '../support/app.js';

const URL_ = process.env.TURBOCAT_E2E_PG_URL;
const PASSWORD = process.env.TURBOCAT_E2E_PG_PASSWORD;
const far = new URL(URL_);

/** Runs SQL on the far database with psql; returns its unaligned output. */
function farSql(sql) {
  return execFileSync(process.env.TURBOCAT_E2E_PSQL, ['-qAtX', '-h', far.hostname, '-p', far.port, '-U', 'turbocat', '-d', 'far', '-c', sql], {
    env: { ...process.env, PGPASSWORD: PASSWORD },
  })
    .toString()
    .trim();
}

const button = (label) => $(`//button[normalize-space(.)="${label}"]`);
const input = (name) => $(`[name="${name}"]`);
/** Replaces an input's text as a person does; typed through the element (WebKitWebDriver's key actions drop repeated keys). */
async function replaceText(el, text) {
  await el.click();
  await browser.keys(['Control', 'a']);
  await browser.keys(['Delete']);
  if (text !== '') await el.addValue(text);
}
const syncText = async () => (await $('#settings-sync').parentElement().getText()).replace(/\s+/g, ' ');
async function waitForSync(what, predicate, timeout = 20_000) {
  await browser.waitUntil(async () => predicate(await syncText()), { timeout, interval: 100 }).catch(async () => {
    throw new Error(`${what} not in the sync section after ${timeout} ms; it shows: "${(await syncText()).slice(0, 800)}"`);
  });
}

describe('Sync with a hosted project', () => {
  it('keeps the password in the keychain, creates the far tables and syncs everything', async () => {
    expect(URL_).toBeTruthy();
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await $('//a[normalize-space(.)="Settings"]').click();
    await waitForSync('the sync section', (t) => t.includes('Never synced') && t.includes('Save a connection to sync.'));

    // A wrong password is refused by the server, and nothing is saved.
    await replaceText(await input('sync-url'), URL_);
    await replaceText(await input('sync-password'), 'not-the-password');
    await button('Test connection').click();
    await waitForSync('the refused login', (t) => t.includes('password authentication failed'));
    expect((await invoke('sync_settings_get')).connection).toBeNull();

    // The right one: the far database is empty, so the tables can be created (once saved).
    await replaceText(await input('sync-password'), PASSWORD);
    await button('Test connection').click();
    await waitForSync('the empty-schema report', (t) => t.includes('has none of the Turbocat tables yet') && t.includes('Save the connection first.'));
    await button('Save connection').click();
    await waitForSync('the saved notice', (t) => t.includes('Saved.'));
    const settings = await invoke('sync_settings_get');
    expect(settings.connection.url).toBe(URL_);
    expect(settings.password).toBe('keychain');
    expect(await input('sync-password').getAttribute('placeholder')).toBe('Saved in the OS keychain');
    // Never in the SQLite file (nor its write-ahead log).
    const db = process.env.TURBOCAT_E2E_DB;
    for (const file of [db, `${db}-wal`]) {
      if (fs.existsSync(file)) expect(fs.readFileSync(file).includes(Buffer.from(PASSWORD))).toBe(false);
    }

    // Tested again with the saved password (the field is empty now), then set up.
    await button('Test connection').click();
    await waitForSync('the report with the saved password', (t) => t.includes('has none of the Turbocat tables yet') && t.includes('Creates the ten tables'));
    await button('Create the tables').click();
    await waitForSync('the compatible report', (t) => t.includes('is compatible with Turbocat sync'));

    const pendingBefore = (await invoke('sync_settings_get')).status.pendingTotal;
    expect(pendingBefore).toBeGreaterThan(0);
    await button('Sync now').click();
    await waitForSync('the sync outcome', (t) => /Pushed \d+ rows/.test(t) && t.includes('Nothing waiting'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'sync-synced.png'));
    const local = await invoke('sync_settings_get');
    expect(local.status.target).toContain('127.0.0.1');
    expect(local.last.error).toBeNull();
    const pushed = Object.values(local.last.outcome.pushed.rows).reduce((a, b) => a + b, 0);
    expect(pushed).toBeGreaterThan(0);
    expect(Number(farSql('SELECT count(*) FROM agents'))).toBe(local.last.outcome.pushed.rows.agents);
    expect(Number(farSql('SELECT count(*) FROM workflow_steps'))).toBeGreaterThan(0);
  });

  it('keeps the edit that lost as a conflict, and restores it', async () => {
    const [id, name] = farSql('SELECT id, name FROM agents ORDER BY name LIMIT 1').split('|');
    await invoke('agents_update', { id, input: { description: 'edited here' } });
    // A later edit on the far side (its clock a minute ahead): it wins.
    farSql(`UPDATE agents SET description = 'edited far', updated_at = (now() AT TIME ZONE 'utc') + interval '1 minute' WHERE id = '${id}'`);

    await button('Sync now').click();
    await waitForSync('the conflict', (t) => t.includes('Conflicts (1)') && t.includes(`agent “${name}”`) && t.includes('Your version here lost'));
    expect((await invoke('agents_get', { id })).description).toBe('edited far');
    await $('.sync-subhead').scrollIntoView();
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'sync-conflict.png'));

    await button('Restore this version').click();
    await waitForSync('the restored conflict', (t) => t.includes('No conflicts') && t.includes('1 change waiting (agents 1).'));
    expect((await invoke('agents_get', { id })).description).toBe('edited here');

    await button('Sync now').click();
    await waitForSync('the sync that sends the restored version', (t) => t.includes('Nothing waiting') && /Pushed \d+ rows? \(agents 1/.test(t));
    expect(farSql(`SELECT description FROM agents WHERE id = '${id}'`)).toBe('edited here');
    expect(await visibleText()).not.toContain(PASSWORD);
  });
});
