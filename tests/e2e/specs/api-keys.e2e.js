// Creating an API key through the real form: the full key is shown once, in its dialog, and
// after that only its prefix is anywhere in the window or in what the list command returns;
// revoking it through the UI marks it Revoked.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { byText, invoke, visibleText, waitForText } from '../support/app.js';

const NAME = 'E2E Deploy Key';

describe('API keys', () => {
  it('shows a new key once, then only its prefix, and revokes it', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await $('//a[normalize-space(.)="API Keys"]').click();
    await waitForText('the empty API Keys page', (t) => t.includes('No API keys yet'));

    // N opens the form, Esc closes it.
    await browser.keys('n');
    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();
    await browser.keys('Escape');
    await panel.waitForDisplayed({ reverse: true });
    await browser.keys('n');
    await $('aside[role="dialog"]').waitForDisplayed();

    // The name field has the focus; one scope as a chip; a rate limit.
    await browser.keys(NAME);
    await $('input[aria-label="New scope"]').setValue('agents:read');
    await browser.keys('Enter');
    await waitForText('the scope chip', (t) => t.includes('agents:read'));
    await $('input[type="number"]').setValue('120');
    await $('//button[normalize-space(.)="Create key"]').click();

    const secret = await $('code[aria-label="The new API key"]');
    await secret.waitForDisplayed();
    const key = (await secret.getText()).trim();
    expect(key).toMatch(/^tc_[A-Za-z0-9]{40}$/);
    expect(await visibleText()).toContain('It will not be shown again');
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'api-key-created.png'));

    await $('//button[normalize-space(.)="Done"]').click();
    const prefix = `${key.slice(0, 12)}…`;
    await waitForText('the key prefix in the list', (t) => t.includes(prefix) && t.includes('1 key'));
    // Gone from the window: neither visible text nor any attribute or hidden node holds it.
    expect(await visibleText()).not.toContain(key);
    expect(await browser.execute(() => document.documentElement.outerHTML)).not.toContain(key);
    expect(await $(byText(NAME)).isDisplayed()).toBe(true);

    const page = await invoke('api_keys_list', { query: { search: NAME } });
    expect(page.total).toBe(1);
    const row = page.items[0];
    expect(row.keyPrefix).toBe(key.slice(0, 12));
    expect(row.scopes).toEqual(['agents:read']);
    expect(row.rateLimitPerMinute).toBe(120);
    expect(row.isActive).toBe(true);
    const json = JSON.stringify(page);
    expect(json).not.toContain('keyHash');
    expect(json).not.toContain('key_hash');
    expect(json).not.toContain(key);

    await $(`tr[data-key-id="${row.id}"]`).$('button=Revoke').click();
    await $('//div[@role="dialog"]//button[normalize-space(.)="Revoke"]').click();
    await waitForText('the revoked key', (t) => t.includes('Revoked'));
    expect(await $(`tr[data-key-id="${row.id}"]`).$('button=Revoke').isExisting()).toBe(false);
    const after = await invoke('api_keys_list', { query: { search: NAME } });
    expect(after.items[0].isActive).toBe(false);

    await browser.saveScreenshot(path.join(SCREENSHOTS, 'api-key-revoked.png'));
  });
});
