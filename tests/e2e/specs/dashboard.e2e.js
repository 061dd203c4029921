// The Dashboard on a fresh database: the seeded counts (5 agents, 2 workflows, 6 templates), the
// "no runs yet" state that says what to do, the range selector; then runs made through the
// backend show up in the counts, the charts panel and the recent list, which links to each run.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { invoke, visibleText, waitForText } from '../support/app.js';

const PIPELINE = '00000000-0000-4000-8000-000000002001';

/** The number on the count card of a page (`data-count` is the page id it links to). */
async function card(page) {
  const text = await $(`a[data-count="${page}"] .dash-card-value`).getText();
  return Number(text.replace(/[^\d]/g, ''));
}

async function openDashboard() {
  // The app opens on a page that has finished loading once the nav is there.
  await $('//a[normalize-space(.)="Dashboard"]').waitForDisplayed();
  await $('//a[normalize-space(.)="Dashboard"]').click();
  await $('a[data-count="agents"]').waitForDisplayed();
}

describe('Dashboard', () => {
  it('shows the seeded counts and says what to do before any run', async () => {
    await waitForText('the seeded agents', (t) => t.includes('Web Scraper'));
    await openDashboard();
    expect(await card('agents')).toBe(5);
    expect(await card('workflows')).toBe(2);
    expect(await card('templates')).toBe(6);
    expect(await card('executions')).toBe(0);
    expect(await card('deployments')).toBe(0);
    expect(await card('api-keys')).toBe(0);
    await waitForText('the empty state', (t) => t.includes('No runs yet') && t.includes('Build a workflow'));

    // The same numbers come from the one backend call, with a day per bucket.
    const stats = await invoke('dashboard_stats', { query: { days: 30 } });
    expect(stats.counts).toMatchObject({ agents: 5, workflows: 2, templates: 6, executions: 0 });
    expect(stats.days).toHaveLength(30);

    // The range selector: one button pressed at a time.
    const ninety = await $('//button[normalize-space(.)="90 days"]');
    await ninety.click();
    await browser.waitUntil(async () => (await ninety.getAttribute('aria-pressed')) === 'true');
    expect(await $('//button[normalize-space(.)="30 days"]').getAttribute('aria-pressed')).toBe('false');

    // A count card leads to its page.
    await $('a[data-count="templates"]').click();
    await browser.waitUntil(async () => (await browser.execute(() => window.location.hash)) === '#/templates');
    await $('//a[normalize-space(.)="Dashboard"]').click();
    await $('a[data-count="agents"]').waitForDisplayed();

    await browser.saveScreenshot(path.join(SCREENSHOTS, 'dashboard-seeded.png'));
  });

  it('counts new runs, charts them and links the recent ones', async () => {
    await openDashboard();
    await $('//button[normalize-space(.)="30 days"]').click();
    await invoke('workflows_update', { id: PIPELINE, input: { status: 'ACTIVE' } });
    const first = await invoke('executions_create', { input: { workflowId: PIPELINE } });
    const second = await invoke('executions_create', { input: { workflowId: PIPELINE } });
    // Cancelling finishes a run whatever the engine does with it meanwhile.
    await invoke('executions_cancel', { id: first.id }).catch(() => {});

    // The page refreshes by itself after writes from anywhere.
    await waitForText('the runs on the dashboard', (t) => t.includes('Recent executions') && t.includes('Runs, last 30 days'));
    await browser.waitUntil(async () => (await card('executions')) === 2, { timeoutMsg: 'executions count never reached 2' });
    expect(await $('dd[data-total="runs"]').getText()).toBe('2');
    expect(await $$('tr[data-execution-id]')).toHaveLength(2);
    expect(await $('.dash-charts svg').isDisplayed()).toBe(true);
    expect(await visibleText()).toContain('Data Pipeline');

    const stats = await invoke('dashboard_stats', { query: { days: 7 } });
    expect(stats.counts.executions).toBe(2);
    expect(stats.totals.runs).toBe(2);
    expect(stats.recent.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
    expect(stats.topWorkflows[0]).toMatchObject({ id: PIPELINE, name: 'Data Pipeline', runs: 2 });

    await browser.saveScreenshot(path.join(SCREENSHOTS, 'dashboard-runs.png'));

    // A recent run links to its execution page.
    await $(`tr[data-execution-id="${second.id}"] a`).click();
    await browser.waitUntil(async () => (await browser.execute(() => window.location.hash)) === `#/executions/${second.id}`);
  });
});
