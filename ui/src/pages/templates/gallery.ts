// Pure logic of the Templates gallery: filters → the `templates_list` query, grouping a page of
// cards by category, how a rating and a usage count read, and what a template creates (read
// from its template_data for display; instantiating it is the service's work). No React here,
// so all of it is unit-tested (gallery.test.ts).
import type { Hundredths } from '../../bindings/Hundredths';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { Template } from '../../bindings/Template';
import type { TemplateQuery } from '../../bindings/TemplateQuery';
import type { TemplateType } from '../../bindings/TemplateType';

type JsonObject = { [key in string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);

// --- Filters and the query -----------------------------------------------------------------

/** The orders the gallery offers; each is one whitelisted sort of the service. */
export const SORTS = {
  popular: { label: 'Most used', sortBy: 'usageCount', sortOrder: 'desc' },
  rating: { label: 'Top rated', sortBy: 'ratingAverage', sortOrder: 'desc' },
  newest: { label: 'Newest', sortBy: 'createdAt', sortOrder: 'desc' },
  name: { label: 'Name', sortBy: 'name', sortOrder: 'asc' },
} as const;
export type SortKey = keyof typeof SORTS;

/** The types a gallery card can be instantiated as (a step template cannot be, on its own). */
export const GALLERY_TYPES: readonly TemplateType[] = ['AGENT', 'WORKFLOW'];

export interface GalleryFilters {
  search: string;
  /** '' for every category. */
  category: string;
  type: TemplateType | '';
  officialOnly: boolean;
  /** Templates with any of these tags. */
  tags: string[];
  sort: SortKey;
}

export function emptyGalleryFilters(): GalleryFilters {
  return { search: '', category: '', type: '', officialOnly: false, tags: [], sort: 'popular' };
}

/** Whether anything narrows the list (the empty state then offers to clear the filters). */
export function isFiltered(f: GalleryFilters): boolean {
  return f.search.trim() !== '' || f.category !== '' || f.type !== '' || f.officialOnly || f.tags.length > 0;
}

export function buildTemplateQuery(f: GalleryFilters, page: number, pageSize: number): TemplateQuery {
  const sort = SORTS[f.sort];
  const query: TemplateQuery = { page, pageSize, sortBy: sort.sortBy, sortOrder: sort.sortOrder };
  const search = f.search.trim();
  if (search !== '') query.search = search;
  if (f.category !== '') query.category = f.category;
  if (f.type !== '') query.type = f.type;
  if (f.officialOnly) query.isOfficial = true;
  if (f.tags.length > 0) query.tags = [...f.tags];
  return query;
}

export interface CategoryGroup {
  category: string;
  templates: Template[];
}

/**
 * A page of templates in sections by category, categories ascending (as the service lists
 * them); within a section the page's own order (the chosen sort) is kept.
 */
export function groupByCategory(templates: readonly Template[]): CategoryGroup[] {
  const groups = new Map<string, Template[]>();
  for (const t of templates) {
    const list = groups.get(t.category);
    if (list) list.push(t);
    else groups.set(t.category, [t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, list]) => ({ category, templates: list }));
}

/** Words written in capitals in a category's label. */
const ACRONYMS = new Set(['ai', 'api', 'llm', 'etl', 'ml', 'nlp', 'crm', 'sql', 'http', 'ui']);

/** A category slug for people: "data-processing" → "Data processing", "ai" → "AI". */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, ' ').trim();
  if (words === '') return category;
  const cased = words
    .split(/\s+/)
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w))
    .join(' ');
  return cased.charAt(0).toUpperCase() + cased.slice(1);
}

// --- Ratings and usage ---------------------------------------------------------------------

