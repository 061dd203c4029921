import { describe, expect, it } from 'vitest';
import type { Template } from '../../bindings/Template';
import {
  buildTemplateQuery,
  categoryLabel,
  defaultInstanceName,
  describeTemplate,
  emptyGalleryFilters,
  groupByCategory,
  isFiltered,
  parseRating,
  ratingLabel,
  ratingStars,
  usageLabel,
} from './gallery';
import { buildSaveInput, emptySaveForm, mapSaveFieldErrors } from './save';

function tpl(partial: Partial<Template>): Template {
  return {
    id: 't',
    name: 'T',
    description: null,
    category: 'misc',
    type: 'AGENT',
    userId: null,
    templateData: {},
    tags: [],
    isOfficial: false,
    isPublic: true,
    usageCount: 0,
    ratingAverage: '0.00',
    ratingCount: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    deletedAt: null,
    ...partial,
  };
}

describe('buildTemplateQuery', () => {
  it('sorts by usage by default and leaves empty filters out', () => {
    expect(buildTemplateQuery(emptyGalleryFilters(), 1, 24)).toEqual({ page: 1, pageSize: 24, sortBy: 'usageCount', sortOrder: 'desc' });
  });
  it('passes search, category, type, official and the chosen order', () => {
    const f = { search: '  scraper ', category: 'ai', type: 'WORKFLOW' as const, officialOnly: true, tags: ['etl'], sort: 'name' as const };
    expect(buildTemplateQuery(f, 2, 12)).toEqual({
      page: 2,
      pageSize: 12,
      sortBy: 'name',
      sortOrder: 'asc',
      search: 'scraper',
      category: 'ai',
      type: 'WORKFLOW',
      isOfficial: true,
      tags: ['etl'],
    });
    expect(isFiltered(f)).toBe(true);
    expect(isFiltered({ ...emptyGalleryFilters(), tags: ['etl'] })).toBe(true);
    expect(isFiltered({ ...emptyGalleryFilters(), search: '   ', sort: 'rating' })).toBe(false);
  });
});

describe('groupByCategory', () => {
  it('makes sections in category order and keeps the page order inside each', () => {
    const page = [
      tpl({ id: '1', category: 'integration' }),
      tpl({ id: '2', category: 'ai' }),
      tpl({ id: '3', category: 'integration' }),
      tpl({ id: '4', category: 'data-processing' }),
    ];
    expect(groupByCategory(page).map((g) => [g.category, g.templates.map((t) => t.id)])).toEqual([
      ['ai', ['2']],
      ['data-processing', ['4']],
      ['integration', ['1', '3']],
    ]);
    expect(groupByCategory([])).toEqual([]);
  });
  it('labels category slugs for people', () => {
    expect(categoryLabel('data-processing')).toBe('Data processing');
    expect(categoryLabel('ai')).toBe('AI');
    expect(categoryLabel('llm-tools')).toBe('LLM tools');
    expect(categoryLabel('my_stuff')).toBe('My stuff');
  });
});

describe('ratings and usage', () => {
  it('reads the average text', () => {
    expect(parseRating('4.25')).toBe(4.25);
    expect(parseRating('junk')).toBe(0);
  });
  it('draws stars to the nearest half', () => {
    expect(ratingStars(0)).toEqual(['empty', 'empty', 'empty', 'empty', 'empty']);
    expect(ratingStars(4.25)).toEqual(['full', 'full', 'full', 'full', 'half']);
    expect(ratingStars(4.2)).toEqual(['full', 'full', 'full', 'full', 'empty']);
    expect(ratingStars(3.75)).toEqual(['full', 'full', 'full', 'full', 'empty']);
    expect(ratingStars(2.5)).toEqual(['full', 'full', 'half', 'empty', 'empty']);
    expect(ratingStars(9.99)).toEqual(['full', 'full', 'full', 'full', 'full']);
  });
  it('says how the template is rated and used', () => {
    expect(ratingLabel('0.00', 0)).toBe('No ratings yet');
    expect(ratingLabel('5.00', 1)).toBe('5.00 · 1 rating');
    expect(ratingLabel('4.5', 12)).toBe('4.50 · 12 ratings');
    expect(usageLabel(0)).toBe('Not used yet');
    expect(usageLabel(1)).toBe('Used once');
    expect(usageLabel(7)).toBe('Used 7 times');
  });
});

