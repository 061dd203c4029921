import { describe, expect, it } from 'vitest';
import { emptyRow, parametersFromRows, rowsFromParameters } from './parameters';

describe('parameters schema rows', () => {
  it('turns rows into {name: {type, required, description}}', () => {
    const result = parametersFromRows([
      { name: ' city ', type: 'string', required: true, description: ' Where ' },
      { name: 'days', type: 'integer', required: false, description: '' },
      emptyRow(),
    ]);
    expect(result).toEqual({
      ok: true,
      value: {
        city: { type: 'string', required: true, description: 'Where' },
        days: { type: 'integer', required: false, description: '' },
      },
    });
  });

  it('refuses duplicate names and nameless rows with a description', () => {
    const dup = { name: 'a', type: 'string', required: false, description: '' } as const;
    expect(parametersFromRows([dup, dup])).toEqual({ ok: false, error: '"a" appears twice' });
    expect(parametersFromRows([{ ...emptyRow(), description: 'x' }])).toEqual({ ok: false, error: 'Row 1 has no name' });
  });

  it('reads a stored schema back into rows, tolerating odd shapes', () => {
    expect(
      rowsFromParameters({
        q: { type: 'number', required: true, description: 'query' },
        loose: 'not an object',
        weird: { type: 'date' },
      }),
    ).toEqual([
      { name: 'q', type: 'number', required: true, description: 'query' },
      { name: 'loose', type: 'string', required: false, description: '' },
      { name: 'weird', type: 'string', required: false, description: '' },
    ]);
    expect(rowsFromParameters([1, 2])).toEqual([]);
    expect(rowsFromParameters(null)).toEqual([]);
  });

  it('round-trips', () => {
    const schema = { a: { type: 'boolean', required: true, description: 'flag' } };
    expect(parametersFromRows(rowsFromParameters(schema))).toEqual({ ok: true, value: schema });
  });
});
