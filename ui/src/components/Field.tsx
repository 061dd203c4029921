// Form pieces shared by the pages' panels: a labelled field with its error, and a chips input.
import { useRef, useState, type ReactNode } from 'react';
import { addTag } from '../lib/tags';

/**
 * A labelled input with its error. `group` is for widgets holding several controls (the tags
 * chips): a <label> around buttons forwards clicks on it to its first button in WebKit, which
 * removed a tag on every click into the chips box.
 */
export function Field(props: { label: string; error?: string | undefined; children: ReactNode; wide?: boolean; group?: boolean }) {
  const className = props.wide ? 'field field-wide' : 'field';
  const error = props.error && (
    <span className="field-error" role="alert">
      {props.error}
    </span>
  );
  if (props.group)
    return (
      <div className={className} role="group" aria-label={props.label}>
        <span>{props.label}</span>
        {props.children}
        {error}
      </div>
    );
  return (
    <label className={className}>
      <span>{props.label}</span>
      {props.children}
      {error}
    </label>
  );
}

/** Chips typed into a text box (Enter or comma adds one); `noun` names them for screen readers. */
export function TagsInput(props: { tags: string[]; onChange: (tags: string[]) => void; noun?: string }) {
  const noun = props.noun ?? 'tag';
  const [text, setText] = useState('');
  const commit = () => {
    props.onChange(addTag(props.tags, text));
    setText('');
  };
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <div className="chips-input" onMouseDown={(e) => e.target === e.currentTarget && (e.preventDefault(), inputRef.current?.focus())}>
      {props.tags.map((t) => (
        <span key={t} className="chip">
          {t}
          <button type="button" className="chip-x" aria-label={`Remove ${noun} ${t}`} onClick={() => props.onChange(props.tags.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        ref={inputRef}
        value={text}
        placeholder={`Add a ${noun}, press Enter`}
        aria-label={`New ${noun}`}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text.trim() && commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ',') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Backspace' && text === '' && props.tags.length > 0) {
            props.onChange(props.tags.slice(0, -1));
          }
        }}
      />
    </div>
  );
}

type Errors = Partial<Record<string, string>>;

/** The Name and Description fields every record's form starts with. */
export function NameFields(props: {
  name: string;
  description: string;
  errors: Errors;
  autoFocus: boolean;
  onChange: (key: 'name' | 'description', value: string) => void;
}) {
  return (
    <>
      <Field label="Name" error={props.errors.name} wide>
        <input className="input" autoFocus={props.autoFocus} value={props.name} onChange={(e) => props.onChange('name', e.target.value)} />
      </Field>
      <Field label="Description" error={props.errors.description} wide>
        <textarea className="input" rows={2} value={props.description} onChange={(e) => props.onChange('description', e.target.value)} />
      </Field>
    </>
  );
}

/** One number field per entry of `specs` (label and bounds), the form's text in `values`. */
export function NumberFields<K extends string>(props: {
  specs: { readonly [key in K]: { readonly label: string; readonly min: number; readonly max: number } };
  values: { readonly [key in NoInfer<K>]: string };
  errors: Errors;
  placeholder: (key: NoInfer<K>) => string;
  onChange: (key: NoInfer<K>, value: string) => void;
}) {
  return (
    <>
      {(Object.keys(props.specs) as K[]).map((key) => (
        <Field key={key} label={props.specs[key].label} error={props.errors[key]}>
          <input
            className="input"
            type="number"
            min={props.specs[key].min}
            max={props.specs[key].max}
            placeholder={props.placeholder(key)}
            value={props.values[key]}
            onChange={(e) => props.onChange(key, e.target.value)}
          />
        </Field>
      ))}
    </>
  );
}