/** The average as a number: "4.25" → 4.25; anything unreadable → 0. */
export function parseRating(average: Hundredths): number {
  const n = Number(average);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export type Star = 'full' | 'half' | 'empty';

/** Five stars for an average, to the nearest half star. */
export function ratingStars(average: number): Star[] {
  const halves = Math.round(Math.min(5, Math.max(0, average)) * 2);
  return Array.from({ length: 5 }, (_, i): Star => (halves >= 2 * (i + 1) ? 'full' : halves === 2 * i + 1 ? 'half' : 'empty'));
}

/** "4.25 · 12 ratings", "5.00 · 1 rating", or "No ratings yet". */
export function ratingLabel(average: Hundredths, ratingCount: number): string {
  if (ratingCount <= 0) return 'No ratings yet';
  return `${parseRating(average).toFixed(2)} · ${ratingCount} ${ratingCount === 1 ? 'rating' : 'ratings'}`;
}

/** "Not used yet", "Used once", "Used 12 times". */
export function usageLabel(usageCount: number): string {
  if (usageCount <= 0) return 'Not used yet';
  if (usageCount === 1) return 'Used once';
  return `Used ${usageCount} times`;
}

// --- What a template creates ---------------------------------------------------------------

export interface ParameterPreview {
  name: string;
  type: string;
  required: boolean;
  description: string | null;
}

export interface StepPreview {
  key: string;
  name: string;
  /** The step type, upper case ("AGENT"). */
  type: string;
  /** The kind of agent the step wants, when the template says. */
  agentType: string | null;
  dependsOn: string[];
}

export type TemplateContents =
  | {
      kind: 'agent';
      agentType: string | null;
      config: JsonObject;
      parameters: ParameterPreview[];
      capabilities: string[];
    }
  | { kind: 'workflow'; steps: StepPreview[]; inputs: ParameterPreview[] }
  | { kind: 'step' };

function parameters(v: JsonValue | undefined): ParameterPreview[] {
  if (!isObject(v)) return [];
  return Object.entries(v).map(([name, spec]) => {
    const o = isObject(spec) ? spec : {};
    return { name, type: str(o.type) ?? 'any', required: o.required === true, description: str(o.description) };
  });
}

/**
 * The steps as instantiation reads them: full step objects under `steps` (a saved workflow) or
 * the hosted seed's short `{key, type, agentType}` under `definition.steps`; a step that names
 * no dependencies follows the one listed before it.
 */
function steps(data: JsonObject): StepPreview[] {
  const definition = isObject(data.definition) ? data.definition : {};
  const raw = Array.isArray(data.steps) ? data.steps : Array.isArray(definition.steps) ? definition.steps : [];
  const out: StepPreview[] = [];
  raw.forEach((s, i) => {
    const o = isObject(s) ? s : {};
    const key = str(o.stepKey) ?? str(o.key) ?? `step_${i + 1}`;
    const config = isObject(o.config) ? o.config : {};
    const dependsOn = Array.isArray(o.dependsOn)
      ? o.dependsOn.filter((d): d is string => typeof d === 'string')
      : out.length > 0
        ? [out[out.length - 1]!.key]
        : [];
    out.push({
      key,
      name: str(o.stepName) ?? str(o.name) ?? key.replace(/[_-]+/g, ' '),
      type: (str(o.stepType) ?? str(o.type) ?? 'AGENT').toUpperCase(),
      agentType: str(o.agentType) ?? str(config.agentType),
      dependsOn,
    });
  });
  return out;
}

export function describeTemplate(t: Pick<Template, 'type' | 'templateData'>): TemplateContents {
  const data = isObject(t.templateData) ? t.templateData : {};
  if (t.type === 'AGENT') {
    return {
      kind: 'agent',
      agentType: str(data.type)?.toUpperCase() ?? null,
      config: isObject(data.config) ? data.config : {},
      parameters: parameters(data.parameters),
      capabilities: Array.isArray(data.capabilities) ? data.capabilities.filter((c): c is string => typeof c === 'string') : [],
    };
  }
  if (t.type === 'WORKFLOW') return { kind: 'workflow', steps: steps(data), inputs: parameters(data.inputs) };
  return { kind: 'step' };
}

/** The name instantiating without a name gives (the service's rule, shown as a placeholder). */
export function defaultInstanceName(t: Pick<Template, 'type' | 'name' | 'templateData'>): string {
  const data = isObject(t.templateData) ? t.templateData : {};
  const own = str(data.name);
  if (own !== null && own.trim() !== '') return own;
  return t.type === 'AGENT' ? `${t.name} Agent` : t.name;
}
