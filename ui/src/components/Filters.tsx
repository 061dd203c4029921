// The controls of a list's toolbar: the toolbar itself, a search box, a select over an enum
// with an "all" choice, sorting, the Clear button and the active tag filters, so every page's
// filters look and behave the same.
import type { Dispatch, ReactNode, Ref, SetStateAction } from 'react';
import { label as friendly } from '../lib/format';

/** The row of a list's filters, a search landmark. */
export function Toolbar({ children }: { children: ReactNode }) {
  return (
    <div className="toolbar" role="search">
      {children}
    </div>
  );
}

export function SearchBox(props: {
  ref?: Ref<HTMLInputElement>;
  /** The accessible name, e.g. "Search agents". */
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      ref={props.ref}
      type="search"
      className="input search"
      placeholder={props.placeholder}
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

/** A select of `options`, shown as `format` writes them; `label` names it where no <label> does. */
export function OptionSelect<T extends string>(props: {
  label?: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  format?: (value: T) => string;
}) {
  const format = props.format ?? friendly;
  return (
    <select className="input" aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
      {props.options.map((o) => (
        <option key={o} value={o}>
          {format(o)}
        </option>
      ))}
    </select>
  );
}

/** A select of `options` plus "" for all of them; values are shown as `format` writes them. */
export function EnumSelect<T extends string>(props: {
  label: string;
  allLabel: string;
  options: readonly T[];
  value: T | '';
  onChange: (value: T | '') => void;
  format?: (value: T) => string;
}) {
  const format = props.format ?? friendly;
  return (
    <OptionSelect<T | ''>
      label={props.label}
      options={['', ...props.options]}
      value={props.value}
      onChange={props.onChange}
      format={(o) => (o === '' ? props.allLabel : format(o))}
    />
  );
}

/** The "Sort by" select over `options` ([value, label] pairs). */
export function SortSelect<K extends string>(props: { options: readonly (readonly [K, string])[]; value: K; onChange: (value: K) => void }) {
  return (
    <select className="input" aria-label="Sort by" value={props.value} onChange={(e) => props.onChange(e.target.value as K)}>
      {props.options.map(([value, text]) => (
        <option key={value} value={value}>
          {text}
        </option>
      ))}
    </select>
  );
}

export type SortOrder = 'asc' | 'desc';

/** The button that flips the sort order. */
export function SortOrderToggle({ order, onChange }: { order: SortOrder; onChange: Dispatch<SetStateAction<SortOrder>> }) {
  return (
    <button
      type="button"
      className="secondary"
      aria-label={order === 'asc' ? 'Ascending; switch to descending' : 'Descending; switch to ascending'}
      onClick={() => onChange((o) => (o === 'asc' ? 'desc' : 'asc'))}
    >
      {order === 'asc' ? '↑ Asc' : '↓ Desc'}
    </button>
  );
}

/** The toolbar's "Clear" button, shown while any filter is set. */
export function ClearFilters({ shown, onClear }: { shown: boolean; onClear: () => void }) {
  if (!shown) return null;
  return (
    <button type="button" className="secondary" onClick={onClear}>
      Clear
    </button>
  );
}

/** The tags a list is filtered by, each a button that removes it; nothing without tags. */
export function TagFilters({ tags, onRemove }: { tags: readonly string[]; onRemove: (tag: string) => void }) {
  if (tags.length === 0) return null;
  return (
    <div className="active-tags" aria-label="Tag filters">
      <span className="muted">Tags:</span>
      {tags.map((t) => (
        <button key={t} type="button" className="chip chip-on" onClick={() => onRemove(t)} aria-label={`Remove tag filter ${t}`}>
          {t} ×
        </button>
      ))}
    </div>
  );
}
