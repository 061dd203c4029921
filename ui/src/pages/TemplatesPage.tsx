// The Templates page: a gallery of template cards by category (a category list beside it),
// with search, type, official-only and tag filters; a template's detail as a panel at
// `#/templates/<id>`; creating an agent or a workflow from a template; saving your own agent or
// workflow as one; rating. Query building, grouping and reading template data live in
// pages/templates/*.ts; every rule is the service's.
import { ClearFilters, EnumSelect, SearchBox, SortSelect, TagFilters, Toolbar } from '../components/Filters';
import { useRef, useState } from 'react';
import { backend } from '../ipc';
import type { Template } from '../bindings/Template';
import { ListView } from '../components/ListView';
import { Page, ShortcutHints } from '../components/Page';
import { EmptyState, ErrorState, Pager } from '../components/States';
import { count, label } from '../lib/format';
import { useDebounced, useLoad, usePagedList, useShortcuts } from '../lib/hooks';
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

const SORT_OPTIONS = (Object.keys(SORTS) as SortKey[]).map((k) => [k, SORTS[k].label] as const);
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
  const list = usePagedList(
    (page) => backend.templatesList(buildTemplateQuery({ search, category, type, officialOnly, tags, sort }, page, PAGE_SIZE)),
    [search, category, type, officialOnly, tags, sort],
  );
  const { shown, reload, setPage } = list;
  const filtered = isFiltered(filters);
  const set = <K extends keyof GalleryFilters>(key: K, value: GalleryFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const clearFilters = () => setFilters((f) => ({ ...emptyGalleryFilters(), sort: f.sort }));
  const toggleTag = (tag: string) => set('tags', tags.includes(tag) ? tags.filter((t) => t !== tag) : [...tags, tag]);

  useShortcuts(
    { panelOpen: detailId !== null, dialogOpen: dialog !== null, hasSelection: false },
    {
      new: () => setDialog({ kind: 'save' }),
      focusSearch: () => searchRef.current?.focus(),
      close: () => (dialog ? setDialog(null) : closeDetail()),
    },
    true,
  );

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
    <Page
      headingId="templates-heading"
      title="Templates"
      count={shown && count(shown.total, 'template')}
      actions={
        <button type="button" onClick={() => setDialog({ kind: 'save' })} title="Save an agent or a workflow as a template (N)">
          Save as template
        </button>
      }
    >
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
          <Toolbar>
            <SearchBox ref={searchRef} label="Search templates" placeholder="Search name or description  ( / )" value={filters.search} onChange={(v) => set('search', v)} />
            <EnumSelect label="Type" allLabel="Agents and workflows" options={GALLERY_TYPES} value={type} onChange={(v) => set('type', v)} format={(t) => `${label(t)}s`} />
            <SortSelect options={SORT_OPTIONS} value={sort} onChange={(v) => set('sort', v)} />
            <label className="tpl-check">
              <input type="checkbox" checked={officialOnly} onChange={(e) => set('officialOnly', e.target.checked)} />
              Official only
            </label>
            <ClearFilters shown={filtered} onClear={clearFilters} />
          </Toolbar>

          <TagFilters tags={tags} onRemove={toggleTag} />

          <ListView
            list={list}
            loading="templates"
            what="templates"
            filtered={filtered}
            onClear={clearFilters}
            pager="none"
            empty={
              <EmptyState title="No templates yet.">
                Save one of your agents or workflows as a template with <strong>Save as template</strong> (or press{' '}
                <kbd>N</kbd>); it then appears here, ready to be used again in one click.
              </EmptyState>
            }
          >
            {(page, busy) => (
              <div aria-busy={busy}>
                {category === '' ? (
                  groupByCategory(page.items).map((g) => (
                    <section key={g.category} className="tpl-section" aria-label={categoryLabel(g.category)}>
                      <h3 className="tpl-section-title">{categoryLabel(g.category)}</h3>
                      <div className="tpl-grid">{g.templates.map((t) => card(t))}</div>
                    </section>
                  ))
                ) : (
                  <div className="tpl-grid">{page.items.map((t) => card(t))}</div>
                )}
                {page.totalPages > 1 && <Pager page={page.page} totalPages={page.totalPages} onPage={setPage} />}
              </div>
            )}
          </ListView>

          <ShortcutHints
            hints={[
              ['N', 'save as template'],
              ['/', 'search'],
              ['Esc', 'close'],
            ]}
          />
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
    </Page>
  );
}
