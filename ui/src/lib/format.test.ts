import { describe, expect, it } from 'vitest';
import { count, formatDuration, label, shortId } from './format';

describe('formatDuration', () => {
  it('picks the unit by size', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
  });
  it('says unknown for null, negative or not finite', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('small formatters', () => {
  it('shortens ids and counts nouns', () => {
    expect(shortId('00000000-0000-4000-8000-000000001001')).toBe('…00001001');
    expect(shortId(null)).toBe('—');
    expect(count(1, 'agent')).toBe('1 agent');
    expect(count(2, 'entry', 'entries')).toBe('2 entries');
    expect(label('IN_PROGRESS')).toBe('In progress');
  });
});
