// The pieces of the pages' tables: the table with its header row, a row that is selected by a
// click or the focus and opened by a double click or Enter, the name cell, a list of chips and
// the button that expands a row.
import type { ReactNode } from 'react';

export type Column = string | { label: string; num?: boolean };

export function DataTable(props: {
  /** The table's classes; "table" unless told. */
  className?: string;
  /** aria-busy: a newer page is loading. */
  busy?: boolean;
  label?: string;
  columns?: readonly Column[];
  /** A last column of row actions, named for screen readers only. */
  actions?: boolean;
  /** The header cells, where `columns` cannot say them (sort buttons). */
  header?: ReactNode;
  children: ReactNode;
}) {
  return (
    <table className={props.className ?? 'table'} aria-busy={props.busy} aria-label={props.label}>
      <thead>
        <tr>
          {props.header ??
            props.columns?.map((c) => {
              const column = typeof c === 'string' ? { label: c } : c;
              return (
                <th key={column.label} scope="col" className={column.num ? 'num' : undefined}>
                  {column.label}
                </th>
              );
            })}
          {props.actions && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A row that a click or the focus selects, and a double click or Enter on it opens. */
export function SelectableRow(props: {
  /** The row's data attribute, e.g. { 'data-agent-id': id }. */
  data: Record<`data-${string}`, string>;
  selected: boolean;
  onSelect: () => void;
  onOpen: () => void;
  children: ReactNode;
}) {
  return (
    <tr
      {...props.data}
      aria-selected={props.selected}
      className={props.selected ? 'selected' : undefined}
      tabIndex={0}
      onClick={() => props.onSelect()}
      onFocus={() => props.onSelect()}
      onDoubleClick={() => props.onOpen()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) props.onOpen();
      }}
    >
      {props.children}
    </tr>
  );
}

/** The first cell of a row: the name, a line under it (when there is one) and `children`. */
export function NameCell(props: { name: ReactNode; sub?: ReactNode; children?: ReactNode }) {
  return (
    <td>
      <div className="cell-name">{props.name}</div>
      {props.sub && <div className="cell-sub">{props.sub}</div>}
      {props.children}
    </td>
  );
}

/** A labelled list of chips; `chip` draws one (a plain chip unless told). */
export function ChipList<T extends string>(props: { label: string; items: readonly T[]; className?: string; chip?: (item: T) => ReactNode }) {
  return (
    <ul className={props.className ? `tags ${props.className}` : 'tags'} aria-label={props.label}>
      {props.items.map((item) => (
        <li key={item}>{props.chip ? props.chip(item) : <span className="chip">{item}</span>}</li>
      ))}
    </ul>
  );
}

/** The ▸/▾ button of an expandable row; `what` is what it shows ("Show changes"). */
export function Expander(props: { open: boolean; what: string; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="link expander"
      aria-expanded={props.open}
      aria-label={props.open ? `Hide ${props.what}` : `Show ${props.what}`}
      onClick={(e) => {
        e.stopPropagation();
        props.onToggle();
      }}
    >
      {props.open ? '▾' : '▸'}
    </button>
  );
}

/** A row's action buttons: `before`, Edit (with `onEdit`), `children`, then Delete. */
export function RowActions(props: { before?: ReactNode; onEdit?: () => void; children?: ReactNode; onDelete: () => void }) {
  return (
    <td className="row-actions">
      {props.before}
      {props.onEdit && (
        <button type="button" className="secondary" onClick={props.onEdit}>
          Edit
        </button>
      )}
      {props.children}
      <button type="button" className="danger" onClick={props.onDelete}>
        Delete
      </button>
    </td>
  );
}
