// The Templates gallery on the seeded database: a workflow template instantiated from its card
// (the workflow and its three steps exist afterwards, and the link opens it), an agent template
// instantiated from its detail panel and rated (the new average shows), and an agent saved as
// a template through the dialog.

import path from 'node:path';
import { SCREENSHOTS } from '../wdio.conf.js';
import { byText, invoke, visibleText, waitForText } from '../support/app.js';

const card = (name) => $(`//article[contains(@class,"tpl-card")][.//h3[normalize-space(.)=${JSON.stringify(name)}]]`);

async function openTemplates() {
  // From another page, so a panel or dialog a failed test left open is gone.
  await browser.execute(() => {
    window.location.hash = '#/agents';
  });
  const link = await $('//a[normalize-space(.)="Templates"]');
  await link.waitForClickable({ timeout: 15_000 });
  await link.click();
  await waitForText('the seeded templates', (t) => t.includes('Data Pipeline') && t.includes('LLM Assistant') && t.includes('6 templates'));
}

describe('Templates', () => {
  it('instantiates a workflow template with its steps from the gallery', async () => {
    await openTemplates();
    const text = await visibleText();
    expect(text).toContain('Official');
    expect(text).toContain('Data processing'); // a category section of the gallery

    // Only the chosen category's cards.
    await $('nav[aria-label="Categories"]').$('button=Data processing').click();
    await waitForText('the data-processing templates', (t) => t.includes('2 templates') && !t.includes('LLM Assistant'));
    // And the type filter on top of it.
    await $('select[aria-label="Type"]').selectByAttribute('value', 'WORKFLOW');
    await waitForText('the workflow template alone', (t) => t.includes('1 template') && !t.includes('Data Transformer'));

    await (await card('Data Pipeline')).$('button=Use template').click();
    const dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    await dialog.$('input').setValue('E2E Pipeline');
    await dialog.$('button=Create workflow').click();
    await waitForText('the created workflow', (t) => t.includes('Created the draft workflow “E2E Pipeline” with 3 steps.'));
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'templates-workflow-created.png'));

    const found = await invoke('workflows_list', { query: { search: 'E2E Pipeline' } });
    expect(found.total).toBe(1);
    const workflow = await invoke('workflows_get', { id: found.items[0].id });
    expect(workflow.status).toBe('DRAFT');
    expect(workflow.steps.map((s) => s.stepKey)).toEqual(['fetch', 'transform', 'load']);
    expect(workflow.steps.map((s) => s.dependsOn)).toEqual([[], ['fetch'], ['transform']]);
    const template = await invoke('templates_get', { id: (await (await card('Data Pipeline')).getAttribute('data-template-id')) });
    expect(template.usageCount).toBe(1);

    // The result links to the new workflow.
    await dialog.$('a=Open workflow').click();
    await browser.waitUntil(async () => (await browser.execute(() => window.location.hash)) === `#/workflows/${workflow.id}`, {
      timeout: 5_000,
      timeoutMsg: 'Open workflow did not go to the workflow',
    });
  });

  it('instantiates an agent template from its detail and rates it', async () => {
    await openTemplates();
    await $('input[aria-label="Search templates"]').setValue('LLM');
    await waitForText('the search result', (t) => t.includes('1 template') && t.includes('LLM Assistant'));
    await (await card('LLM Assistant')).$('button=Details').click();

    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();
    expect(await browser.execute(() => window.location.hash)).toMatch(/^#\/templates\/[0-9a-f-]{36}$/);
    await waitForText('what the template creates', (t) => /what it creates/i.test(t) && t.includes('prompt') && t.includes('No ratings yet'));

    // No name given: the service's default name, shown as the placeholder.
    expect(await panel.$('input').getAttribute('placeholder')).toBe('LLM Assistant Agent');
    await panel.$('button=Create agent').click();
    await waitForText('the created agent', (t) => t.includes('Created the draft LLM agent “LLM Assistant Agent”.'));
    const agents = await invoke('agents_list', { query: { search: 'LLM Assistant Agent' } });
    expect(agents.total).toBe(1);
    expect(agents.items[0].type).toBe('LLM');
    expect(agents.items[0].status).toBe('DRAFT');
    expect(agents.items[0].config.model).toBe('gpt-4o-mini');
    expect(await panel.$('a=Open Agents').getAttribute('href')).toMatch(/#\/agents$/);

    await panel.$('button[aria-label="Rate 4 stars"]').click();
    await waitForText('the new average', (t) => t.includes('you rated it 4 of 5') && t.includes('4.00 · 1 rating'));
    expect(await panel.$('button[aria-label="Rate 5 stars"]').isEnabled()).toBe(false);
    const id = (await browser.execute(() => window.location.hash)).split('/')[2];
    const rated = await invoke('templates_get', { id });
    expect(rated.ratingAverage).toBe('4.00');
    expect(rated.ratingCount).toBe(1);
    expect(rated.usageCount).toBe(1);
    await browser.saveScreenshot(path.join(SCREENSHOTS, 'templates-rated.png'));

    // Esc closes the panel; the card shows the rating and the use.
    await browser.keys('Escape');
    await panel.waitForDisplayed({ reverse: true });
    // The gallery reloads on the change event (the watcher polls every 400 ms), so wait for it.
    await browser.waitUntil(
      async () => {
        const text = await (await card('LLM Assistant')).getText();
        return text.includes('4.00 · 1 rating') && text.includes('Used once');
      },
      { timeout: 10_000, timeoutMsg: 'the card never showed the new rating and use' },
    );
  });

  it('saves an agent as a template', async () => {
    await openTemplates();
    const agent = (await invoke('agents_list', { query: { search: 'Email Sender' } })).items[0];
    await browser.keys('n');
    const dialog = await $('div[role="dialog"]');
    await dialog.waitForDisplayed();
    await dialog.$(`option[value="${agent.id}"]`).waitForExist();
    await dialog.$('select').selectByAttribute('value', agent.id);
    await dialog.$('input[list="tpl-category-options"]').setValue('e2e-tools');
    await dialog.$('input[aria-label="New tag"]').setValue('mail');
    await browser.keys('Enter');
    await dialog.$('.//label[contains(., "Public")]/input').click();
    await dialog.$('button=Save template').click();

    // The new template's detail opens.
    const panel = await $('aside[role="dialog"]');
    await panel.waitForDisplayed();
    await waitForText('the saved template', (t) => t.includes('E2e tools') && t.includes('email_send'));
    expect(await panel.$('#panel-title').getText()).toBe('Email Sender');
    const saved = await invoke('templates_list', { query: { category: 'e2e-tools' } });
    expect(saved.total).toBe(1);
    expect(saved.items[0].type).toBe('AGENT');
    expect(saved.items[0].isOfficial).toBe(false);
    expect(saved.items[0].isPublic).toBe(true);
    expect(saved.items[0].tags).toEqual(['mail']);
    expect(saved.items[0].templateData.type).toBe('API');
    expect(await $(byText('E2e tools')).isExisting()).toBe(true);
  });
});
