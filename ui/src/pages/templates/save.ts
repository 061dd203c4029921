// The "Save as template" form as plain data: what it holds, the SaveAsTemplate it sends, and
// the service's field errors mapped back onto its fields. The rules (lengths, tag limits) are
// checked in Rust; here only what the form needs to make a call at all.
import type { FieldError } from '../../bindings/FieldError';
import type { SaveAsTemplate } from '../../bindings/SaveAsTemplate';

export type SourceKind = 'agent' | 'workflow';

export interface SaveForm {
  kind: SourceKind;
  /** The agent or workflow to save; '' until one is picked. */
  sourceId: string;
  /** '' keeps the source's own name. */
  name: string;
  description: string;
  category: string;
  tags: string[];
  isPublic: boolean;
}

/** Form field → message; `_form` for a message that belongs to no field. */
export type SaveErrors = Partial<Record<keyof SaveForm | '_form', string>>;

export function emptySaveForm(kind: SourceKind = 'agent'): SaveForm {
  return { kind, sourceId: '', name: '', description: '', category: '', tags: [], isPublic: false };
}

export type SaveParse =
  | { ok: true; kind: SourceKind; sourceId: string; input: SaveAsTemplate }
  | { ok: false; errors: SaveErrors };

export function buildSaveInput(form: SaveForm): SaveParse {
  const errors: SaveErrors = {};
  if (form.sourceId === '') errors.sourceId = `Pick the ${form.kind} to save.`;
  if (form.category.trim() === '') errors.category = 'A category is required (pick one or type a new one).';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const input: SaveAsTemplate = { category: form.category.trim(), tags: [...form.tags], isPublic: form.isPublic };
  const name = form.name.trim();
  if (name !== '') input.name = name;
  const description = form.description.trim();
  if (description !== '') input.description = description;
  return { ok: true, kind: form.kind, sourceId: form.sourceId, input };
}

const FIELDS: readonly (keyof SaveForm)[] = ['name', 'description', 'category', 'tags', 'isPublic'];

/** The service names fields as the API does (`category`, `tags[3]`); unknown ones go to `_form`. */
export function mapSaveFieldErrors(fields: readonly FieldError[]): SaveErrors {
  const errors: SaveErrors = {};
  for (const f of fields) {
    const base = f.field.replace(/\[\d+\]$/, '').replace(/\..*$/, '') as keyof SaveForm;
    const key = FIELDS.includes(base) ? base : '_form';
    errors[key] = errors[key] ? `${errors[key]} ${f.message}` : f.message;
  }
  return errors;
}
