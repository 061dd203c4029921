// The parameters schema of an agent as editable rows, and back. The stored shape is
// `{name: {type, required, description}}`; the rows keep the order people typed them in.
import type { Json } from '../../ipc';

export const PARAM_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamRow {
  name: string;
  type: ParamType;
  required: boolean;
  description: string;
}

export function emptyRow(): ParamRow {
  return { name: '', type: 'string', required: false, description: '' };
}

function asParamType(v: Json | undefined): ParamType {
  return PARAM_TYPES.includes(v as ParamType) ? (v as ParamType) : 'string';
}

/** Rows for a stored schema; anything that is not an object of objects gives no rows. */
export function rowsFromParameters(parameters: Json): ParamRow[] {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return [];
  return Object.entries(parameters).map(([name, spec]) => {
    const s = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec : {};
    return {
      name,
      type: asParamType(s.type),
      required: s.required === true,
      description: typeof s.description === 'string' ? s.description : '',
    };
  });
}

export type ParametersResult =
  | { ok: true; value: { [name: string]: Json } }
  | { ok: false; error: string };

/**
 * The stored schema for the rows. Rows with neither a name nor a description are ignored (the
 * blank row at the end of the editor); a nameless row with a description, or a repeated name,
 * is an error rather than silently dropped data.
 */
export function parametersFromRows(rows: readonly ParamRow[]): ParametersResult {
  const value: { [name: string]: Json } = {};
  for (const [i, row] of rows.entries()) {
    const name = row.name.trim();
    if (name === '') {
      if (row.description.trim() !== '') return { ok: false, error: `Row ${i + 1} has no name` };
      continue;
    }
    if (Object.hasOwn(value, name)) return { ok: false, error: `"${name}" appears twice` };
    value[name] = { type: row.type, required: row.required, description: row.description.trim() };
  }
  return { ok: true, value };
}
