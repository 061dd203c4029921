// One value of the Data page, in a grid cell or the row panel, as cells.ts describes it.
import { useState } from 'react';
import type { DataColumn } from '../../bindings/DataColumn';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { formatFull, formatPrecise } from '../../lib/format';
import { href } from '../../routes';
import { cellView } from './cells';

/** A value in the grid: compact, JSON expandable in place, ids linking to their row. */
export function Cell({ column, value, table }: { column: DataColumn; value: JsonValue | undefined; table: string }) {
  const [open, setOpen] = useState(false);
  const view = cellView(column, value, table);
  switch (view.kind) {
    case 'null':
      return <span className="cell-null">NULL</span>;
    case 'bool':
      return <span className={view.value ? 'cell-bool cell-true' : 'cell-bool cell-false'}>{view.value ? 'true' : 'false'}</span>;
    case 'time':
      return (
        <time dateTime={view.iso} title={`${formatFull(view.iso)}\n${view.iso}`}>
          {view.text}
        </time>
      );
    case 'id':
      return view.table ? (
        <a className="cell-id" href={href('data', view.table, view.id)} title={`Open ${view.id} in ${view.table}`} onClick={(e) => e.stopPropagation()}>
          {view.short}
        </a>
      ) : (
        <code className="cell-id" title={view.id}>
          {view.short}
        </code>
      );
    case 'number':
      return <span className="cell-number">{view.text}</span>;
    case 'enum':
      return <span className="cell-enum">{view.text}</span>;
    case 'json':
      return (
        <span className="cell-json">
          {view.long && (
            <button
              type="button"
              className="link expander"
              aria-expanded={open}
              aria-label={open ? `Collapse ${column.name}` : `Expand ${column.name}`}
              onClick={(e) => {
                e.stopPropagation();
                setOpen(!open);
              }}
            >
              {open ? '▾' : '▸'}
            </button>
          )}
          {open ? <pre className="json">{view.pretty}</pre> : <code>{view.compact}</code>}
        </span>
      );
    case 'text':
      return <span title={view.full.length > view.text.length ? view.full : undefined}>{view.text}</span>;
  }
}

/** A value in full, for the row panel: JSON pretty, timestamps precise with the stored text. */
export function FullValue({ column, value, table }: { column: DataColumn; value: JsonValue | undefined; table: string }) {
  const view = cellView(column, value, table);
  switch (view.kind) {
    case 'time':
      return (
        <span>
          <time dateTime={view.iso} title={formatFull(view.iso)}>
            {formatPrecise(view.iso)}
          </time>{' '}
          <code className="muted">{view.iso}</code>
        </span>
      );
    case 'id':
      return view.table ? (
        <a className="cell-id" href={href('data', view.table, view.id)}>
          <code>{view.id}</code>
        </a>
      ) : (
        <code>{view.id}</code>
      );
    case 'json':
      return <pre className="json">{view.pretty}</pre>;
    case 'text':
      return <span className="cell-full-text">{view.full}</span>;
    default:
      return <Cell column={column} value={value} table={table} />;
  }
}