describe('describeTemplate', () => {
  it('reads an agent template: type, config, parameters, capabilities', () => {
    const c = describeTemplate(
      tpl({
        type: 'AGENT',
        templateData: {
          type: 'llm',
          config: { model: 'gpt-4o-mini' },
          parameters: { prompt: { type: 'string', required: true, description: 'What to ask' }, context: { type: 'string' } },
          capabilities: ['text_generation', 3],
        },
      }),
    );
    expect(c).toEqual({
      kind: 'agent',
      agentType: 'LLM',
      config: { model: 'gpt-4o-mini' },
      parameters: [
        { name: 'prompt', type: 'string', required: true, description: 'What to ask' },
        { name: 'context', type: 'string', required: false, description: null },
      ],
      capabilities: ['text_generation'],
    });
  });

  it("reads the hosted seed's short steps as a pipeline", () => {
    const c = describeTemplate(
      tpl({
        type: 'WORKFLOW',
        templateData: {
          definition: { steps: [{ key: 'fetch', type: 'AGENT', agentType: 'API' }, { key: 'transform_data', type: 'agent' }, { key: 'load' }] },
          inputs: { sourceUrl: { type: 'string', required: true } },
        },
      }),
    );
    expect(c.kind).toBe('workflow');
    if (c.kind !== 'workflow') return;
    expect(c.steps).toEqual([
      { key: 'fetch', name: 'fetch', type: 'AGENT', agentType: 'API', dependsOn: [] },
      { key: 'transform_data', name: 'transform data', type: 'AGENT', agentType: null, dependsOn: ['fetch'] },
      { key: 'load', name: 'load', type: 'AGENT', agentType: null, dependsOn: ['transform_data'] },
    ]);
    expect(c.inputs).toEqual([{ name: 'sourceUrl', type: 'string', required: true, description: null }]);
  });

  it('reads the full steps of a saved workflow, with their own dependencies', () => {
    const c = describeTemplate(
      tpl({
        type: 'WORKFLOW',
        templateData: {
          steps: [
            { stepKey: 'a', stepName: 'Fetch A', stepType: 'AGENT', dependsOn: [] },
            { stepKey: 'b', stepName: 'Fetch B', stepType: 'AGENT', dependsOn: [] },
            { stepKey: 'join', stepName: 'Join', stepType: 'CONDITION', config: { agentType: 'DATA' }, dependsOn: ['a', 'b'] },
          ],
        },
      }),
    );
    if (c.kind !== 'workflow') throw new Error('expected a workflow');
    expect(c.steps.map((s) => [s.key, s.name, s.type, s.agentType, s.dependsOn])).toEqual([
      ['a', 'Fetch A', 'AGENT', null, []],
      ['b', 'Fetch B', 'AGENT', null, []],
      ['join', 'Join', 'CONDITION', 'DATA', ['a', 'b']],
    ]);
  });

  it('has nothing to show for a step template', () => {
    expect(describeTemplate(tpl({ type: 'STEP' }))).toEqual({ kind: 'step' });
  });

  it('names an instance as the service would', () => {
    expect(defaultInstanceName(tpl({ type: 'AGENT', name: 'LLM Assistant' }))).toBe('LLM Assistant Agent');
    expect(defaultInstanceName(tpl({ type: 'AGENT', name: 'X', templateData: { name: 'My Scraper' } }))).toBe('My Scraper');
    expect(defaultInstanceName(tpl({ type: 'WORKFLOW', name: 'Data Pipeline' }))).toBe('Data Pipeline');
  });
});

describe('save as template form', () => {
  it('needs a source and a category', () => {
    expect(buildSaveInput(emptySaveForm('workflow'))).toEqual({
      ok: false,
      errors: { sourceId: 'Pick the workflow to save.', category: 'A category is required (pick one or type a new one).' },
    });
  });
  it('sends trimmed values and leaves an empty name and description out', () => {
    const form = { ...emptySaveForm('agent'), sourceId: 'a1', category: ' ai ', tags: ['x'], isPublic: true, name: '  ', description: ' Mine ' };
    expect(buildSaveInput(form)).toEqual({
      ok: true,
      kind: 'agent',
      sourceId: 'a1',
      input: { category: 'ai', tags: ['x'], isPublic: true, description: 'Mine' },
    });
  });
  it('maps the service field errors onto the form', () => {
    expect(
      mapSaveFieldErrors([
        { field: 'category', message: 'category must be at most 100 characters' },
        { field: 'tags', message: 'At most 20 tags are allowed' },
        { field: 'tags', message: 'Each tag must be 1-50 characters' },
        { field: 'templateData', message: 'odd' },
      ]),
    ).toEqual({
      category: 'category must be at most 100 characters',
      tags: 'At most 20 tags are allowed Each tag must be 1-50 characters',
      _form: 'odd',
    });
  });
});
