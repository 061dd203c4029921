// A text box that offers `{{ … }}` references while typing (references.ts decides what): after
// `{{` a list opens; ↑/↓ move, Enter or Tab inserts, Esc closes it. In `bare` mode (conditions)
// it offers the path under the caret without braces.
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { applySuggestion, suggestReferences, type Suggestion } from './references';

export function ReferenceInput(props: {
  value: string;
  onChange: (value: string) => void;
  candidates: readonly Suggestion[];
  label: string;
  placeholder?: string;
  bare?: boolean;
  invalid?: boolean;
}) {
  const { value, onChange, candidates, bare = false } = props;
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  // The caret while the box has the focus; null closes the list.
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const pendingCaret = useRef<number | null>(null);

  useLayoutEffect(() => {
    const at = pendingCaret.current;
    if (at !== null && input.current) {
      input.current.setSelectionRange(at, at);
      pendingCaret.current = null;
    }
  });

  const result = caret === null || dismissed ? null : suggestReferences(value, caret, candidates, 12, bare);
  const items = result?.items ?? [];
  const open = items.length > 0;
  const current = Math.min(active, Math.max(0, items.length - 1));

  const follow = () => {
    setCaret(input.current?.selectionStart ?? null);
  };
  const choose = (s: Suggestion) => {
    if (!result || caret === null) return;
    const next = applySuggestion(value, caret, result.from, s.path, bare);
    pendingCaret.current = next.caret;
    onChange(next.text);
    setCaret(next.caret);
    setActive(0);
    setDismissed(bare);
  };

  return (
    <div className="wf-ref">
      <input
        ref={input}
        className={props.invalid ? 'input mono wf-invalid' : 'input mono'}
        value={value}
        placeholder={props.placeholder}
        aria-label={props.label}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${current}` : undefined}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          onChange(e.target.value);
          setCaret(e.target.selectionStart);
          setDismissed(false);
          setActive(0);
        }}
        onFocus={follow}
        onClick={follow}
        onKeyUp={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') follow();
        }}
        onBlur={() => setCaret(null)}
        onKeyDown={(e) => {
          if (!open) return;
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : items.length - 1;
            setActive((current + step) % items.length);
          } else if (e.key === 'Enter' || e.key === 'Tab') {
            e.preventDefault();
            choose(items[current]!);
          } else if (e.key === 'Escape') {
            // Closes the list only, not the panel or dialog behind it.
            e.preventDefault();
            e.stopPropagation();
            setDismissed(true);
          }
        }}
      />
      {open && (
        <ul className="wf-ref-list" role="listbox" id={listId} aria-label={`References for ${props.label}`}>
          {items.map((s, i) => (
            <li
              key={s.path}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'active' : undefined}
              // Keep the focus (and the caret) in the box.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s);
              }}
            >
              <code>{s.path}</code>
              <span className="muted">{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
