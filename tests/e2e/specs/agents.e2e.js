// The app starts on a fresh database, seeds the demo content, and the Agents page lists the five
// seeded agents. It looks only for the agents' names as visible text, not for any CSS class or
// layout, so it keeps passing while the sidebar and the Agents page are reworked.

import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { byText, visibleText } from '../support/app.js';

const SEEDED_AGENTS = ['Web Scraper', 'Data Transformer', 'API Caller', 'LLM Summarizer', 'Email Sender'];

describe('Agents page', () => {
  it('shows the five seeded agents on a fresh database', async () => {
    // Every name on screen within 10 s of start; on failure, say which ones are missing and
    // what the window shows instead.
    let missing = SEEDED_AGENTS;
    await browser
      .waitUntil(
        async () => {
          const text = await visibleText();
          missing = SEEDED_AGENTS.filter((name) => !text.includes(name));
          return missing.length === 0;
        },
        { timeout: 10_000, interval: 100 },
      )
      .catch(async () => {
        const text = (await visibleText()).replace(/\s+/g, ' ').slice(0, 600);
        throw new Error(`seeded agents not on screen after 10 s: ${missing.join(', ')}; the window shows: "${text}"`);
      });

    // Each name is an element of its own that is actually displayed (not just text somewhere).
    for (const name of SEEDED_AGENTS) {
      const shown = [];
      for (const el of await $$(byText(name))) shown.push(await el.isDisplayed());
      expect(shown).toContain(true);
    }

    // The real Rust backend answered (the browser preview's sample data says so on screen),
    // and the app opened the database this run gave it, not the user's own file.
    expect(await visibleText()).not.toContain('sample data');
    expect(fs.existsSync(process.env.TURBOCAT_E2E_DB)).toBe(true);

    await browser.saveScreenshot(path.join(SCREENSHOTS, 'agents-seeded.png'));
  });
});
