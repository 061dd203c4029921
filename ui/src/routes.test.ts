import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE, href, pageFromHash, subpathFromHash } from './routes';

describe('hash routes', () => {
  it('reads the page and its segments', () => {
    expect(pageFromHash('#/workflows/abc')).toBe('workflows');
    expect(pageFromHash('#/nope')).toBe(DEFAULT_PAGE);
    expect(pageFromHash('')).toBe(DEFAULT_PAGE);
    expect(subpathFromHash('#/workflows/abc/def?x=1')).toEqual(['abc', 'def']);
    expect(subpathFromHash('#/workflows')).toEqual([]);
  });
  it('builds links whose segments survive the round trip', () => {
    const link = href('executions', 'a b/c');
    expect(link).toBe('#/executions/a%20b%2Fc');
    expect(subpathFromHash(link)).toEqual(['a b/c']);
  });
});
