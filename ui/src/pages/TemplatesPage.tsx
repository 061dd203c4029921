// The Templates page: a gallery of template cards by category (a category list beside it),
// with search, type, official-only and tag filters; a template's detail as a panel at
// `#/templates/<id>`; creating an agent or a workflow from a template; saving your own agent or
// workflow as one; rating. Query building, grouping and reading template data live in
// pages/templates/*.ts; every rule is the service's.
import { SearchBox } from '../components/Filters';
import { useCallback, useEffect, useRef, useState } from 'react';
import { backend } from '../ipc';
import type { Template } from '../bindings/Template';
import type { TemplateType } from '../bindings/TemplateType';
import { EmptyState, ErrorState, LoadingState, NoMatches, Pager } from '../components/States';
import { count, label } from '../lib/format';
import { useDebounced, useLoad, usePagedList } from '../lib/hooks';
import { isTypingTarget, matchShortcut } from '../lib/shortcuts';
import { href, useSubpath } from '../routes';
import {
  buildTemplateQuery,
  categoryLabel,
  emptyGalleryFilters,
  GALLERY_TYPES,
  groupByCategory,
  isFiltered,
  SORTS,
  type GalleryFilters,
  type SortKey,
} from './templates/gallery';
import { InstantiateDialog } from './templates/Instantiate';
import { SaveTemplateDialog } from './templates/SaveTemplateDialog';
import { TemplateCard } from './templates/TemplateCard';
import { TemplatePanel } from './templates/TemplatePanel';
import './templates/templates.css';

const PAGE_SIZE = 24;
const SEARCH_DELAY_MS = 250;

type Dialog = { kind: 'use'; template: Template } | { kind: 'save' } | null;

const openDetail = (id: string) => {
  window.location.hash = href('templates', id);
};
const closeDetail = () => {
  window.location.hash = href('templates');
};

