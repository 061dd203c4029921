// The controls of a list's toolbar: a search box and a select over an enum with an "all"
// choice, so every page's filters look and behave the same.
import type { Ref } from 'react';
import { label as friendly } from '../lib/format';

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
    <select className="input" aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value as T | '')}>
      <option value="">{props.allLabel}</option>
      {props.options.map((o) => (
        <option key={o} value={o}>
          {format(o)}
        </option>
      ))}
    </select>
  );
}
