import { describe, expect, it } from 'vitest';
import { agentOption, makeTargets, workflowOption } from './targets';

const page = <T,>(items: T[]) => ({ items, total: items.length, page: 1, pageSize: 100, totalPages: 1 });
const WF = '00000000-0000-4000-8000-000000002001';
const AG = '00000000-0000-4000-8000-000000001001';

describe('targets', () => {
  it('labels options so that equal names can be told apart', () => {
    expect(workflowOption({ id: WF, name: 'Data Pipeline', status: 'ACTIVE', version: 2 }).hint).toBe('Active · v2');
    expect(agentOption({ id: AG, name: 'Web Scraper', type: 'CODE', status: 'DRAFT', version: 1 }).hint).toBe('CODE · Draft · v1');
  });

  it('names a target, or shows its short id when it was not loaded', () => {
    const t = makeTargets(
      { status: 'fulfilled', value: page([{ id: WF, name: 'Data Pipeline', status: 'ACTIVE', version: 1 }]) } as never,
      { status: 'fulfilled', value: page([{ id: AG, name: 'Web Scraper', type: 'CODE', status: 'ACTIVE', version: 1 }]) } as never,
    );
    expect(t.loading).toBe(false);
    expect(t.nameOf('workflow', WF)).toBe('Data Pipeline');
    expect(t.nameOf('agent', AG)).toBe('Web Scraper');
    expect(t.nameOf('agent', '00000000-0000-4000-8000-00000000abcd')).toBe('…0000abcd');
  });

  it('keeps one kind usable when the other failed to load, and knows when it is loading', () => {
    const t = makeTargets(
      { status: 'rejected', reason: { code: 'INTERNAL', message: 'boom' } },
      { status: 'fulfilled', value: page([{ id: AG, name: 'Web Scraper', type: 'CODE', status: 'ACTIVE', version: 1 }]) } as never,
    );
    expect(t.workflowsError).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(t.workflows).toEqual([]);
    expect(t.agents.map((a) => a.name)).toEqual(['Web Scraper']);
    expect(makeTargets(null, null).loading).toBe(true);
  });
});
