// The Data page's filters: one line per filter (column, operator, value), each checked as it is
// typed; a filter that is not complete yet is shown with its hint and left out of the query.
import type { DataColumn } from '../../bindings/DataColumn';
import type { FilterOp } from '../../bindings/FilterOp';
import { buildFilter, needsValue, opLabel, opsFor, retarget, type FilterDraft } from './query';

function ValueInput(props: { column: DataColumn; draft: FilterDraft; index: number; onChange: (value: string) => void }) {
  const { column, draft } = props;
  const label = `Filter ${props.index + 1} value`;
  if (column.kind === 'boolean')
    return (
      <select className="input" aria-label={label} value={draft.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  if (column.kind === 'enum' && column.values)
    return (
      <select className="input" aria-label={label} value={draft.value} onChange={(e) => props.onChange(e.target.value)}>
        {column.values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  if (column.kind === 'timestamp')
    return <input className="input" type="date" aria-label={label} value={draft.value} onChange={(e) => props.onChange(e.target.value)} />;
  const placeholder = column.kind === 'uuid' ? 'a full id' : column.kind === 'decimal' ? 'e.g. 4.5' : column.kind === 'int' ? 'a whole number' : 'text';
  return (
    <input
      className="input data-filter-value"
      aria-label={label}
      placeholder={placeholder}
      inputMode={column.kind === 'int' || column.kind === 'decimal' ? 'decimal' : undefined}
      value={draft.value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

export function FilterBar(props: { columns: readonly DataColumn[]; filters: FilterDraft[]; onChange: (filters: FilterDraft[]) => void }) {
  const { columns, filters } = props;
  const set = (i: number, next: FilterDraft) => props.onChange(filters.map((f, j) => (j === i ? next : f)));
  if (filters.length === 0) return null;
  return (
    <ul className="data-filters" aria-label="Filters">
      {filters.map((draft, i) => {
        const column = columns.find((c) => c.name === draft.column);
        const built = buildFilter(draft, column);
        return (
          <li key={i} className={built.ok ? 'data-filter' : 'data-filter data-filter-incomplete'}>
            <span className="muted data-filter-where">{i === 0 ? 'Where' : 'and'}</span>
            <select
              className="input"
              aria-label={`Filter ${i + 1} column`}
              value={draft.column}
              onChange={(e) => {
                const c = columns.find((x) => x.name === e.target.value);
                if (c) set(i, retarget(draft, c));
              }}
            >
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
            {column && (
              <select className="input" aria-label={`Filter ${i + 1} operator`} value={draft.op} onChange={(e) => set(i, { ...draft, op: e.target.value as FilterOp })}>
                {opsFor(column).map((op) => (
                  <option key={op} value={op}>
                    {opLabel(op, column)}
                  </option>
                ))}
              </select>
            )}
            {column && needsValue(draft.op) && <ValueInput column={column} draft={draft} index={i} onChange={(value) => set(i, { ...draft, value })} />}
            <button type="button" className="chip-x data-filter-remove" aria-label={`Remove filter ${i + 1}`} onClick={() => props.onChange(filters.filter((_, j) => j !== i))}>
              ×
            </button>
            {!built.ok && <span className="muted data-filter-hint">{built.message}</span>}
          </li>
        );
      })}
    </ul>
  );
}
