// The inputs form of the Run dialog: the inputs a workflow declares (`definition.inputs`:
// name → {type, required, default}, docs/engine.md), their form values as text, and the run's
// input object built from them with the same checks the engine makes (it checks again).
import type { JsonValue } from '../../bindings/serde_json/JsonValue';

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';

export interface InputSpec {
  name: string;
  type: InputType;
  required: boolean;
  /** Undefined when none is declared. */
  default: JsonValue | undefined;
  description: string | null;
}

/** A text field's value, or a checkbox's. */
export type FormValue = string | boolean;

const TYPES: InputType[] = ['string', 'number', 'integer', 'boolean', 'object', 'array'];

function asObject(v: JsonValue | undefined): Record<string, JsonValue | undefined> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

/** The declared inputs, in declaration order. Dates count as strings; unknown types as any. */
export function declaredInputs(definition: JsonValue): InputSpec[] {
  const inputs = asObject(asObject(definition)?.['inputs']);
  if (!inputs) return [];
  return Object.entries(inputs).map(([name, raw]) => {
    const spec = asObject(raw) ?? {};
    const t = typeof spec['type'] === 'string' ? spec['type'].toLowerCase() : 'any';
    const type: InputType = t === 'date' || t === 'datetime' ? 'string' : TYPES.includes(t as InputType) ? (t as InputType) : 'any';
    return {
      name,
      type,
      required: spec['required'] === true,
      default: 'default' in spec ? spec['default'] : undefined,
      description: typeof spec['description'] === 'string' ? spec['description'] : null,
    };
  });
}

/** The form's starting values: each default as text (JSON for objects and arrays). */
export function initialValues(specs: InputSpec[]): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const s of specs) {
    const d = s.default;
    if (s.type === 'boolean') out[s.name] = d === true;
    else if (d === undefined || d === null) out[s.name] = '';
    else if (typeof d === 'string') out[s.name] = d;
    else if (typeof d === 'number' || typeof d === 'boolean') out[s.name] = String(d);
    else out[s.name] = JSON.stringify(d, null, 2);
  }
  return out;
}

export interface BuiltInput {
  input: Record<string, JsonValue>;
  /** Problems by input name; empty when the input can be sent. */
  errors: Record<string, string>;
}

/**
 * The run's input from the form. An empty field is left out (the engine fills its default),
 * unless the input is required and has no default.
 */
export function buildInput(specs: InputSpec[], values: Record<string, FormValue>): BuiltInput {
  const input: Record<string, JsonValue> = {};
  const errors: Record<string, string> = {};
  for (const s of specs) {
    const v = values[s.name];
    if (s.type === 'boolean') {
      input[s.name] = v === true;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      if (s.required && s.default === undefined) errors[s.name] = `${s.name} is required`;
      continue;
    }
    switch (s.type) {
      case 'string':
        input[s.name] = typeof v === 'string' ? v : '';
        break;
      case 'number':
      case 'integer': {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[s.name] = `${s.name} must be a number`;
        else if (s.type === 'integer' && !Number.isInteger(n)) errors[s.name] = `${s.name} must be a whole number`;
        else input[s.name] = n;
        break;
      }
      case 'object':
      case 'array':
      case 'any': {
        let parsed: JsonValue;
        try {
          parsed = JSON.parse(text) as JsonValue;
        } catch {
          if (s.type === 'any') {
            input[s.name] = typeof v === 'string' ? v : '';
            break;
          }
          errors[s.name] = `${s.name} must be valid JSON`;
          break;
        }
        if (s.type === 'array' && !Array.isArray(parsed)) errors[s.name] = `${s.name} must be a JSON array`;
        else if (s.type === 'object' && asObject(parsed) === null) errors[s.name] = `${s.name} must be a JSON object`;
        else input[s.name] = parsed;
        break;
      }
    }
  }
  return { input, errors };
}

/** Field errors of a rejected run (`inputData.<name>`) by input name. */
export function fieldErrors(fields: { field: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) {
    const name = f.field.startsWith('inputData.') ? f.field.slice('inputData.'.length) : null;
    if (name && !(name in out)) out[name] = f.message;
  }
  return out;
}
