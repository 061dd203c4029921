// The row panel of the Data page: one row in full, its related rows (what it points to and what
// points to it, each linking to that row in its table) and, for tables with an update service,
// an edit form whose changes go through that service (rules and audit apply).
import { useEffect, useRef, useState, type MutableRefObject } from 'react';
import { backend, toCommandError } from '../../ipc';
import type { CommandError } from '../../ipc';
import type { DataColumn } from '../../bindings/DataColumn';
import type { DataTable } from '../../bindings/DataTable';
import type { RelatedRows } from '../../bindings/RelatedRows';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import { Field, TagsInput } from '../../components/Field';
import { PanelFooter, SidePanel } from '../../components/SidePanel';
import { ErrorState, LoadingState } from '../../components/States';
import { useBindRef, useLoad } from '../../lib/hooks';
import { count } from '../../lib/format';
import { href } from '../../routes';
import { FullValue } from './Cell';
import { isDeleted, rowId, rowTitle, tableLabel } from './cells';
import { buildPatch, draftOf, errorsByField, type Draft } from './edit';

type Row = { [key in string]: JsonValue };

function asRow(v: JsonValue | undefined): Row | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
}

/** The control for one editable column. */
function EditControl(props: { column: DataColumn; draft: Draft; onChange: (d: Draft) => void; autoFocus: boolean }) {
  const { column, draft } = props;
  if (typeof draft === 'boolean')
    return (
      <span className="data-check">
        <input type="checkbox" checked={draft} onChange={(e) => props.onChange(e.target.checked)} autoFocus={props.autoFocus} />
        {draft ? 'true' : 'false'}
      </span>
    );
  if (Array.isArray(draft)) return <TagsInput tags={draft} onChange={props.onChange} noun="item" />;
  if (column.kind === 'enum' && column.values)
    return (
      <select className="input" value={draft} onChange={(e) => props.onChange(e.target.value)} autoFocus={props.autoFocus}>
        {column.values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    );
  if (column.kind === 'json')
    return (
      <textarea
        className="input mono"
        rows={Math.min(12, Math.max(3, draft.split('\n').length))}
        spellCheck={false}
        value={draft}
        onChange={(e) => props.onChange(e.target.value)}
        autoFocus={props.autoFocus}
      />
    );
  return (
    <input
      className={column.kind === 'uuid' ? 'input mono' : 'input'}
      inputMode={column.kind === 'int' ? 'numeric' : undefined}
      placeholder={column.nullable ? 'empty = null' : undefined}
      value={draft}
      onChange={(e) => props.onChange(e.target.value)}
      autoFocus={props.autoFocus}
    />
  );
}

function RelatedGroup({ group }: { group: RelatedRows }) {
  const shownIds = group.rows.map(rowId);
  return (
    <section className="data-related-group" aria-label={`${tableLabel(group.table)} by ${group.column}`}>
      <h5>
        <a href={href('data', group.table)}>{tableLabel(group.table)}</a> <span className="muted">by {group.column}</span>{' '}
        <span className="count">{group.total}</span>
      </h5>
      <ul className="data-related-rows">
        {group.rows.map((r, i) => {
          const id = shownIds[i];
          return (
            <li key={id ?? i} className={isDeleted(r) ? 'deleted' : undefined}>
              {id ? <a href={href('data', group.table, id)}>{rowTitle(r)}</a> : rowTitle(r)}
              {id && <code className="muted"> …{id.slice(-8)}</code>}
              {isDeleted(r) && <span className="badge badge-deleted">deleted</span>}
            </li>
          );
        })}
      </ul>
      {group.total > group.rows.length && <p className="muted data-related-more">and {group.total - group.rows.length} more</p>}
    </section>
  );
}

function Related({ groups }: { groups: RelatedRows[] }) {
  const parents = groups.filter((g) => g.direction === 'parent');
  const children = groups.filter((g) => g.direction === 'child' && g.total > 0);
  const none = groups.filter((g) => g.direction === 'child' && g.total === 0);
  return (
    <div className="data-related">
      <h4>Points to</h4>
      {parents.length === 0 ? <p className="muted">Nothing: this row has no foreign keys set.</p> : parents.map((g) => <RelatedGroup key={`p-${g.table}-${g.column}`} group={g} />)}
      <h4>Pointed to by</h4>
      {children.length === 0 && <p className="muted">No rows point to this one.</p>}
      {children.map((g) => (
        <RelatedGroup key={`c-${g.table}-${g.column}`} group={g} />
      ))}
      {none.length > 0 && (
        <p className="muted data-related-none">
          None in {none.map((g) => `${g.table} (${g.column})`).join(', ')}.
        </p>
      )}
    </div>
  );
}

export function RowPanel(props: {
  table: DataTable;
  id: string;
  onClose: () => void;
  /** Set while the edit form is open: saves it (Ctrl+S). */
  saveRef: MutableRefObject<(() => void) | null>;
  /** Closes the edit form (Esc while editing). */
  cancelRef: MutableRefObject<(() => void) | null>;
}) {
  const { table, id } = props;
  const loaded = useLoad(
    async () => {
      const page = await backend.dataRows({ table: table.name, filters: [{ column: 'id', op: 'eq', value: id }], includeDeleted: true, page: 1, pageSize: 1 });
      return { row: asRow(page.items[0]) };
    },
    [table.name, id],
  );
  const related = useLoad(() => backend.dataRelated(table.name, id), [table.name, id]);
  // The row a save returned, shown until the reload it causes brings the same.
  const [saved, setSaved] = useState<Row | null>(null);
  useEffect(() => setSaved(null), [loaded.shown]);
  const row = saved ?? loaded.shown?.row ?? null;

  const editable = table.columns.filter((c) => table.editable.includes(c.name));
  const [drafts, setDrafts] = useState<Record<string, Draft> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  // Kept while following related rows from row to row.
  const [tab, setTab] = useState<'fields' | 'related'>('fields');

  // Another row: leave the form and forget the outcome of the last save.
  useEffect(() => {
    setDrafts(null);
    setNotice(null);
    setSaveError(null);
  }, [table.name, id]);

  const editing = drafts !== null;

  const startEdit = () => {
    if (!row) return;
    setDrafts(Object.fromEntries(editable.map((c) => [c.name, draftOf(c, row[c.name])])));
    setErrors({});
    setSaveError(null);
    setNotice(null);
  };
  const cancel = () => {
    setDrafts(null);
    setErrors({});
    setSaveError(null);
  };

  const save = async () => {
    if (!row || !drafts || saving) return;
    const { patch, errors: local } = buildPatch(editable, row, drafts);
    setErrors(local);
    setSaveError(null);
    if (Object.keys(local).length > 0) return;
    if (Object.keys(patch).length === 0) {
      setDrafts(null);
      setNotice('Nothing changed.');
      return;
    }
    setSaving(true);
    try {
      setSaved(asRow(await backend.dataUpdate(table.name, id, patch)));
      setDrafts(null);
      setNotice(`Saved ${count(Object.keys(patch).length, 'change')} through the ${table.name} service; it is in the audit log.`);
      bodyRef.current?.scrollTo({ top: 0 });
      loaded.reload();
      related.reload();
    } catch (reason) {
      const error = toCommandError(reason);
      setSaveError(error);
      setErrors(errorsByField(error.fields));
    } finally {
      setSaving(false);
    }
  };

  useBindRef(props.saveRef, editing ? () => void save() : null);
  useBindRef(props.cancelRef, editing ? cancel : null);

  const deleted = row !== null && isDeleted(row);
  const canEdit = editable.length > 0 && row !== null && !deleted;
  const title = row ? rowTitle(row) : 'Row';

  return (
    <SidePanel
      title={title}
      titleId="data-panel-title"
      className="data-panel"
      badges={
        <>
          <span className="type">{table.name}</span>
          {deleted && <span className="badge badge-deleted">deleted</span>}
        </>
      }
      actions={
        canEdit &&
        !editing && (
          <button type="button" onClick={startEdit}>
            Edit
          </button>
        )
      }
      onClose={props.onClose}
    >
      <div className="panel-body" ref={bodyRef}>
        {loaded.state.kind === 'loading' && !loaded.shown && <LoadingState what="the row" />}
        {loaded.state.kind === 'error' && <ErrorState error={loaded.state.error} onRetry={loaded.reload} />}
        {loaded.shown && !row && (
          <div className="state state-empty">
            <p className="state-title">No row {id} in {table.name}.</p>
            <p>It may have been deleted for good, or the link is old. Close this panel to browse the table.</p>
          </div>
        )}

        {notice && (
          <p className="data-notice" role="status">
            {notice}
          </p>
        )}

        {row && editing && drafts && (
          <form
            className="data-edit"
            aria-label={`Edit ${title}`}
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <p className="muted data-edit-note">{table.editNote}</p>
            {saveError && <ErrorState error={saveError} />}
            <div className="grid">
              {editable.map((c, i) => (
                <Field key={c.name} label={`${c.name}${c.nullable ? ' (optional)' : ''}`} error={errors[c.name]} wide={c.kind === 'json' || c.kind === 'list' || c.kind === 'text'} group={Array.isArray(drafts[c.name])}>
                  <EditControl column={c} draft={drafts[c.name] ?? ''} autoFocus={i === 0} onChange={(d) => setDrafts((all) => (all ? { ...all, [c.name]: d } : all))} />
                </Field>
              ))}
            </div>
            <PanelFooter onCancel={cancel} busy={saving} submitLabel={saving ? 'Saving…' : 'Save'} submitTitle="Save (Ctrl+S)">
              <span className="muted">
                <kbd>Ctrl</kbd>+<kbd>S</kbd> saves, <kbd>Esc</kbd> cancels
              </span>
            </PanelFooter>
          </form>
        )}

        {row && !editing && (
          <div className="data-tabs" role="tablist" aria-label="Row views">
            <button type="button" role="tab" id="data-tab-fields" aria-selected={tab === 'fields'} aria-controls="data-tabpanel" className={tab === 'fields' ? 'data-tab data-tab-on' : 'data-tab'} onClick={() => setTab('fields')}>
              Fields <span className="count">{table.columns.length}</span>
            </button>
            <button type="button" role="tab" id="data-tab-related" aria-selected={tab === 'related'} aria-controls="data-tabpanel" className={tab === 'related' ? 'data-tab data-tab-on' : 'data-tab'} onClick={() => setTab('related')}>
              Related rows <span className="count">{related.shown ? related.shown.reduce((n, g) => n + g.total, 0) : '…'}</span>
            </button>
          </div>
        )}

        {row && !editing && tab === 'related' && (
          <div id="data-tabpanel" role="tabpanel" aria-labelledby="data-tab-related">
            {related.state.kind === 'error' && <ErrorState error={related.state.error} onRetry={related.reload} />}
            {related.shown ? <Related groups={related.shown} /> : related.state.kind === 'loading' && <LoadingState what="related rows" />}
          </div>
        )}

        {row && !editing && tab === 'fields' && (
          <div id="data-tabpanel" role="tabpanel" aria-labelledby="data-tab-fields">
            {editable.length === 0 && <p className="muted data-edit-note">{table.editNote}</p>}
            {deleted && editable.length > 0 && <p className="muted data-edit-note">A deleted row cannot be edited.</p>}
            <dl className="data-fields">
              {table.columns.map((c) => (
                <div key={c.name} className="data-field">
                  <dt>
                    {c.name}
                    <span className="type">{c.kind}</span>
                  </dt>
                  <dd>
                    <FullValue column={c} value={row[c.name]} table={table.name} />
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        )}
      </div>
    </SidePanel>
  );
}