export function TemplatesPage() {
  const [filters, setFilters] = useState<GalleryFilters>(() => emptyGalleryFilters());
  const search = useDebounced(filters.search.trim(), SEARCH_DELAY_MS);
  const { category, type, officialOnly, tags, sort } = filters;
  const [dialog, setDialog] = useState<Dialog>(null);
  const detailId = useSubpath()[0] ?? null;
  const searchRef = useRef<HTMLInputElement>(null);

  const categories = useLoad(() => backend.templatesCategories(), []);
  const { state, shown, reload, setPage } = usePagedList(
    (page) => backend.templatesList(buildTemplateQuery({ search, category, type, officialOnly, tags, sort }, page, PAGE_SIZE)),
    [search, category, type, officialOnly, tags, sort],
  );
  const filtered = isFiltered(filters);
  const set = <K extends keyof GalleryFilters>(key: K, value: GalleryFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const clearFilters = () => setFilters((f) => ({ ...emptyGalleryFilters(), sort: f.sort }));
  const toggleTag = (tag: string) => set('tags', tags.includes(tag) ? tags.filter((t) => t !== tag) : [...tags, tag]);

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const action = matchShortcut(e, {
        typing: isTypingTarget(e.target),
        panelOpen: detailId !== null,
        dialogOpen: dialog !== null,
        hasSelection: false,
      });
      if (!action) return;
      if (action === 'new') setDialog({ kind: 'save' });
      else if (action === 'focusSearch') searchRef.current?.focus();
      else if (action === 'close') {
        if (dialog) setDialog(null);
        else closeDetail();
      } else return;
      e.preventDefault();
    },
    [detailId, dialog],
  );

  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onKeyDown]);

  const card = (t: Template) => (
    <TemplateCard
      key={t.id}
      template={t}
      activeTags={tags}
      onOpen={() => openDetail(t.id)}
      onUse={() => setDialog({ kind: 'use', template: t })}
      onTag={toggleTag}
    />
  );

  return (
    <section className="page" aria-labelledby="templates-heading">
      <div className="page-header">
        <h2 id="templates-heading">Templates</h2>
        {shown && <span className="count">{count(shown.total, 'template')}</span>}
        <span className="spacer" />
        <button type="button" onClick={() => setDialog({ kind: 'save' })} title="Save an agent or a workflow as a template (N)">
          Save as template
        </button>
      </div>

      <div className="tpl-layout">
        <nav className="tpl-categories" aria-label="Categories">
          <h3>Categories</h3>
          <ul>
            <li>
              <button type="button" aria-pressed={category === ''} onClick={() => set('category', '')}>
                All templates
              </button>
            </li>
            {(categories.shown ?? []).map((c) => (
              <li key={c}>
                <button type="button" aria-pressed={category === c} onClick={() => set('category', c)}>
                  {categoryLabel(c)}
                </button>
              </li>
            ))}
          </ul>
          {categories.state.kind === 'error' && <ErrorState error={categories.state.error} onRetry={categories.reload} />}
        </nav>

        <div>
          <div className="toolbar" role="search">
            <SearchBox ref={searchRef} label="Search templates" placeholder="Search name or description  ( / )" value={filters.search} onChange={(v) => set('search', v)} />
            <select className="input" aria-label="Type" value={type} onChange={(e) => set('type', e.target.value as TemplateType | '')}>
              <option value="">Agents and workflows</option>
              {GALLERY_TYPES.map((t) => (
                <option key={t} value={t}>
                  {label(t)}s
                </option>
              ))}
            </select>
            <select className="input" aria-label="Sort by" value={sort} onChange={(e) => set('sort', e.target.value as SortKey)}>
              {(Object.keys(SORTS) as SortKey[]).map((k) => (
                <option key={k} value={k}>
                  {SORTS[k].label}
                </option>
              ))}
            </select>
            <label className="tpl-check">
              <input type="checkbox" checked={officialOnly} onChange={(e) => set('officialOnly', e.target.checked)} />
              Official only
            </label>
            {filtered && (
              <button type="button" className="secondary" onClick={clearFilters}>
                Clear
              </button>
            )}
          </div>

          {tags.length > 0 && (
            <div className="active-tags" aria-label="Tag filters">
              <span className="muted">Tags:</span>
              {tags.map((t) => (
                <button key={t} type="button" className="chip chip-on" onClick={() => toggleTag(t)} aria-label={`Remove tag filter ${t}`}>
                  {t} ×
                </button>
              ))}
            </div>
          )}

          {state.kind === 'loading' && !state.previous && <LoadingState what="templates" />}
          {state.kind === 'error' && <ErrorState error={state.error} onRetry={reload} />}

          {shown &&
            shown.items.length === 0 &&
            (filtered ? (
              <NoMatches what="templates" onClear={clearFilters} />
            ) : (
              <EmptyState title="No templates yet.">
                Save one of your agents or workflows as a template with <strong>Save as template</strong> (or press{' '}
                <kbd>N</kbd>); it then appears here, ready to be used again in one click.
              </EmptyState>
            ))}

          {shown && shown.items.length > 0 && (
            <div aria-busy={state.kind === 'loading'}>
              {category === '' ? (
                groupByCategory(shown.items).map((g) => (
                  <section key={g.category} className="tpl-section" aria-label={categoryLabel(g.category)}>
                    <h3 className="tpl-section-title">{categoryLabel(g.category)}</h3>
                    <div className="tpl-grid">{g.templates.map((t) => card(t))}</div>
                  </section>
                ))
              ) : (
                <div className="tpl-grid">{shown.items.map((t) => card(t))}</div>
              )}
              {shown.totalPages > 1 && <Pager page={shown.page} totalPages={shown.totalPages} onPage={setPage} />}
            </div>
          )}

          <p className="hints muted">
            Shortcuts: <kbd>N</kbd> save as template · <kbd>/</kbd> search · <kbd>Esc</kbd> close
          </p>
        </div>
      </div>

      {detailId && <TemplatePanel key={detailId} id={detailId} onClose={closeDetail} />}
      {dialog?.kind === 'use' && <InstantiateDialog template={dialog.template} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'save' && (
        <SaveTemplateDialog
          categories={categories.shown ?? []}
          onClose={() => setDialog(null)}
          onSaved={(t) => {
            setDialog(null);
            reload();
            categories.reload();
            openDetail(t.id);
          }}
        />
      )}
    </section>
  );
}
