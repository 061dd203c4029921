// "Save as template": pick one of your agents or workflows, a category (an existing one or a
// new one), tags and whether others may see it. The service copies what the template needs
// (an agent's type, config and parameters; a workflow's definition and every step).
import { useState } from 'react';
import { backend } from '../../ipc';
import type { Template } from '../../bindings/Template';
import { Field, TagsInput } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { ErrorState } from '../../components/States';
import { useSubmit } from '../../lib/editor';
import { useDebounced, useLoad } from '../../lib/hooks';
import { categoryLabel } from './gallery';
import { buildSaveInput, emptySaveForm, mapSaveFieldErrors, type SaveErrors, type SaveForm, type SourceKind } from './save';

interface Source {
  id: string;
  name: string;
  detail: string;
}

const PICK_LIMIT = 100;

async function loadSources(kind: SourceKind, search: string): Promise<{ items: Source[]; total: number }> {
  const base = { mine: true, page: 1, pageSize: PICK_LIMIT, sortBy: 'name', sortOrder: 'asc', ...(search ? { search } : {}) };
  if (kind === 'agent') {
    const page = await backend.agentsList(base);
    return { items: page.items.map((a) => ({ id: a.id, name: a.name, detail: `${a.type} · v${a.version}` })), total: page.total };
  }
  const page = await backend.workflowsList(base);
  return { items: page.items.map((w) => ({ id: w.id, name: w.name, detail: `${w.status.toLowerCase()} · v${w.version}` })), total: page.total };
}

export function SaveTemplateDialog(props: { categories: readonly string[]; onClose: () => void; onSaved: (t: Template) => void }) {
  const [form, setForm] = useState<SaveForm>(() => emptySaveForm('agent'));
  const { errors, setErrors, saveError, setSaveError, busy, submit } = useSubmit<SaveErrors>((error) => (error.fields ? mapSaveFieldErrors(error.fields) : {}));
  const saving = busy !== null;
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), 250);
  const sources = useLoad(() => loadSources(form.kind, search), [form.kind, search]);
  const picked = sources.shown?.items.find((s) => s.id === form.sourceId) ?? null;

  const update = <K extends keyof SaveForm>(key: K, value: SaveForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setKind = (kind: SourceKind) => {
    setForm((f) => ({ ...f, kind, sourceId: '' }));
    setErrors({});
  };

  const save = () =>
    submit(() => {
      const parsed = buildSaveInput(form);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        work: () => (parsed.kind === 'agent' ? backend.templatesSaveAgent(parsed.sourceId, parsed.input) : backend.templatesSaveWorkflow(parsed.sourceId, parsed.input)),
      };
    }, props.onSaved);

  return (
    <div className="tpl-save-dialog">
      <Modal title="Save as template">
        <form
          className="dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {saveError && <ErrorState error={saveError} onDismiss={() => setSaveError(null)} />}
          {errors._form && <p className="field-error">{errors._form}</p>}
          <div className="segmented" role="group" aria-label="What to save">
            {(['agent', 'workflow'] as const).map((k) => (
              <button key={k} type="button" aria-pressed={form.kind === k} onClick={() => setKind(k)}>
                {k === 'agent' ? 'An agent' : 'A workflow'}
              </button>
            ))}
          </div>
          <Field label={`Find ${form.kind === 'agent' ? 'an agent' : 'a workflow'}`}>
            <input
              className="input"
              type="search"
              value={searchText}
              placeholder="Name or description"
              onChange={(e) => setSearchText(e.target.value)}
            />
          </Field>
          <Field label={form.kind === 'agent' ? 'Agent' : 'Workflow'} error={errors.sourceId}>
            <select className="input" value={form.sourceId} autoFocus onChange={(e) => update('sourceId', e.target.value)}>
              <option value="">
                {sources.state.kind === 'loading' && !sources.shown
                  ? 'Loading…'
                  : sources.shown && sources.shown.items.length === 0
                    ? `No ${form.kind}s${search ? ' match' : ' yet'}`
                    : `Choose ${form.kind === 'agent' ? 'an agent' : 'a workflow'}…`}
              </option>
              {sources.shown?.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.detail})
                </option>
              ))}
            </select>
          </Field>
          {sources.state.kind === 'error' && <ErrorState error={sources.state.error} onRetry={sources.reload} />}
          {sources.shown && sources.shown.total > sources.shown.items.length && (
            <p className="muted">
              Showing the first {sources.shown.items.length} of {sources.shown.total}; type above to narrow the list.
            </p>
          )}
          <Field label="Template name (optional)" error={errors.name}>
            <input
              className="input"
              value={form.name}
              maxLength={255}
              placeholder={picked?.name ?? 'The name of what you save'}
              onChange={(e) => update('name', e.target.value)}
            />
          </Field>
          <Field label="Category" error={errors.category}>
            <input
              className="input"
              list="tpl-category-options"
              value={form.category}
              maxLength={100}
              placeholder="e.g. data-processing"
              onChange={(e) => update('category', e.target.value)}
            />
            <datalist id="tpl-category-options">
              {props.categories.map((c) => (
                <option key={c} value={c}>
                  {categoryLabel(c)}
                </option>
              ))}
            </datalist>
          </Field>
          <Field label="Description (optional)" error={errors.description}>
            <textarea className="input" rows={2} value={form.description} onChange={(e) => update('description', e.target.value)} />
          </Field>
          <Field label="Tags" error={errors.tags} group>
            <TagsInput tags={form.tags} onChange={(t) => update('tags', t)} />
          </Field>
          <label className="tpl-check">
            <input type="checkbox" checked={form.isPublic} onChange={(e) => update('isPublic', e.target.checked)} />
            Public — others can find and use it; otherwise only you see it
          </label>
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : 'Save template'}
            </button>
          </div>
        </form>
      </Modal>
    </div>
  );
}
